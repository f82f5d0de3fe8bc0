"""Statistics over replications: means with bootstrap intervals, and paired policy differences.

Every figure the tool prints or draws comes with an interval. Intervals are percentile bootstrap
intervals (``scipy.stats.bootstrap``) over replications, with a fixed resampling seed so that the
same table always gives the same numbers. Policy differences are paired by seed: the same seed
gives the same users and firms under every policy (common random numbers), so the difference is
taken seed by seed before the interval is computed.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

LEVEL = 0.90
N_RESAMPLES = 2000
BOOT_SEED = 20161


def mean_ci(values, level: float = LEVEL) -> tuple[float, float, float, int]:
    """Mean of the finite values and a percentile bootstrap interval: (mean, low, high, n)."""
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    n = len(x)
    if n == 0:
        return math.nan, math.nan, math.nan, 0
    m = float(x.mean())
    if n == 1 or np.all(x == x[0]):
        return m, m, m, n
    res = stats.bootstrap((x,), np.mean, n_resamples=N_RESAMPLES, confidence_level=level, method="percentile",
                          vectorized=True, rng=np.random.default_rng(BOOT_SEED))
    return m, float(res.confidence_interval.low), float(res.confidence_interval.high), n


def summarise(runs: pd.DataFrame, kpis: list[str], by: str | list[str] = "policy",
              level: float = LEVEL) -> pd.DataFrame:
    """Long table: one row per group and KPI with mean, interval and number of replications."""
    by = [by] if isinstance(by, str) else list(by)
    rows = []
    for key, grp in runs.groupby(by, sort=True, observed=True):
        key = key if isinstance(key, tuple) else (key,)
        for kpi in kpis:
            if kpi not in grp:
                continue
            m, lo, hi, n = mean_ci(grp[kpi].to_numpy(), level)
            rows.append({**dict(zip(by, key, strict=True)), "kpi": kpi, "mean": m, "low": lo, "high": hi, "n": n})
    return pd.DataFrame(rows)


def paired_difference(runs: pd.DataFrame, kpi: str, policy: str, baseline: str, by: str = "policy",
                      pair_on: str = "seed", level: float = LEVEL, within: list[str] | None = None) -> dict:
    """Mean difference ``policy - baseline`` in ``kpi``, paired by seed, with a bootstrap interval.

    ``within``: further columns that must match for two runs to be a pair (e.g. swept levers).
    """
    keys = [pair_on] + list(within or [])
    a = runs[runs[by] == policy].set_index(keys)[kpi]
    b = runs[runs[by] == baseline].set_index(keys)[kpi]
    joined = pd.concat([a.rename("a"), b.rename("b")], axis=1, join="inner").dropna()
    diff = (joined["a"] - joined["b"]).to_numpy(dtype=float)
    m, lo, hi, n = mean_ci(diff, level)
    return {"kpi": kpi, "policy": policy, "baseline": baseline, "difference": m, "low": lo, "high": hi, "pairs": n}


def format_interval(m: float, lo: float, hi: float, pct: bool = False, digits: int = 1) -> str:
    if not math.isfinite(m):
        return "n/a"
    if pct:
        return f"{100 * m:.{digits}f} % ({100 * lo:.{digits}f} to {100 * hi:.{digits}f})"
    return f"{m:.{digits}f} ({lo:.{digits}f} to {hi:.{digits}f})"
