"""The analysis floor: reads the run tables of a sweep and shows them.

It takes its vocabulary (states, roles, activities, KPIs and their units, the run-folder format)
from ``domain`` and nothing from the simulation: ``collect`` gathers a sweep's run folders into
tidy tables, ``summary`` prints and saves their summary, ``charts`` draws them and ``report``
writes the HTML report. ``stats`` (means with bootstrap intervals, paired differences,
Kaplan-Meier), ``kpis`` (derived KPIs), ``labels`` (plain names) and ``formatting`` (how a number
is printed) serve all four.
"""
