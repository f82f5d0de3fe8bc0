"""A self-contained HTML report of a sweep: charts, tables, the config used and where it came from.

``build_report(sweep_dir)`` reads the collected tables of a sweep (``runs.parquet`` and, when there,
``weekly.parquet``, ``candidates.parquet``, ``runs/<hash>/meta.json``, ``multirun.yaml``) and writes
``sweep_dir/report/``::

    report.html            one file, figures embedded (base64 PNG), opens anywhere without a network
    figures/<chart>.png    each chart, also as .svg, to paste elsewhere
    tables/<name>.csv      every table and every chart's numbers, at full precision

The folder is written whole or not at all (a temporary folder beside it, then swapped in). Every
number comes from ``analysis.stats`` (means with 90 % intervals over replications: Student t below
20 replications, bootstrap from 20, none from one; policy differences paired by seed); the readings
under each chart (``readings``) are generated from the same numbers and claim nothing from a missing
interval. A policy with a single run, or a sweep with nothing to show, gets a warning at the top.

:func:`make_report` (``build``) builds everything in memory and returns a :class:`Report` whose
``tables`` are the DataFrames the HTML shows, so a test can check them against the statistics;
``render`` writes it, the page from the templates in ``analysis/templates``.

A sweep of policies and seeds alone gets charts 1-4, 6 and 8; a sweep that also varies the caseload
or the hybrid slots gets chart 5 for each; a sweep varying two levers gets the heatmaps (chart 7).
With levers, charts 1-4, 6 and 8 show one reference setting (each lever at its middle value).
"""

from analysis.report.build import ChartEntry, Report, make_report
from analysis.report.render import build_report, render_html, write_report

__all__ = ["ChartEntry", "Report", "build_report", "make_report", "render_html", "write_report"]
