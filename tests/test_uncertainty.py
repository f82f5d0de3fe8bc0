"""Results over the calibrated ensemble: the interval over seeds from the best set, the wider one
over the parameter sets, and a contrast whose sign is not robust said plainly."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.stats import PARAMETER_SET, ensemble_columns, mean_ci, swept_levers
from analysis.summary import group_column, terminal_summary, with_settings
from analysis.uncertainty import QUANTILES, best_set, ensemble_differences, ensemble_summary


def _runs(set_effects: dict[int, float], hybrid_lead: dict[int, float], seeds=range(1, 6)) -> pd.DataFrame:
    """Runs of two policies over parameter sets: the set moves the level (and a calibrated column
    with it); hybrid leads by ``hybrid_lead[set]`` plus a little seed noise."""
    rows = []
    rng = np.random.default_rng(3)
    for k, level in set_effects.items():
        for seed in seeds:
            noise = rng.normal(0, 0.01)
            for policy, lead in (("saksbehandler", 0.0), ("hybrid", hybrid_lead[k])):
                rows.append({"run_id": f"{k}-{seed}-{policy}", "policy": policy, "seed": seed, "variant": policy,
                             "cfg.seed": seed, "cfg.policy.name": policy, PARAMETER_SET: k,
                             "cfg.population.own_job_hazard": 0.001 * (k + 1), "cfg.office.caseload_ordinary": 70,
                             "ever_employed_share": level + lead + noise + rng.normal(0, 0.002)})
    return pd.DataFrame(rows)


def test_the_calibrated_columns_are_not_levers_and_the_sets_are_one_setting():
    runs = _runs({0: 0.2, 1: 0.3, 2: 0.25}, {0: 0.05, 1: 0.05, 2: 0.05})
    assert set(ensemble_columns(runs)) == {PARAMETER_SET, "cfg.population.own_job_hazard"}
    assert swept_levers(runs) == []
    assert group_column(runs) == "policy"
    assert with_settings(runs)["setting"].nunique() == 2   # one per policy, not one per set
    # a calibrated parameter swept on purpose as well stays a lever
    swept = pd.concat([runs, runs.assign(**{"cfg.population.own_job_hazard": 0.5,
                                            "run_id": runs["run_id"] + "x"})], ignore_index=True)
    assert "cfg.population.own_job_hazard" in swept_levers(swept)


def test_the_seed_interval_is_the_best_sets_and_the_set_interval_spans_the_sets_means():
    runs = _runs({0: 0.2, 1: 0.3, 2: 0.25, 3: 0.22}, {k: 0.05 for k in range(4)})
    table = ensemble_summary(runs, ["ever_employed_share"], ["policy"])
    row = table[table["policy"] == "saksbehandler"].iloc[0]
    best = best_set(runs)
    assert set(best[PARAMETER_SET]) == {0}
    expected = mean_ci(best.loc[best["policy"] == "saksbehandler", "ever_employed_share"])
    assert (row["mean"], row["low"], row["high"]) == pytest.approx(expected[:3])
    means = runs[runs["policy"] == "saksbehandler"].groupby(PARAMETER_SET)["ever_employed_share"].mean()
    assert (row["set_low"], row["set_high"]) == pytest.approx(tuple(np.quantile(means, QUANTILES)))
    assert row["sets"] == 4 and row["set_high"] - row["set_low"] > row["high"] - row["low"]


def test_a_contrast_whose_sign_changes_between_sets_is_marked_not_robust():
    robust = ensemble_differences(_runs({0: 0.2, 1: 0.3}, {0: 0.05, 1: 0.02}), ["ever_employed_share"], "saksbehandler")
    assert robust["sign_robust"].tolist() == [True]
    fragile = ensemble_differences(_runs({0: 0.2, 1: 0.3}, {0: 0.05, 1: -0.04}), ["ever_employed_share"],
                                   "saksbehandler")
    row = fragile.iloc[0]
    assert not row["sign_robust"] and row["set_low"] < 0 < row["set_high"]
    assert row["low"] > 0      # over the best set's seeds alone the lead looks certain


def test_the_terminal_summary_says_which_interval_is_which():
    runs = _runs({0: 0.2, 1: 0.3, 2: 0.25}, {k: 0.05 for k in range(3)})
    table = terminal_summary(runs)
    assert "3 parameter sets" in table.attrs["heading"]
    assert "[" in table.loc["ever_employed_share", "hybrid"]
    plain = terminal_summary(best_set(runs))
    assert "heading" not in plain.attrs and "[" not in plain.loc["ever_employed_share", "hybrid"]
