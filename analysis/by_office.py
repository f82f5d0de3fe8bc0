"""Results by NAV office, for runs of a world with several offices (``world.n_offices``).

From ``candidates.parquet`` (one row per user, with ``office_index``): for each run and office, the
users, the share ever employed and the share that dropped out of work training; then, for each
policy (and setting), how far offices differ: the spread of the office means over the replications.
"""

from __future__ import annotations

import pandas as pd

from analysis.formatting import format_value
from analysis.i18n import tr
from analysis.labels import order_policies
from domain.schema import SHARE

OFFICE_COLUMN = "office_index"


def has_offices(candidates: pd.DataFrame | None) -> bool:
    return candidates is not None and OFFICE_COLUMN in candidates and candidates[OFFICE_COLUMN].nunique() > 1


def office_results(candidates: pd.DataFrame, runs: pd.DataFrame) -> pd.DataFrame:
    """One row per policy and office: users, ever employed and dropout, means over the runs."""
    per_run = candidates.assign(employed=candidates["first_job_week"].notna(), dropped=candidates["n_dropouts"] > 0)
    per_run = (per_run.groupby(["run_id", OFFICE_COLUMN])
               .agg(users=("candidate_id", "size"), ever_employed_share=("employed", "mean"),
                    dropout_share=("dropped", "mean")).reset_index())
    per_run = per_run.merge(runs[["run_id", "policy"]].astype({"policy": str}), on="run_id")
    return (per_run.groupby(["policy", OFFICE_COLUMN])
            .agg(runs=("run_id", "nunique"), users=("users", "mean"), ever_employed_share=("ever_employed_share", "mean"),
                 dropout_share=("dropout_share", "mean")).reset_index())


def office_spread(by_office: pd.DataFrame) -> pd.DataFrame:
    """Per policy: offices, and the lowest, 10th percentile, median, 90th percentile and highest office
    mean of users ever employed (as the page shows it)."""
    rows = []
    for policy in order_policies(by_office["policy"].unique()):
        values = by_office.loc[by_office["policy"] == policy, "ever_employed_share"]
        quantiles = values.quantile([0.0, 0.1, 0.5, 0.9, 1.0]).tolist()
        rows.append({tr("Policy"): policy, tr("Offices"): str(len(values)),
                     **{name: format_value(q, SHARE) for name, q in
                        zip((tr("Lowest"), "10 %", tr("Median"), "90 %", tr("Highest")), quantiles, strict=True)}})
    return pd.DataFrame(rows)


__all__ = ["OFFICE_COLUMN", "has_offices", "office_results", "office_spread"]
