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
