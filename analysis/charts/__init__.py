"""Charts of a sweep, ready to paste into a report.

One function per chart; each takes the tidy tables a sweep writes (``runs``, ``weekly``,
``candidates``), returns a :class:`matplotlib.figure.Figure` drawn with the Agg canvas and never
touches pyplot's global state. Every mean drawn comes with its 90 % interval over replications
(``analysis.stats``): error bars on bars and points, shaded bands around lines; where a group has one
replication there is no interval, and only the mean is drawn. The frames a chart
was drawn from are kept on the figure as ``fig.inclusim_data`` (a dict of DataFrames), so a
report can print the same numbers and a test can check them.

``style`` holds the colours (a policy has the same colour in every chart) and :func:`save_figure`
(PNG and SVG); ``data`` computes the frames the charts draw from. The charts:

1. :func:`policy_comparison`  headline outcomes by policy, and paired differences from a baseline
2. :func:`employment_over_time`  share of users in a job, week by week
3. :func:`time_to_first_job`  Kaplan-Meier curves of the time from entry to a first job
4. :func:`adviser_hours`  adviser hours by activity (per user, per job) and by role (per adviser-week)
5. :func:`caseload_tradeoff`  an outcome and the advisers' load against a swept lever
6. :func:`pathway_occupancy`  how many users are in each part of the pathway, week by week
7. :func:`lever_heatmap`  any KPI over two swept levers
8. :func:`mentor_and_subsidy`  mentor hours and subsidy cost per job
9. :func:`ordinary_users`  the users outside the target group: their outcomes by policy, and paired
   differences (their trade-off against a lever: :func:`caseload_tradeoff` with their outcome)
"""

from analysis.charts.data import (at_setting, employment_by_week, first_job_curves, hours_by_role,
                                  mentor_subsidy_table, occupancy_by_week, over_budget_points)
from analysis.charts.outcomes import (employment_over_time, ordinary_users, pathway_occupancy, policy_comparison,
                                     time_to_first_job)
from analysis.charts.resources import adviser_hours, caseload_tradeoff, lever_heatmap, mentor_and_subsidy
from analysis.charts.style import (ACTIVITY_COLOURS, POLICY_COLOURS, PRINT_SMALLEST_PT, SPARE_COLOURS,
                                   STATE_GROUP_COLOURS, for_print, policy_colour, policy_colours, save_figure,
                                   smallest_text_pt)

__all__ = [
    "ACTIVITY_COLOURS", "POLICY_COLOURS", "PRINT_SMALLEST_PT", "SPARE_COLOURS", "STATE_GROUP_COLOURS", "adviser_hours",
    "at_setting", "for_print", "smallest_text_pt",
    "caseload_tradeoff", "employment_by_week", "employment_over_time", "first_job_curves", "hours_by_role",
    "lever_heatmap", "mentor_and_subsidy", "mentor_subsidy_table", "occupancy_by_week", "ordinary_users",
    "over_budget_points", "pathway_occupancy", "policy_colour", "policy_colours", "policy_comparison", "save_figure",
    "time_to_first_job",
]
