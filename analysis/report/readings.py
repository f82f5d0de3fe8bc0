"""Readings: a few plain sentences under each chart, generated from the numbers the chart drew
(``fig.inclusim_data``), so that the text and the figure always agree.

A missing interval (one replication) is no claim: where it is missing a reading gives the mean and
says nothing about bands separating or a difference being above or below 0. The sentences are in the
current language (``analysis.i18n``); each is one template of the translation table."""

from __future__ import annotations

import math

import pandas as pd

from analysis.charts.data import HORIZON_COLUMN, WEEKLY_HOURS_COLUMN, occupancy_by_week, single_value
from analysis.formatting import (format_interval, format_range, format_value, has_interval, lever_value, number_list,
                                 percent)
from analysis.i18n import tr
from analysis.derived_kpis import ORDINARY_MAIN
from analysis.labels import activity_name, kpi_label, lever_label, order_policies, role_name, sort_rows, state_group_name
from analysis.stats import summarise
from domain.schema import CHECKPOINT_WEEKS, COUNT, HOURS, NOK, SHARE, employed_share_kpi, hours_per_candidate_kpi, kpi
from domain.states import STATE_GROUPS
from domain.survival import first_time_at_or_below
from domain.terms import ACTIVITIES

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
    return tr("{hours} h ({interval})", hours=format_value(row["mean"], HOURS, digits),
              interval=format_range(row["low"], row["high"], HOURS, digits))


def _first_lower(text: str) -> str:
    """A plain name inside a sentence: 'In a job' -> 'in a job' (only the first letter changes)."""
    return text[:1].lower() + text[1:]


def _difference_phrase(diff: pd.Series, baseline: str, short: bool = False) -> str:
    """'2.1 points (+0.4 to +3.9) more than saksbehandler', or 'no clear difference ...' when the
    interval spans 0; ``short``: 'higher by 2.1 points (+0.4 to +3.9)'. Without an interval (one
    seed paired) the difference is given with no direction claimed; without a pair, none is given."""
    d, lo, hi = float(diff["difference"]), float(diff["low"]), float(diff["high"])
    if not math.isfinite(d):
        return tr("no seed paired") if short else tr("no seed paired with {baseline}", baseline=baseline)
    fields = {"baseline": baseline, "interval": format_range(lo, hi, SHARE, sign=True),
              "signed": format_value(d, SHARE, sign=True), "points": format_value(abs(d), SHARE)}
    if not has_interval(lo, hi):
        return tr("{signed} points (no interval)" if short else
                  "{signed} points against {baseline} (no interval: too few seeds to say which is higher)", **fields)
    if lo <= 0 <= hi:
        return tr("no clear difference ({signed} points, {interval})" if short else
                  "no clear difference from {baseline} ({signed} points, interval {interval})", **fields)
    if short:
        return tr("higher by {points} points ({interval})" if d > 0 else "lower by {points} points ({interval})", **fields)
    return tr("{points} points ({interval}) more than {baseline}" if d > 0 else
              "{points} points ({interval}) fewer than {baseline}", **fields)


def _paired(diffs: pd.DataFrame, policy: str, name: str, baseline: str) -> str:
    """', 6.4 points (-8.0 to -4.8) fewer than saksbehandler, paired over 3 seeds' for ``policy``'s
    difference in ``name`` from the baseline; '' when the differences have no row for it."""
    d = diffs[(diffs["policy"] == policy) & (diffs["kpi"] == name)] if len(diffs) else pd.DataFrame()
    if d.empty:
        return ""
    d = d.iloc[0]
    pairs = int(d["pairs"])
    return ", " + _difference_phrase(d, baseline) + ", " + tr(
        "paired over {n} seeds" if pairs != 1 else "paired over {n} seed", n=pairs)


def _short_differences(diffs: pd.DataFrame, name: str, baseline: str) -> str:
    """'hybrid lower by 2.1 points (-3.9 to -0.4); brobygger no clear difference (...)': each policy's
    difference in ``name`` from the baseline; '' when there is none."""
    rows = diffs[diffs["kpi"] == name] if len(diffs) else diffs
    return "; ".join(f"{r['policy']} {_difference_phrase(r, baseline, short=True)}" for _, r in rows.iterrows())


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
        out.append(tr("Under {baseline}, {share} of users are employed at week {week}.", baseline=baseline,
                      share=_estimate(base, SHARE), week=week))
    for policy in order_policies(summ["policy"].unique()):
        mine = row(policy)
        if policy == baseline or mine is None:
            continue
        text = tr("{policy} reaches {share} employed at week {week}", policy=policy, share=_estimate(mine, SHARE),
                  week=week)
        out.append(text + _paired(diffs, policy, main, baseline) + ".")
    drop = _short_differences(diffs, "dropout_share", baseline)
    if drop:
        out.append(tr("Dropout from work training compared with {baseline}: {parts}.", baseline=baseline, parts=drop))
    ever = _known(summ[summ["kpi"] == "ever_employed_share"]).sort_values("mean", ascending=False)
    if len(ever) > 1:
        top = ever.iloc[0]
        out.append(tr("Most users ever employed: {policy}, {share}.", policy=top["policy"], share=_estimate(top, SHARE)))
    return out


def ordinary(fig, runs: pd.DataFrame, baseline: str) -> list[str]:
    """Chart 9: the share of the users outside the target group on the caseloads at the start who found
    a job by the end, by policy and against the baseline (paired by seed); leaving without a job
    against the baseline; and the rule that links them to the follow-up they get. ``runs``: for the
    week the runs end."""
    summ, diffs = fig.inclusim_data["summary"], fig.inclusim_data["differences"]
    found = _by_policy(summ[summ["kpi"] == ORDINARY_MAIN])
    if found.empty:
        return []
    horizon = single_value(runs, HORIZON_COLUMN)
    end = tr("by the end (week {week})", week=int(horizon)) if horizon else tr("by the end of the run")
    rows = found.set_index("policy")
    if baseline in rows.index:
        out = [tr("Users outside the target group: under {baseline}, {share} of those on the caseloads at the start "
                  "found a job {end}.", baseline=baseline, share=_estimate(rows.loc[baseline], SHARE), end=end)]
    else:
        out = [tr("Users outside the target group: the share of those on the caseloads at the start who found a job "
                  "{end}, by policy.", end=end)]
    for policy, row in rows.iterrows():
        if policy != baseline:
            out.append(f"{policy}: {_estimate(row, SHARE)}" + _paired(diffs, policy, ORDINARY_MAIN, baseline) + ".")
    left = _short_differences(diffs, "ordinary_left_without_job_share", baseline)
    if left:
        out.append(tr("Left NAV follow-up without a job, compared with {baseline}: {parts}.", baseline=baseline,
                      parts=left))
    out.append(tr("In the model, the weekly chance of a job of a user outside the target group scales with the share "
                  "of the casework their adviser gets through and falls with each activity review missed "
                  "(domain/evidence.md, C4): hours taken from casework, by close follow-up or a larger caseload, "
                  "lower it. The summary table gives the share of their weeks with a review overdue."))
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
    out = [tr("In a job at week {week}: {parts}.", week=last, parts="; ".join(parts))]
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
            out.append(tr("From week {week} on, the bands of {best} and {baseline} no longer overlap.",
                          week=int(stays[stays].index.min()), best=best, baseline=baseline))
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
    out = [tr("Still without a first job {weeks} weeks after coming onto the caseload: {parts}.", weeks=at,
              parts="; ".join(f"{r['policy']} {_estimate(r, SHARE)}" for _, r in rows.iterrows()))]
    medians = []
    for policy in order_policies(band["policy"].unique()):
        curve = band[band["policy"] == policy].sort_values("weeks")
        mean, low, high = (first_time_at_or_below(curve["weeks"], curve[col]) for col in ("mean", "low", "high"))
        banded = curve[["low", "high"]].notna().all(axis=None)
        if math.isnan(mean):
            medians.append(tr("{policy} not within {horizon} weeks", policy=policy, horizon=horizon)
                           + ("" if banded else " " + tr("(no interval)")))
        elif not banded:
            medians.append(tr("{policy} {weeks} weeks (no interval)", policy=policy, weeks=f"{mean:.0f}"))
        else:
            upper = f"{high:.0f}" if math.isfinite(high) else tr("more than {weeks}", weeks=horizon)
            medians.append(tr("{policy} {weeks} weeks ({low} to {high})", policy=policy, weeks=f"{mean:.0f}",
                              low=f"{low:.0f}", high=upper))
    out.append(tr("Half the users have had a first job after: {parts}.", parts="; ".join(medians)))
    return out


def hours(fig, runs: pd.DataFrame) -> list[str]:
    """Chart 4: adviser hours per user and per user employed, the activity that takes most, and the
    hours per adviser per week by role."""
    out = []
    per_candidate = fig.inclusim_data.get("per_candidate", pd.DataFrame())
    per_employment = fig.inclusim_data.get("per_employment", pd.DataFrame())
    for table, total, sentence in ((per_candidate, "hours_per_candidate", "Adviser hours per user over the run: {parts}."),
                                   (per_employment, "hours_per_employment",
                                    "Adviser hours per user employed over the run: {parts}.")):
        t = _known(table[table["kpi"] == total]) if len(table) else table
        if len(t):
            parts = [f"{r['policy']} {_hours(r, 0)}" for _, r in _by_policy(t).iterrows()]
            out.append(tr(sentence, parts="; ".join(parts)))
    if len(per_candidate):
        by_key = {hours_per_candidate_kpi(a): a for a in ACTIVITIES}
        acts = _known(per_candidate[per_candidate["kpi"] != "hours_per_candidate"])
        for policy in order_policies(acts["policy"].unique())[:4]:
            mine = acts[acts["policy"] == policy].sort_values("mean", ascending=False)
            total = mine["mean"].sum()
            if len(mine) and total > 0:
                top = mine.iloc[0]
                name = activity_name(by_key[top["kpi"]]) if top["kpi"] in by_key else top["kpi"]
                out.append(tr("Under {policy}, {activity} takes the largest share of these hours ({share}).",
                              policy=policy, activity=name.lower(), share=percent(top["mean"] / total, 0)))
    by_role = fig.inclusim_data.get("by_role")
    if by_role is not None and len(_known(by_role)):
        t = sort_rows(_known(by_role[by_role["kpi"] == "total"]), ["policy", "role"])
        budget = single_value(runs, WEEKLY_HOURS_COLUMN)
        parts = [tr("{role} under {policy} {hours}", role=role_name(r["role"]), policy=r["policy"], hours=_hours(r, 1))
                 for _, r in t.iterrows()]
        out.append(tr("Booked hours per adviser per week (weekly hours {budget} h): {parts}." if budget else
                      "Booked hours per adviser per week: {parts}.", budget=lever_value(budget), parts="; ".join(parts)))
    return out


def tradeoff(fig, lever: str, outcome_name: str | None = None) -> list[str]:
    """Chart 5 (and 9's trade-offs): per policy, the outcome at the lowest and highest lever value, and
    where the case-holding advisers first go over their hours. ``outcome_name``: what the sentences
    call the outcome (default: its plain name, in lower case)."""
    data = fig.inclusim_data
    outcome, load, over = data["outcome"], data["load"], data["over_budget"]
    out = []
    name = lever_label(lever).lower()
    outcome_kpi = kpi(outcome["kpi"].iloc[0] if len(outcome) else "")
    outcome_name = outcome_name or kpi_label(outcome_kpi.name).lower()
    load_unit = kpi(load["kpi"].iloc[0]).unit if len(load) else SHARE
    for policy in order_policies(outcome["policy"].unique()):
        mine = _known(outcome[outcome["policy"] == policy]).sort_values(lever)
        if len(mine) < 2:
            continue
        low_end, high_end = mine.iloc[0], mine.iloc[-1]
        text = tr("{policy}: {outcome} goes from {low} at {lever} {low_value} to {high} at {high_value}", policy=policy,
                  outcome=outcome_name, low=_estimate(low_end, outcome_kpi.unit), lever=name,
                  low_value=lever_value(low_end[lever]), high=_estimate(high_end, outcome_kpi.unit),
                  high_value=lever_value(high_end[lever]))
        first = over[over["policy"] == policy][lever]
        first = first.iloc[0] if len(first) else None
        if first is None or pd.isna(first):
            text += "; " + tr("the case-holding advisers stay within their hours across these values")
        else:
            at_first = load[(load["policy"] == policy) & (load[lever] == first)].iloc[0]
            spread = (format_range(at_first["low"], at_first["high"], load_unit)
                      if has_interval(at_first["low"], at_first["high"]) else tr("no interval"))
            text += "; " + tr("the case-holding advisers are over their hours already at {value} (workload {load}, {spread})"
                              if first == mine[lever].iloc[0] else
                              "the case-holding advisers are over their hours at {value} (workload {load}, {spread})",
                              value=lever_value(first), load=format_value(at_first["mean"], load_unit), spread=spread)
        out.append(text + ".")
    out.append(tr("Workload is the hours the case-holding advisers' work called for divided by their weekly hours, "
                  "averaged over adviser-weeks; the marked point is the first swept value with a mean above 1."))
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
        parts = [f"{_first_lower(state_group_name(key))} {_estimate(mine.loc[key], SHARE, 0)}" for key in PATHWAY_GROUPS
                 if key in mine.index and pd.notna(mine.loc[key, "mean"])]
        if parts:
            out.append(tr("{policy}, week {week}: {parts} of the users counted so far.", policy=policy, week=last,
                          parts=", ".join(parts)))
    return out


def heatmap(fig, name: str, x_lever: str, y_lever: str) -> list[str]:
    """Chart 7: per policy, the highest and the lowest cell and where they are."""
    cells = fig.inclusim_data["cells"]
    unit = kpi(name).unit
    mark = " %" if unit == SHARE else ""
    out = []

    def where(r) -> str:
        return number_list(f"{lever_label(lever).lower()} {lever_value(r[lever])}" for lever in (x_lever, y_lever))

    def value(r) -> str:
        spread = (f" ± {format_value(r['half_width'], unit)}" if has_interval(r["low"], r["high"])
                  else " " + tr("(no interval)"))
        return f"{format_value(r['mean'], unit)}{mark}{spread}"

    for policy in order_policies(cells["policy"].unique()):
        mine = cells[cells["policy"] == policy].dropna(subset=["mean"])
        if mine.empty:
            continue
        high, low = mine.loc[mine["mean"].idxmax()], mine.loc[mine["mean"].idxmin()]
        out.append(tr("{policy}: highest {high} at {high_at}; lowest {low} at {low_at}.", policy=policy, high=value(high),
                      high_at=where(high), low=value(low), low_at=where(low)))
    return out


def mentors(fig) -> list[str]:
    """Chart 8: subsidy cost and mentor hours per user employed, by policy."""
    summ = fig.inclusim_data["summary"]
    out = []
    for name, what in (("subsidy_cost_per_employment", "Subsidy cost per user employed: {parts}."),
                       ("mentor_hours_per_employment", "Mentor hours per user employed: {parts}.")):
        t = _known(summ[summ["kpi"] == name])
        if t.empty:
            continue
        if kpi(name).unit == NOK:
            parts = [f"{r['policy']} " + tr("NOK {amount}", amount=_estimate(r, NOK)) for _, r in _by_policy(t).iterrows()]
        else:
            parts = [f"{r['policy']} {_hours(r, 0)}" for _, r in _by_policy(t).iterrows()]
        out.append(tr(what, parts="; ".join(parts)))
    return out


def unequal_staff(runs: pd.DataFrame, by: list[str] | None = None) -> list[str]:
    """A warning when the policies (at one setting of ``by``) do not have the same positions in all: a
    difference between them is then not like for like (it changes the staff, not only the way of working)."""
    columns = [c for c in runs.columns if c.startswith("positions_")]
    if not columns or runs["policy"].nunique() < 2:
        return []
    total = runs[columns].sum(axis=1).rename("positions")
    keys = [k for k in (by or []) if k in runs]
    per = pd.concat([runs[["policy", *keys]], total], axis=1).groupby(["policy", *keys], sort=False)["positions"].mean()
    spread = per.groupby(level=list(range(1, per.index.nlevels))).agg(["min", "max"]) if keys else \
        pd.DataFrame({"min": [per.min()], "max": [per.max()]})
    if (spread["max"] - spread["min"]).max() < 0.5:
        return []
    staff = "; ".join(f"{policy} {format_value(value, COUNT, 1)}" for policy, value in
                      per.groupby(level=0, sort=False).mean().items())
    return [tr("The policies do not have the same staff (positions in all: {staff}): a difference between them "
               "changes the staff as well as the way of working, so it is not like for like.", staff=staff)]
