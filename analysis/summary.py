"""The summary of a sweep: KPIs by policy (or by setting) as mean and 90 % interval over replications.

:func:`write_summary` saves the numbers (``summary.parquet``, ``summary.csv``: one row per group and
KPI) and returns the table the terminal prints: KPIs x groups when there are few groups
(:func:`summary_table`), one row per group with a few key KPIs when there are many
(:func:`settings_table`). The KPIs are ``domain.schema.SUMMARY_KPIS`` and ``KEY_KPIS``; derived
KPIs (``caseholder_pressure``) are computed here (``analysis.kpis``).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.formatting import natural_key, with_text
from analysis.kpis import kpis_present, with_derived_kpis
from analysis.labels import order_policies
from analysis.stats import LEVEL, summarise
from domain.schema import KEY_KPIS, SUMMARY_KPIS
from domain.store import atomic_write_bytes, atomic_write_parquet

#: With more groups than this, the terminal shows one row per group instead of one column.
WIDE_LIMIT = 6
#: The line to print above the terminal table.
SUMMARY_HEADING = (f"Summary: mean over replications ({int(LEVEL * 100)} % bootstrap interval); "
                   "shares in %, NOK in thousands")


def group_column(runs: pd.DataFrame) -> str:
    """``policy`` when each policy was run in one setting, else ``variant`` (the overrides that tell a
    run's setting apart from its replications)."""
    if "variant" not in runs or runs.empty:
        return "policy"
    return "policy" if runs.groupby("policy")["variant"].nunique().max() <= 1 else "variant"


def order_groups(groups, by: str) -> list:
    """Policies in display order; settings in natural order ('slots=2' before 'slots=10')."""
    return order_policies(groups) if by == "policy" else sorted(groups, key=natural_key)


def kpi_by_group(long: pd.DataFrame, kpis: list[str], by: str) -> pd.DataFrame:
    """One row per KPI (in ``kpis`` order), one column per group, the ``text`` of a
    :func:`analysis.formatting.with_text` table."""
    wide = long.pivot(index="kpi", columns=by, values="text").reindex(kpis)
    wide = wide[order_groups(wide.columns, by)]
    wide.columns.name = None
    wide.index.name = None
    return wide


def summary_table(runs: pd.DataFrame, kpis: list[str] | None = None, by: str = "policy") -> pd.DataFrame:
    """Wide summary: one row per KPI, one column per group, 'mean (interval)' in the terminal's
    compact form (shares in per cent, NOK in thousands)."""
    runs = with_derived_kpis(runs)
    kpis = kpis_present(runs, kpis or SUMMARY_KPIS)
    return kpi_by_group(with_text(summarise(runs, kpis, by=by), compact=True), kpis, by)


def settings_table(runs: pd.DataFrame, by: str = "variant", kpis: list[str] | None = None) -> pd.DataFrame:
    """One row per setting (group) in natural order, a few KPIs as columns, 'mean (interval)' compact."""
    runs = with_derived_kpis(runs)
    kpis = kpis_present(runs, kpis or KEY_KPIS)
    long = with_text(summarise(runs, kpis, by=by), compact=True)
    table = long.pivot(index=by, columns="kpi", values="text")[kpis]
    table = table.loc[order_groups(table.index, by)]
    table.columns.name = None
    table.index.name = None
    return table


def terminal_summary(runs: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """KPIs x groups when there are few groups; one row per group when there are many. ``by``
    defaults to :func:`group_column`."""
    by = by or group_column(runs)
    if runs[by].nunique() <= WIDE_LIMIT:
        return summary_table(runs, by=by)
    return settings_table(runs, by=by)


def write_summary(sweep_dir: Path, by: str | None = None) -> pd.DataFrame:
    """Save the summary of a collected sweep (``summary.parquet`` and ``summary.csv``: group, kpi,
    mean, low, high, n) and return the table to print (:func:`terminal_summary`)."""
    sweep_dir = Path(sweep_dir)
    runs = with_derived_kpis(pd.read_parquet(sweep_dir / "runs.parquet"))
    by = by if by in runs else group_column(runs)
    long = summarise(runs, kpis_present(runs, SUMMARY_KPIS), by=by)
    atomic_write_parquet(long, sweep_dir / "summary.parquet")
    atomic_write_bytes(sweep_dir / "summary.csv", long.to_csv(index=False).encode())
    return terminal_summary(runs, by=by)
