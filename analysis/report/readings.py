"""Readings: a few plain sentences under each chart, generated from the numbers the chart drew
(``fig.inclusim_data``), so that the text and the figure always agree.

A missing interval (one replication) is no claim: where it is missing a reading gives the mean and
says nothing about bands separating or a difference being above or below 0."""

from __future__ import annotations

import math

import pandas as pd

from analysis.charts.data import WEEKLY_HOURS_COLUMN, occupancy_by_week, single_value
from analysis.formatting import format_interval, format_range, format_value, has_interval, lever_value, percent
from analysis.labels import lever_label, order_policies, role_name, sort_rows
from analysis.stats import first_time_at_or_below, summarise
from domain.schema import CHECKPOINT_WEEKS, HOURS, NOK, SHARE, employed_share_kpi, hours_per_candidate_kpi, kpi
from domain.states import STATE_GROUP_NAMES, STATE_GROUPS
from domain.terms import ACTIVITIES, ACTIVITY_NAMES

#: The groups of states the pathway reading names.
PATHWAY_GROUPS = ("in_job", "work_training", "ordinary_followup", "exited")


def _by_policy(table: pd.DataFrame) -> pd.DataFrame:
    """The rows with a mean of a one-row-per-policy table, in display order."""
    table = _known(table)
    return table.set_index("policy").reindex(order_policies(table["policy"])).reset_index()


def _known(table: pd.DataFrame) -> pd.DataFrame:
    """The rows of a ``summarise`` table that have a mean (a KPI no run has a value of has none)."""
    return table[table["mean"].notna()]


def _estimate(row, unit: str, digits: int | None = None) -> str:
    return format_interval(row["mean"], row["low"], row["high"], unit, digits)


def _hours(row, digits: int) -> str:
    return (f"{format_value(row['mean'], HOURS, digits)} h "
            f"({format_range(row['low'], row['high'], HOURS, digits)})")


def _difference_phrase(diff: pd.Series, baseline: str, short: bool = False) -> str:
    """'2.1 points (+0.4 to +3.9) more than saksbehandler', or 'no clear difference ...' when the
    interval spans 0; ``short``: 'higher by 2.1 points (+0.4 to +3.9)'. Without an interval (one
    seed paired) the difference is given with no direction claimed; without a pair, none is given."""
    d, lo, hi = float(diff["difference"]), float(diff["low"]), float(diff["high"])
    if not math.isfinite(d):
        return "no seed paired" if short else f"no seed paired with {baseline}"
    interval = format_range(lo, hi, SHARE, sign=True)
    if not has_interval(lo, hi):
        signed = format_value(d, SHARE, sign=True)
        return (f"{signed} points (no interval)" if short else
                f"{signed} points against {baseline} (no interval: too few seeds to say which is higher)")
    if lo <= 0 <= hi:
        signed = format_value(d, SHARE, sign=True)
        return (f"no clear difference ({signed} points, {interval})" if short else
                f"no clear difference from {baseline} ({signed} points, interval {interval})")
    points = f"{format_value(abs(d), SHARE)} points ({interval})"
    if short:
        return f"{'higher' if d > 0 else 'lower'} by {points}"
    return f"{points} {'more' if d > 0 else 'fewer'} than {baseline}"


def outcomes(fig, baseline: str) -> list[str]:
    """Chart 1: employment at the last checkpoint by policy and against the baseline, dropout, and the
    policy with most users ever employed."""
    summ, diffs = fig.inclusim_data["summary"], fig.inclusim_data["differences"]
    out = []
    weeks = [w for w in sorted(CHECKPOINT_WEEKS, reverse=True)
             if w >= 52 and (_known(summ)["kpi"] == employed_share_kpi(w)).any()]
    if not weeks:
        return out
    week = weeks[0]
    main = employed_share_kpi(week)

    def row(policy: str):
        found = _known(summ[(summ["policy"] == policy) & (summ["kpi"] == main)])
        return found.iloc[0] if len(found) else None

    base = row(baseline)
    if base is not None:
        out.append(f"Under {baseline}, {_estimate(base, SHARE)} of users are employed at week {week}.")
    for policy in order_policies(summ["policy"].unique()):
        mine = row(policy)
        if policy == baseline or mine is None:
            continue
        text = f"{policy} reaches {_estimate(mine, SHARE)} employed at week {week}"
        d = diffs[(diffs["policy"] == policy) & (diffs["kpi"] == main)] if len(diffs) else pd.DataFrame()
        if len(d):
            d = d.iloc[0]
            pairs = int(d["pairs"])
            text += ", " + _difference_phrase(d, baseline) + f", paired over {pairs} seed{'s' if pairs != 1 else ''}"
        out.append(text + ".")
    if len(diffs):
        drop = diffs[diffs["kpi"] == "dropout_share"]
        if len(drop):
            parts = [f"{r['policy']} {_difference_phrase(r, baseline, short=True)}" for _, r in drop.iterrows()]
            out.append("Dropout from work training compared with " + baseline + ": " + "; ".join(parts) + ".")
    ever = _known(summ[summ["kpi"] == "ever_employed_share"]).sort_values("mean", ascending=False)
    if len(ever) > 1:
        top = ever.iloc[0]
        out.append(f"Most users ever employed: {top['policy']}, {_estimate(top, SHARE)}.")
    return out


def employment(fig, baseline: str) -> list[str]:
    """Chart 2: the share in a job at the last week, and from when the best policy's band stays apart
    from the baseline's."""
    band = fig.inclusim_data["band"]
    if band.empty:
        return []
    last = band["week"].max()
    end = _by_policy(band[band["week"] == last])
    if end.empty:
        return []
    parts = [f"{r['policy']} {_estimate(r, SHARE)}" for _, r in end.iterrows()]
    out = [f"In a job at week {last}: " + "; ".join(parts) + "."]
    best = end.sort_values("mean").iloc[-1]["policy"]
    if best != baseline and (band["policy"] == baseline).any():
        a = band[band["policy"] == best].set_index("week")
        b = band[band["policy"] == baseline].set_index("week")
        low, high = a["low"].align(b["high"], join="right")
        # a week where either band is missing (one replication) is not apart: no claim is made about it
        apart = (low > high) & low.notna() & high.notna()
        # the first week from which the bands stay apart to the end
        stays = apart[::-1].cumprod()[::-1].astype(bool)
        if stays.any():
            out.append(f"From week {int(stays[stays].index.min())} on, the bands of {best} and {baseline} "
                       "no longer overlap.")
    return out


def first_job(fig) -> list[str]:
    """Chart 3: the share still without a first job after a year, and when half have had one."""
    band = fig.inclusim_data["band"]
    if band.empty:
        return []
    horizon = int(band["weeks"].max())
    at = 52 if horizon >= 52 else horizon
    rows = _by_policy(band[band["weeks"] == at])
    if rows.empty:
        return []
    out = [f"Still without a first job {at} weeks after coming onto the caseload: "
           + "; ".join(f"{r['policy']} {_estimate(r, SHARE)}" for _, r in rows.iterrows()) + "."]
    medians = []
    for policy in order_policies(band["policy"].unique()):
        curve = band[band["policy"] == policy].sort_values("weeks")
        mean, low, high = (first_time_at_or_below(curve["weeks"], curve[col]) for col in ("mean", "low", "high"))
        banded = curve[["low", "high"]].notna().all(axis=None)
        if math.isnan(mean):
            medians.append(f"{policy} not within {horizon} weeks" + ("" if banded else " (no interval)"))
        elif not banded:
            medians.append(f"{policy} {mean:.0f} weeks (no interval)")
        else:
            upper = f"{high:.0f}" if math.isfinite(high) else f"more than {horizon}"
            medians.append(f"{policy} {mean:.0f} weeks ({low:.0f} to {upper})")
    out.append("Half the users have had a first job after: " + "; ".join(medians) + ".")
    return out


def hours(fig, runs: pd.DataFrame) -> list[str]:
    """Chart 4: adviser hours per user and per user employed, the activity that takes most, and the
    hours per adviser per week by role."""
    out = []
    per_candidate = fig.inclusim_data.get("per_candidate", pd.DataFrame())
    per_employment = fig.inclusim_data.get("per_employment", pd.DataFrame())
    for table, total, what in ((per_candidate, "hours_per_candidate", "per user"),
                               (per_employment, "hours_per_employment", "per user employed")):
        t = _known(table[table["kpi"] == total]) if len(table) else table
        if len(t):
            parts = [f"{r['policy']} {_hours(r, 0)}" for _, r in _by_policy(t).iterrows()]
            out.append(f"Adviser hours {what} over the run: " + "; ".join(parts) + ".")
    if len(per_candidate):
        by_key = {hours_per_candidate_kpi(a): a for a in ACTIVITIES}
        acts = _known(per_candidate[per_candidate["kpi"] != "hours_per_candidate"])
        for policy in order_policies(acts["policy"].unique())[:4]:
            mine = acts[acts["policy"] == policy].sort_values("mean", ascending=False)
            total = mine["mean"].sum()
            if len(mine) and total > 0:
                top = mine.iloc[0]
                name = ACTIVITY_NAMES[by_key[top["kpi"]]] if top["kpi"] in by_key else top["kpi"]
                out.append(f"Under {policy}, {name.lower()} takes the largest share of these hours "
                           f"({percent(top['mean'] / total, 0)}).")
    by_role = fig.inclusim_data.get("by_role")
    if by_role is not None and len(_known(by_role)):
        t = sort_rows(_known(by_role[by_role["kpi"] == "total"]), ["policy", "role"])
        budget = single_value(runs, WEEKLY_HOURS_COLUMN)
        parts = [f"{role_name(r['role'])} under {r['policy']} {_hours(r, 1)}" for _, r in t.iterrows()]
        head = "Booked hours per adviser per week" + (f" (weekly hours {budget:g} h)" if budget else "")
        out.append(head + ": " + "; ".join(parts) + ".")
    return out


def tradeoff(fig, lever: str) -> list[str]:
    """Chart 5: per policy, the outcome at the lowest and highest lever value, and where the
    case-holding advisers first go over their hours."""
    data = fig.inclusim_data
    outcome, load, over = data["outcome"], data["load"], data["over_budget"]
    out = []
    name = lever_label(lever).lower()
    outcome_kpi = kpi(outcome["kpi"].iloc[0] if len(outcome) else "")
    load_unit = kpi(load["kpi"].iloc[0]).unit if len(load) else SHARE
    for policy in order_policies(outcome["policy"].unique()):
        mine = _known(outcome[outcome["policy"] == policy]).sort_values(lever)
        if len(mine) < 2:
            continue
        low_end, high_end = mine.iloc[0], mine.iloc[-1]
        text = (f"{policy}: {outcome_kpi.label.lower()} goes from {_estimate(low_end, outcome_kpi.unit)} at {name} "
                f"{lever_value(low_end[lever])} to {_estimate(high_end, outcome_kpi.unit)} at "
                f"{lever_value(high_end[lever])}")
        first = over[over["policy"] == policy][lever]
        first = first.iloc[0] if len(first) else None
        if first is None or pd.isna(first):
            text += "; the case-holding advisers stay within their hours across these values"
        else:
            at_first = load[(load["policy"] == policy) & (load[lever] == first)].iloc[0]
            already = "already " if first == mine[lever].iloc[0] else ""
            spread = (format_range(at_first["low"], at_first["high"], load_unit)
                      if has_interval(at_first["low"], at_first["high"]) else "no interval")
            text += (f"; the case-holding advisers are over their hours {already}at {lever_value(first)} "
                     f"(workload {format_value(at_first['mean'], load_unit)}, {spread})")
        out.append(text + ".")
    out.append("Workload is the hours the case-holding advisers' work called for divided by their weekly hours, "
               "averaged over adviser-weeks; the marked point is the first swept value with a mean above 1.")
    return out


def pathway(weekly: pd.DataFrame, runs: pd.DataFrame) -> list[str]:
    """Chart 6: per policy, the share of users in a job, in work training, in ordinary follow-up and
    gone from NAV follow-up at the last week."""
    occ = occupancy_by_week(weekly, runs)
    if occ.empty:
        return []
    last = occ["week"].max()
    end = occ[occ["week"] == last].copy()
    groups = [key for key, _states in STATE_GROUPS]
    total = end[groups].sum(axis=1)
    for key in groups:
        end[key] = end[key] / total.where(total > 0)
    summ = summarise(end, list(PATHWAY_GROUPS), by="policy")
    out = []
    for policy in order_policies(summ["policy"].unique()):
        mine = summ[summ["policy"] == policy].set_index("kpi")
        parts = [f"{STATE_GROUP_NAMES[key][0].lower() + STATE_GROUP_NAMES[key][1:]} "
                 f"{_estimate(mine.loc[key], SHARE, 0)}" for key in PATHWAY_GROUPS
                 if key in mine.index and pd.notna(mine.loc[key, "mean"])]
        if parts:
            out.append(f"{policy}, week {last}: " + ", ".join(parts) + " of the users counted so far.")
    return out


def heatmap(fig, name: str, x_lever: str, y_lever: str) -> list[str]:
    """Chart 7: per policy, the highest and the lowest cell and where they are."""
    cells = fig.inclusim_data["cells"]
    unit = kpi(name).unit
    mark = " %" if unit == SHARE else ""
    out = []

    def where(r) -> str:
        return (f"{lever_label(x_lever).lower()} {lever_value(r[x_lever])}, "
                f"{lever_label(y_lever).lower()} {lever_value(r[y_lever])}")

    def value(r) -> str:
        spread = (f" ± {format_value(r['half_width'], unit)}" if has_interval(r["low"], r["high"])
                  else " (no interval)")
        return f"{format_value(r['mean'], unit)}{mark}{spread}"

    for policy in order_policies(cells["policy"].unique()):
        mine = cells[cells["policy"] == policy].dropna(subset=["mean"])
        if mine.empty:
            continue
        high, low = mine.loc[mine["mean"].idxmax()], mine.loc[mine["mean"].idxmin()]
        out.append(f"{policy}: highest {value(high)} at {where(high)}; lowest {value(low)} at {where(low)}.")
    return out


def mentors(fig) -> list[str]:
    """Chart 8: subsidy cost and mentor hours per user employed, by policy."""
    summ = fig.inclusim_data["summary"]
    out = []
    for name, what in (("subsidy_cost_per_employment", "Subsidy cost per user employed"),
                       ("mentor_hours_per_employment", "Mentor hours per user employed")):
        t = _known(summ[summ["kpi"] == name])
        if t.empty:
            continue
        if kpi(name).unit == NOK:
            parts = [f"{r['policy']} NOK {_estimate(r, NOK)}" for _, r in _by_policy(t).iterrows()]
        else:
            parts = [f"{r['policy']} {_hours(r, 0)}" for _, r in _by_policy(t).iterrows()]
        out.append(f"{what}: " + "; ".join(parts) + ".")
    return out
