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
        "hours_per_candidate", "adviser_weeks_over_budget_share", "ordinary_job_by_end_share",
        "ordinary_weeks_without_plan_share")


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
    the means and the two-sample Kolmogorov-Smirnov test on the shapes, with Holm's step-down
    correction over all the tests at family level ``alpha`` (the chance that any of them flags a
    model that did not change is at most ``alpha``). Empty when nothing differs."""
    found = []
    tests = []     # (p-value, what it is about)
    for policy in sorted(set(reference["policy"])):
        for kpi in KPIS:
            a = reference.loc[reference["policy"] == policy, kpi].to_numpy(float)
            b = now.loc[now["policy"] == policy, kpi].to_numpy(float)
            if len(b) == 0:
                found.append(f"{policy} {kpi}: no runs to compare")
                continue
            if np.ptp(a) == 0 and np.ptp(b) == 0:
                if a[0] != b[0]:
                    found.append(f"{policy} {kpi}: constant {a[0]:g} before, {b[0]:g} now")
                continue
            about = f"{policy} {kpi}: mean {a.mean():.4g} before, {b.mean():.4g} now"
            tests.append((stats.ttest_ind(a, b, equal_var=False).pvalue, f"{about} (Welch)"))
            tests.append((stats.ks_2samp(a, b).pvalue, f"{about} (Kolmogorov-Smirnov)"))
    for rank, (p, about) in enumerate(sorted(tests, key=lambda test: test[0])):
        limit = alpha / (len(tests) - rank)
        if p > limit:
            break          # Holm: the first p-value above its limit, and every larger one, stands
        found.append(f"{about}, p = {p:.2g}, Holm limit {limit:.2g}")
    return found


if __name__ == "__main__":
    REFERENCE.parent.mkdir(parents=True, exist_ok=True)
    sample().to_csv(REFERENCE, index=False, float_format="%.10g")
    print(f"wrote {REFERENCE}")
