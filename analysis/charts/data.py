"""The frames the charts draw from, computed from a sweep's tables (``runs``, ``weekly``,
``candidates``); each is keyed by run, with the run's policy and seed joined on."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from analysis.labels import order_policies
from analysis.stats import km_survival
from domain.schema import (MENTOR_HOURS_COLUMNS, MENTOR_SUBSIDISED_COLUMN, adviser_weeks_column, config_column,
                           hours_column, unmet_column)
from domain.states import EMPLOYED_STATES, STATE_GROUPS, State
from domain.terms import ACTIVITIES, ROLES

HORIZON_COLUMN = config_column("horizon_weeks")
WEEKLY_HOURS_COLUMN = config_column("office.adviser_hours_week")
#: The mentor-hour figures of a run: support and network sessions, and the hours the subsidy paid.
MENTOR_HOURS = (*MENTOR_HOURS_COLUMNS, MENTOR_SUBSIDISED_COLUMN)


def policies_in(frame: pd.DataFrame) -> list[str]:
    """The policies of a frame in display order."""
    return order_policies(frame["policy"].dropna().unique()) if len(frame) else []


def replications(table: pd.DataFrame) -> int:
    """The most replications behind a row of a ``stats.summarise`` table (0 when it is empty)."""
    return int(table["n"].max()) if len(table) else 0


def with_policy(table: pd.DataFrame, runs: pd.DataFrame) -> pd.DataFrame:
    """``table`` (keyed by run_id) joined to each run's policy and seed; runs not in ``runs`` dropped."""
    keep = runs[["run_id", "policy", "seed"]].copy()
    keep["policy"] = keep["policy"].astype(str)
    return table.merge(keep, on="run_id", how="inner")


def single_value(runs: pd.DataFrame, column: str) -> float | None:
    """The one value a column takes in every run, None when it is missing or takes several."""
    if column not in runs:
        return None
    values = runs[column].dropna().unique()
    return float(values[0]) if len(values) == 1 else None


def at_setting(runs: pd.DataFrame, fixed: dict | None) -> pd.DataFrame:
    """The runs whose ``cfg.*`` columns equal the given values (all runs when ``fixed`` is empty)."""
    if not fixed:
        return runs
    mask = pd.Series(True, index=runs.index)
    for col, val in fixed.items():
        mask &= runs[col] == val
    return runs[mask]


def employment_by_week(weekly: pd.DataFrame, runs: pd.DataFrame) -> pd.DataFrame:
    """Per run and week: the share of users present who are in a job.

    In a job = in one of ``domain.states.EMPLOYED_STATES``; present = every user counted in any
    state that week (the state columns summed). Columns: run_id, policy, seed, week, employed_share.
    """
    present = weekly[[s.column for s in State if s.column in weekly]].sum(axis=1).astype(float)
    employed = weekly[[s.column for s in EMPLOYED_STATES if s.column in weekly]].sum(axis=1)
    out = pd.DataFrame({"run_id": weekly["run_id"], "week": weekly["week"],
                        "employed_share": (employed / present.where(present > 0)).to_numpy()})
    return with_policy(out, runs)


def first_job_curves(candidates: pd.DataFrame, runs: pd.DataFrame) -> pd.DataFrame:
    """Per run, the Kaplan-Meier share still without a first job, week 0 to the horizon.

    Duration = first_job_week - entry_week; users never hired are censored at horizon - entry_week.
    Columns: run_id, policy, seed, weeks, without_job.
    """
    horizon = runs.set_index("run_id")[HORIZON_COLUMN] if HORIZON_COLUMN in runs else None
    cands = candidates[candidates["run_id"].isin(runs["run_id"])].sort_values("run_id", kind="stable")
    run_ids = cands["run_id"].to_numpy()
    first = pd.array(cands["first_job_week"], dtype="Float64")
    hired_all = ~np.asarray(first.isna(), dtype=bool)
    first_all = first.to_numpy(dtype=float, na_value=0.0)
    entry_all = cands["entry_week"].to_numpy(dtype=float)
    starts = np.flatnonzero(np.r_[True, run_ids[1:] != run_ids[:-1]]) if len(run_ids) else np.array([], int)
    ids, weeks, without = [], [], []
    for start, stop in zip(starts.tolist(), np.r_[starts[1:], len(run_ids)].tolist()):
        run_id = run_ids[start]
        hired, entry = hired_all[start:stop], entry_all[start:stop]
        if horizon is not None:
            end = float(horizon.loc[run_id])
        else:   # no horizon recorded: the last week anything happened stands in for it
            end = float(np.nanmax([entry.max(), first_all[start:stop][hired].max() if hired.any() else 0.0]))
        durations = np.where(hired, first_all[start:stop], end) - entry
        grid = np.arange(0, int(end) + 1)
        ids.append(np.full(len(grid), run_id, dtype=object))
        weeks.append(grid)
        without.append(km_survival(durations, hired, grid))
    out = (pd.DataFrame({"run_id": np.concatenate(ids), "weeks": np.concatenate(weeks),
                         "without_job": np.concatenate(without)}) if ids
           else pd.DataFrame({"run_id": pd.Series(dtype=str), "weeks": [], "without_job": []}))
    return with_policy(out, runs)


def hours_by_role(weekly: pd.DataFrame, runs: pd.DataFrame) -> pd.DataFrame:
    """Per run and adviser role: hours per adviser per week, by activity, over the whole run.

    hours = sum over weeks of the role's hours on the activity / sum of the role's adviser-weeks.
    Roles with no adviser-weeks in a run are left out. Columns: run_id, policy, seed, role, one
    column per activity (its key, e.g. ``admin``), total (booked), and, when the weekly table has
    them, unmet: the work asked of the role that its hours did not cover, per adviser per week.
    """
    rows = []
    sums = weekly.groupby("run_id", sort=True).sum(numeric_only=True)
    for role in ROLES:
        weeks_col = adviser_weeks_column(role)
        if weeks_col not in sums:
            continue
        acts = [a for a in ACTIVITIES if hours_column(role, a) in sums]
        if not acts:
            continue
        weeks = sums[weeks_col].where(sums[weeks_col] > 0)
        part = pd.DataFrame({a.key: sums[hours_column(role, a)] / weeks for a in acts})
        part["total"] = part[[a.key for a in acts]].sum(axis=1)
        unmet = [unmet_column(role, a) for a in ACTIVITIES if unmet_column(role, a) in sums]
        if unmet:
            part["unmet"] = sums[unmet].sum(axis=1) / weeks
        part = part[weeks.notna()]
        part["role"] = role.value
        rows.append(part.reset_index())
    if not rows:
        return with_policy(pd.DataFrame(columns=["run_id", "role", "total"]), runs)
    return with_policy(pd.concat(rows, ignore_index=True), runs)


def over_budget_points(table: pd.DataFrame, lever: str, threshold: float = 1.0) -> dict[str, object]:
    """For each policy, the first lever value (in increasing order) whose mean load is above
    ``threshold`` (None when it never is). ``table``: summarise output by policy and lever."""
    out = {}
    for pol, grp in table.groupby("policy", sort=False):
        grp = grp.sort_values(lever)
        above = grp[grp["mean"] > threshold]
        out[str(pol)] = above[lever].iloc[0] if len(above) else None
    return out


def over_budget_crossings(table: pd.DataFrame, lever: str, threshold: float = 1.0) -> dict[str, float | None]:
    """For each policy, the lever value where its mean load crosses ``threshold`` on the way up,
    read off the straight line between the last swept value below it and the first above it (the
    first swept value when that one is already above; None when no value is). ``table``: summarise
    output by policy and lever, with a numeric lever."""
    out: dict[str, float | None] = {}
    for pol, grp in table.groupby("policy", sort=False):
        grp = grp.sort_values(lever)
        xs, ys = grp[lever].to_numpy(dtype=float), grp["mean"].to_numpy(dtype=float)
        above = np.flatnonzero(ys > threshold)
        if not len(above):
            out[str(pol)] = None
            continue
        i = int(above[0])
        if i == 0 or not np.isfinite(ys[i - 1]):
            out[str(pol)] = float(xs[i])
        else:
            out[str(pol)] = float(xs[i - 1] + (threshold - ys[i - 1]) / (ys[i] - ys[i - 1]) * (xs[i] - xs[i - 1]))
    return out


def occupancy_by_week(weekly: pd.DataFrame, runs: pd.DataFrame) -> pd.DataFrame:
    """Per run and week, the number of users in each group of ``domain.states.STATE_GROUPS``.

    Columns: run_id, policy, seed, week and one column per group key (``in_job``, ...).
    """
    out = pd.DataFrame({"run_id": weekly["run_id"], "week": weekly["week"]})
    for key, states in STATE_GROUPS:
        cols = [s.column for s in states if s.column in weekly]
        out[key] = weekly[cols].sum(axis=1).astype(float) if cols else 0.0
    return with_policy(out, runs)


def mentor_subsidy_table(runs: pd.DataFrame) -> pd.DataFrame:
    """Per run, the figures chart 8 draws: mentor hours per week (support, network, subsidised),
    and per user employed the mentor hours and the two subsidies (NOK)."""
    weeks = runs[HORIZON_COLUMN].astype(float) if HORIZON_COLUMN in runs else math.nan
    employed = runs["n_ever_employed"].astype(float).where(runs["n_ever_employed"] > 0) \
        if "n_ever_employed" in runs else math.nan
    out = pd.DataFrame({"run_id": runs["run_id"], "policy": runs["policy"].astype(str), "seed": runs["seed"]})
    for col in MENTOR_HOURS:
        out[f"{col}_per_week"] = runs[col] / weeks if col in runs else math.nan
    out["mentor_hours_per_week"] = out["mentor_hours_support_per_week"] + out["mentor_hours_network_per_week"]
    out["mentor_hours_support_per_employment"] = runs.get("mentor_hours_support", math.nan) / employed
    out["mentor_hours_network_per_employment"] = runs.get("mentor_hours_network", math.nan) / employed
    out["mentor_hours_per_employment"] = runs.get("mentor_hours_per_employment", math.nan)
    out["mentor_subsidy_per_employment"] = runs.get("mentor_subsidy_nok", math.nan) / employed
    out["wage_subsidy_per_employment"] = runs.get("wage_subsidy_nok", math.nan) / employed
    out["subsidy_cost_per_employment"] = runs.get("subsidy_cost_per_employment", math.nan)
    return out
