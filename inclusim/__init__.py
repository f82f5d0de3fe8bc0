"""The application floor: the ``inclusim`` command, sweeps and progress, validation runs, the parameter table.

The only floor that uses both the simulation (``sim``) and the analysis (``analysis``).
"""
