"""``inclusim dashboard``: the office leader's browser app (Solara), in bokmål by default.

* ``levers``   the controls a leader owns and the scenario choices, as model settings;
* ``runner``   replications of a setting on worker processes, with progress and a cache;
* ``views``    the dashboard's charts and tables, drawn by the analysis floor's chart code;
* ``app``      the Solara pages: simulate, week by week, explore a sweep, staffing;
* ``server``   starts the Solara server and prints its address.
"""
