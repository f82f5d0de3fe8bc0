"""KPIs the analysis derives from the runs table, and the KPIs a sweep has values for.

The catalogue (``domain.schema.KPIS``) marks a KPI ``derived`` when the analysis computes it from
other KPIs instead of reading it: :data:`DERIVED` holds one function per such KPI, and
:func:`with_derived_kpis` adds their columns to a runs table.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pandas as pd

from domain.schema import (CHECKPOINT_WEEKS, ORDINARY_JOB_WEEKS, adviser_hours_kpi, adviser_pressure_kpi,
                           config_column, employed_share_kpi, ordinary_job_kpi)
from domain.terms import ROLES


def caseholder_pressure(runs: pd.DataFrame) -> pd.Series:
    """Per run, the workload of the advisers who hold the ordinary caseloads: demand / weekly hours,
    averaged over adviser-weeks (``adviser_pressure_<role>``), for whichever case-holding role (not a
    job specialist) booked more hours in the run. Above 1 they are over their hours on average."""
    roles = [r.value for r in ROLES if not r.is_specialist and adviser_pressure_kpi(r) in runs]
    if not roles:
        return pd.Series(math.nan, index=runs.index, name="caseholder_pressure")
    hours = pd.DataFrame({r: runs.get(adviser_hours_kpi(r), pd.Series(0.0, index=runs.index)).fillna(0)
                          for r in roles})
    pressure = pd.DataFrame({r: runs[adviser_pressure_kpi(r)] for r in roles})
    pressure_ok = pressure.where(pressure.notna(), -np.inf)
    # the role with more booked hours; if none booked any, the one with a pressure figure
    choice = hours.where(pressure.notna(), -1).idxmax(axis=1)
    out = [pressure.at[i, r] if pressure_ok.at[i, r] > -np.inf else math.nan for i, r in choice.items()]
    return pd.Series(out, index=runs.index, name="caseholder_pressure", dtype=float)


def apprentice_education_share(runs: pd.DataFrame) -> pd.Series:
    """Per run, the share of users who went on to an apprenticeship or to education (both end a user's
    story, so no user counts twice)."""
    if "apprentice_share" not in runs or "education_share" not in runs:
        return pd.Series(math.nan, index=runs.index, name="apprentice_education_share")
    return (runs["apprentice_share"] + runs["education_share"]).rename("apprentice_education_share")


def position_cost_nok_per_year(runs: pd.DataFrame) -> pd.Series:
    """Per run, what the positions cost a year (the run's position cost over its years)."""
    horizon = runs.get(config_column("horizon_weeks"))
    if "position_cost_nok" not in runs or horizon is None:
        return pd.Series(math.nan, index=runs.index, name="position_cost_nok_per_year")
    return (runs["position_cost_nok"] * 52 / horizon.astype(float)).rename("position_cost_nok_per_year")


def people_in_work_end(runs: pd.DataFrame) -> pd.Series:
    """Per run, the people in work at the end: target-group users in work at the end, and users outside
    the target group (of those on the caseloads at the start) with a job at the end. The count a cost per
    extra person in work divides by."""
    needed = ("in_work_end_share", "n_candidates", "ordinary_job_by_end_share", "ordinary_n_start")
    if any(name not in runs for name in needed):
        return pd.Series(math.nan, index=runs.index, name="people_in_work_end")
    return (runs["in_work_end_share"] * runs["n_candidates"]
            + runs["ordinary_job_by_end_share"] * runs["ordinary_n_start"]).rename("people_in_work_end")


#: One function per derived KPI of the catalogue: runs table -> one value per run.
DERIVED: dict[str, Callable[[pd.DataFrame], pd.Series]] = {
    "caseholder_pressure": caseholder_pressure,
    "apprentice_education_share": apprentice_education_share,
    "position_cost_nok_per_year": position_cost_nok_per_year,
    "people_in_work_end": people_in_work_end,
}


def with_derived_kpis(runs: pd.DataFrame) -> pd.DataFrame:
    """``runs`` with a column for each derived KPI it does not have yet."""
    missing = {name: func(runs) for name, func in DERIVED.items() if name not in runs}
    return pd.concat([runs, pd.DataFrame(missing, index=runs.index)], axis=1) if missing else runs


def kpis_present(runs: pd.DataFrame, kpis) -> list[str]:
    """The KPIs of ``kpis`` that ``runs`` has at least one value of, in the same order."""
    return [k for k in kpis if k in runs and runs[k].notna().any()]


def last_checkpoint_kpi(runs: pd.DataFrame) -> str | None:
    """``employed_share_wN`` for the largest checkpoint N with data (156 when the horizon is three years)."""
    present = kpis_present(runs, [employed_share_kpi(w) for w in sorted(CHECKPOINT_WEEKS, reverse=True)])
    return present[0] if present else None


def headline_outcomes(runs: pd.DataFrame) -> list[str]:
    """The headline outcomes present in ``runs``: employed at week 52 and at the last checkpoint
    the horizon reaches (156 in the main job), ever employed, dropout, apprenticeship, education."""
    last = last_checkpoint_kpi(runs)
    first = employed_share_kpi(52)
    kpis = [first] + ([last] if last and last != first else [])
    kpis += ["ever_employed_share", "dropout_share", "apprentice_share", "education_share"]
    return kpis_present(runs, kpis)


#: The outcome of the users outside the target group the report leads with (chart 9, its reading and trade-off).
ORDINARY_MAIN = "ordinary_job_by_end_share"


def ordinary_outcomes(runs: pd.DataFrame) -> list[str]:
    """The outcomes of the users outside the target group present in ``runs``: a job by weeks 26, 52
    and 104 (those before the end of every run: a job by the last week is a job by the end), by the
    end, and left NAV follow-up without one; all shares of the users on the caseloads at the start."""
    horizon = runs[config_column("horizon_weeks")].min() if config_column("horizon_weeks") in runs else math.nan
    weeks = [w for w in ORDINARY_JOB_WEEKS if math.isnan(horizon) or w < horizon]
    return kpis_present(runs, [*map(ordinary_job_kpi, weeks), ORDINARY_MAIN, "ordinary_left_without_job_share"])
