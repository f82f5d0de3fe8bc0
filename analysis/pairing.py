"""How well runs pair across policies by seed (common random numbers, issue 25).

The same seed gives the same users, firms and personal shocks under every policy, so a seed that
is good for one policy should be good for another: the per-seed KPI values of two policies are
correlated, and the paired difference (``analysis.stats``) is narrower than an unpaired one by
the factor ``sqrt(1 - rho)`` (for equal variances). :func:`paired_correlations` measures ``rho``:
per policy pair and KPI, the Pearson correlation across seeds of the per-seed KPI values.
Reads the runs table only.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd

from analysis.labels import order_policies

#: The headline KPIs whose pairing is measured by default (issue 25's target: at least 0.6 each).
PAIRING_KPIS = (
    "ever_employed_share", "employed_share_w52", "employed_share_w104", "employed_share_w156",
    "dropout_share", "ordinary_job_by_w52_share", "ordinary_job_by_end_share",
    "ordinary_left_without_job_share", "ordinary_weeks_without_plan_share",
)
#: The correlation issue 25 asks of every policy pair and headline KPI.
PAIRING_TARGET = 0.6


def paired_correlations(runs: pd.DataFrame, kpis=PAIRING_KPIS, by: str = "policy",
                        pair_on: str = "seed") -> pd.DataFrame:
    """Per pair of ``by`` values (policies) and KPI: the Pearson correlation across ``pair_on``
    (seeds) of the per-seed KPI values, over the seeds both have a finite value for.

    A tidy table: ``a``, ``b`` (the pair, in the project's policy order), ``kpi``, ``n_seeds``,
    ``correlation`` (NaN with fewer than 3 seeds or a KPI constant under either policy),
    ``sd_a``, ``sd_b`` (across seeds) and ``sd_difference_ratio``: the spread of the paired
    difference over that of an unpaired one (``sd(a - b) / sqrt(sd_a^2 + sd_b^2)``; 1 without
    pairing, 0 for perfect pairing with equal spreads).
    """
    kpis = [k for k in kpis if k in runs.columns]
    groups = order_policies(sorted(runs[by].dropna().unique())) if by == "policy" else sorted(runs[by].unique())
    wide = {g: runs.loc[runs[by] == g].groupby(pair_on)[kpis].mean() for g in groups}
    rows = []
    for a, b in combinations(groups, 2):
        joined = wide[a].join(wide[b], how="inner", lsuffix="_a", rsuffix="_b")
        for kpi in kpis:
            x = joined[f"{kpi}_a"].to_numpy(float)
            y = joined[f"{kpi}_b"].to_numpy(float)
            keep = np.isfinite(x) & np.isfinite(y)
            x, y = x[keep], y[keep]
            rho = ratio = sd_a = sd_b = float("nan")
            if len(x) >= 2:
                sd_a, sd_b = float(np.std(x, ddof=1)), float(np.std(y, ddof=1))
                if sd_a > 0 or sd_b > 0:
                    ratio = float(np.std(x - y, ddof=1) / np.hypot(sd_a, sd_b))
            if len(x) >= 3 and sd_a > 0 and sd_b > 0:
                rho = float(np.corrcoef(x, y)[0, 1])
            rows.append({"a": a, "b": b, "kpi": kpi, "n_seeds": int(len(x)), "correlation": rho,
                         "sd_a": sd_a, "sd_b": sd_b, "sd_difference_ratio": ratio})
    return pd.DataFrame(rows, columns=["a", "b", "kpi", "n_seeds", "correlation", "sd_a", "sd_b",
                                       "sd_difference_ratio"])


def correlation_table(pairs: pd.DataFrame) -> pd.DataFrame:
    """:func:`paired_correlations` as a matrix: a row per policy pair (``a vs b``), a column per KPI."""
    out = pairs.assign(pair=pairs["a"] + " vs " + pairs["b"])
    table = out.pivot(index="pair", columns="kpi", values="correlation")
    return table.reindex(index=list(dict.fromkeys(out["pair"])), columns=list(dict.fromkeys(out["kpi"])))
