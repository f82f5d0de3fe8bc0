"""The reference distribution of the headline KPIs, for changes that alter the random draws.

An optimisation that changes the order or the source of random draws (vectorising a phase, a new
random stream) changes every fixed-seed table, so the golden hashes cannot say whether the model
still means the same. What must hold instead is that the headline KPIs keep their distribution
over seeds. ``tests/data/kpi_reference.csv`` holds that distribution as the model gave it before
such a change; ``tests/test_kpi_distribution.py`` compares the model of today with it.

Regenerate it only on purpose, when the model's meaning changes (and say so in the commit):

    .venv/bin/python tests/kpi_reference.py
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

REFERENCE = Path(__file__).parent / "data" / "kpi_reference.csv"
POLICIES = ("saksbehandler", "hybrid", "jobbspesialist", "brobygger")
SEEDS = range(1001, 1021)
KPIS = ("ever_employed_share", "employed_share_w156", "ever_employed_share_large", "dropout_share",
        "hours_per_candidate", "adviser_weeks_over_budget_share")


def sample(policies=POLICIES, seeds=SEEDS) -> pd.DataFrame:
    """One row per policy and seed with the headline KPIs of a default-office run."""
    from domain.config import from_dict
    from sim.tables import run_model

    rows = []
    for policy in policies:
        for seed in seeds:
            row = run_model(from_dict({"policy": {"name": policy}, "seed": seed})).runs.iloc[0]
            rows.append({"policy": policy, "seed": seed, **{k: float(row[k]) for k in KPIS}})
    return pd.DataFrame(rows)


def differences(reference: pd.DataFrame, now: pd.DataFrame, alpha: float = 0.01) -> list[str]:
    """The (policy, KPI) pairs whose distribution differs from the reference, by Welch's t test on
    the means and the two-sample Kolmogorov-Smirnov test on the shapes, Bonferroni-corrected over
    all the tests at family level ``alpha``. Empty when nothing differs."""
    pairs = [(p, k) for p in sorted(set(reference["policy"])) for k in KPIS]
    per_test = alpha / (2 * len(pairs))
    found = []
    for policy, kpi in pairs:
        a = reference.loc[reference["policy"] == policy, kpi].to_numpy(float)
        b = now.loc[now["policy"] == policy, kpi].to_numpy(float)
        if len(b) == 0:
            found.append(f"{policy} {kpi}: no runs to compare")
            continue
        if np.ptp(a) == 0 and np.ptp(b) == 0:
            if a[0] != b[0]:
                found.append(f"{policy} {kpi}: constant {a[0]:g} before, {b[0]:g} now")
            continue
        t_p = stats.ttest_ind(a, b, equal_var=False).pvalue
        ks_p = stats.ks_2samp(a, b).pvalue
        if min(t_p, ks_p) < per_test:
            found.append(f"{policy} {kpi}: mean {a.mean():.4g} before, {b.mean():.4g} now "
                         f"(Welch p = {t_p:.2g}, KS p = {ks_p:.2g}, limit {per_test:.2g})")
    return found


if __name__ == "__main__":
    REFERENCE.parent.mkdir(parents=True, exist_ok=True)
    sample().to_csv(REFERENCE, index=False, float_format="%.10g")
    print(f"wrote {REFERENCE}")
