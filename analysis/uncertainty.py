"""Parameter uncertainty: results over the calibrated ensemble beside the interval over seeds.

A sweep run with ``+uncertainty=ensemble`` repeats every setting once per parameter set of the
calibrated ensemble (``cfg.parameter_set``; set 0 is the best, the defaults). Each result then has
two intervals:

* **over seeds**: the interval of :func:`analysis.stats.mean_ci` over the replications of the best
  set, as in a sweep without the ensemble (the noise of a finite number of runs);
* **over parameter sets**: from the 5 % to the 95 % quantile of the parameter sets' own means
  (each the mean over its seeds): how far the result moves among parameter values that all meet
  the targets. It is usually the wider one; the best set can sit at its edge (for a stock measure,
  set 0 has the lowest job-loss hazard of the ensemble), so quote both.

For a paired policy difference the sets' own differences (paired by seed within each set) give the
second interval; the sign is *robust* when every set's difference has the sign of the best set's.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.stats import LEVEL, PARAMETER_SET, paired_differences, summarise

#: The quantiles of the sets' means that bound the interval over parameter sets.
QUANTILES = ((1 - LEVEL) / 2, (1 + LEVEL) / 2)


def has_ensemble(runs: pd.DataFrame) -> bool:
    return PARAMETER_SET in runs and runs[PARAMETER_SET].nunique() > 1


def best_set(runs: pd.DataFrame) -> pd.DataFrame:
    """The runs of the best parameter set present (the lowest number); all runs without an ensemble."""
    if not has_ensemble(runs):
        return runs
    return runs[runs[PARAMETER_SET] == runs[PARAMETER_SET].min()]


def _bounds(values: np.ndarray) -> tuple[float, float]:
    values = values[np.isfinite(values)]
    if values.size == 0:
        return float("nan"), float("nan")
    low, high = np.quantile(values, QUANTILES)
    return float(low), float(high)


def ensemble_summary(runs: pd.DataFrame, kpis: list[str], by: list[str]) -> pd.DataFrame:
    """``summarise`` over the best set's seeds, with ``set_low``, ``set_high`` (the interval over the
    parameter sets' means) and ``sets`` (how many sets had a value)."""
    seeds = summarise(best_set(runs), kpis, by=by)
    if not has_ensemble(runs):
        return seeds.assign(set_low=np.nan, set_high=np.nan, sets=0)
    per_set = summarise(runs, kpis, by=[*by, PARAMETER_SET])
    rows = []
    for key, grp in per_set.groupby([*by, "kpi"], sort=False):
        low, high = _bounds(grp["mean"].to_numpy(dtype=float))
        rows.append({**dict(zip([*by, "kpi"], key, strict=True)), "set_low": low, "set_high": high,
                     "sets": int(np.isfinite(grp["mean"].to_numpy(dtype=float)).sum())})
    spread = pd.DataFrame(rows, columns=[*by, "kpi", "set_low", "set_high", "sets"])
    return seeds.merge(spread, on=[*by, "kpi"], how="left")


def ensemble_differences(runs: pd.DataFrame, kpis: list[str], baseline: str, within: list[str] | None = None) -> pd.DataFrame:
    """``paired_differences`` over the best set's seeds, with ``set_low``, ``set_high``, ``sets`` and
    ``sign_robust`` (every set's difference has the sign of the best set's, and none is zero)."""
    within = list(within or [])
    seeds = differences_within(best_set(runs), kpis, baseline, within)
    if not has_ensemble(runs):
        return seeds.assign(set_low=np.nan, set_high=np.nan, sets=0, sign_robust=np.nan)
    per_set = pd.concat([differences_within(grp, kpis, baseline, within).assign(**{PARAMETER_SET: k})
                         for k, grp in runs.groupby(PARAMETER_SET)], ignore_index=True)
    keys = [*within, "policy", "baseline", "kpi"]
    rows = []
    for key, grp in per_set.groupby(keys, sort=False):
        values = grp["difference"].to_numpy(dtype=float)
        low, high = _bounds(values)
        rows.append({**dict(zip(keys, key, strict=True)), "set_low": low, "set_high": high,
                     "sets": int(np.isfinite(values).sum()), "_set_values": values[np.isfinite(values)]})
    spread = pd.DataFrame(rows)
    out = seeds.merge(spread, on=keys, how="left")
    out["sign_robust"] = [bool(v.size) and (np.all(v > 0) if d > 0 else np.all(v < 0) if d < 0 else False)
                          for d, v in zip(out["difference"], out["_set_values"], strict=True)]
    return out.drop(columns="_set_values")


def differences_within(runs: pd.DataFrame, kpis: list[str], baseline: str, within: list[str]) -> pd.DataFrame:
    """``paired_differences`` against the baseline within each setting of the levers ``within``."""
    if not within:
        return paired_differences(runs, kpis, baseline=baseline)
    parts = []
    for key, grp in runs.groupby(within, sort=True):
        key = key if isinstance(key, tuple) else (key,)
        part = paired_differences(grp, kpis, baseline=baseline, within=within)
        for i, (lever, value) in enumerate(zip(within, key, strict=True)):
            part.insert(i, lever, value)
        parts.append(part)
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


__all__ = ["QUANTILES", "best_set", "differences_within", "ensemble_differences", "ensemble_summary", "has_ensemble"]


#: The measure a cost per extra person in work is per (``analysis.derived_kpis.people_in_work_end``), and its cost.
PEOPLE_IN_WORK, NAV_COST = "people_in_work_end", "nav_cost_nok"


def cost_per_extra_person(runs: pd.DataFrame, policy: str, baseline: str, by: str = "policy"):
    """NAV's extra cost per extra person in work at the end, ``policy`` against ``baseline``, over the
    best set's seeds paired by seed: (the ratio with Fieller's interval (``analysis.stats.ratio_ci``),
    the extra people in work with its interval). The ratio is NaN when the extra people's mean is not
    above zero (no gain to divide by); its interval is NaN (unbounded) when the extra people's own
    interval reaches zero. ``runs`` must hold the derived KPIs (``with_derived_kpis``)."""
    from analysis.stats import mean_ci, ratio_ci

    runs = best_set(runs)
    if PEOPLE_IN_WORK not in runs or NAV_COST not in runs:
        return ratio_ci([], []), mean_ci([])
    columns = ["seed", NAV_COST, PEOPLE_IN_WORK]
    pairs = runs.loc[runs[by] == policy, columns].merge(runs.loc[runs[by] == baseline, columns], on="seed",
                                                          suffixes=("", "_base"))
    extra_cost = (pairs[NAV_COST] - pairs[f"{NAV_COST}_base"]).to_numpy(dtype=float)
    extra_people = (pairs[PEOPLE_IN_WORK] - pairs[f"{PEOPLE_IN_WORK}_base"]).to_numpy(dtype=float)
    people = mean_ci(extra_people)
    ratio = ratio_ci(extra_cost, extra_people)
    if not people.mean > 0:
        ratio = ratio._replace(mean=float("nan"), low=float("nan"), high=float("nan"))
    return ratio, people


def combined_interval(low: float, high: float, set_low: float = float("nan"),
                      set_high: float = float("nan")) -> tuple[float, float]:
    """The interval a plain verdict rests on: the seeds' interval joined with the range over the calibrated
    parameter sets when they were run (from the lower of the two lows to the higher of the two highs)."""
    lows = [v for v in (low, set_low) if np.isfinite(v)]
    highs = [v for v in (high, set_high) if np.isfinite(v)]
    return (min(lows) if lows else float("nan")), (max(highs) if highs else float("nan"))


def how_sure(subject: str, measure: str, baseline: str, difference: float, low: float, high: float,
             set_low: float = float("nan"), set_high: float = float("nan")) -> str:
    """One plain sentence on how sure a paired difference in a share is, in the caller's language:
    ``subject`` has more (or fewer) of ``measure`` than ``baseline``, sure when the whole combined interval
    (:func:`combined_interval`) lies on one side of zero, not sure when it holds zero. Shares in points."""
    from analysis.formatting import format_range, format_value
    from analysis.i18n import tr
    from domain.schema import SHARE

    both_low, both_high = combined_interval(low, high, set_low, set_high)
    fields = {"subject": subject, "measure": measure, "baseline": baseline,
              "difference": format_value(difference, SHARE, sign=True),
              "interval": format_range(both_low, both_high, SHARE, sign=True),
              "sources": tr("over seeds and parameter sets") if np.isfinite(set_low) else tr("over seeds")}
    if not (np.isfinite(difference) and np.isfinite(both_low) and np.isfinite(both_high)):
        return tr("{subject}: too few runs to say how sure the difference in {measure} from {baseline} is "
                  "({difference} points).", **fields)
    if both_low > 0:
        return tr("{subject} has more {measure} than {baseline}, and we are fairly sure of it: {difference} points, "
                  "and the whole interval {sources} ({interval}) is above zero.", **fields)
    if both_high < 0:
        return tr("{subject} has fewer {measure} than {baseline}, and we are fairly sure of it: {difference} points, "
                  "and the whole interval {sources} ({interval}) is below zero.", **fields)
    return tr("{subject}: not sure there is a difference in {measure} from {baseline}: {difference} points, but the "
              "interval {sources} ({interval}) holds zero.", **fields)


def cost_sentence(runs: pd.DataFrame, policy: str, baseline: str, subject: str | None = None) -> str:
    """What one more person in work at the end costs NAV under ``policy`` against ``baseline``
    (:func:`cost_per_extra_person`: positions, mentor grants and wage subsidies over the run, paired by
    seed), in one sentence in the caller's language, led by ``subject`` when given; when ``policy`` has no
    more people in work, or more for less, it says so instead. ``runs``: with the derived KPIs."""
    import math

    from analysis.formatting import format_interval, format_range, format_value
    from analysis.i18n import tr
    from domain.schema import COUNT, NOK

    ratio, people = cost_per_extra_person(runs, policy, baseline)
    extra = tr("{value} people ({interval})", value=format_value(people.mean, COUNT, sign=True),
               interval=format_range(people.low, people.high, COUNT, sign=True))
    lead = "" if subject is None else tr("{subject} against {baseline}:", subject=subject, baseline=baseline) + " "
    best = best_set(runs)
    extra_cost = best.loc[best["policy"] == policy, NAV_COST].mean() - best.loc[best["policy"] == baseline, NAV_COST].mean()
    if not math.isfinite(ratio.mean):
        said = tr("no more people in work at the end (target group and other users: {extra}), so no cost per "
                         "extra person; NAV's cost over the run changes by NOK {cost}.", extra=extra,
                         cost=format_value(extra_cost, NOK, sign=True))
        return lead + said if lead else said[:1].upper() + said[1:]
    if ratio.mean < 0:      # more people in work for less
        return lead + tr("More people in work at the end for less: NAV spends NOK {value} less over the run (in work "
                         "at the end: {extra}).", value=format_value(-extra_cost, NOK), extra=extra)
    if not math.isfinite(ratio.low):
        return lead + tr("NAV cost per extra person in work at the end: NOK {value}; the interval has no upper end, "
                         "as the gain in people in work may be zero (in work at the end: {extra}).",
                         value=format_value(ratio.mean, NOK), extra=extra)
    return lead + tr("NAV cost per extra person in work at the end: NOK {value} (in work at the end: {extra}).",
                     value=format_interval(ratio.mean, ratio.low, ratio.high, NOK), extra=extra)
