"""The dashboard's sweep page shows what its table shows: the best parameter set of an ensemble sweep."""

from __future__ import annotations

import pandas as pd

from analysis.stats import PARAMETER_SET
from inclusim.dashboard import state


def _ensemble_runs() -> pd.DataFrame:
    """Two policies x 3 parameter sets x 4 seeds; each set far from the others in every KPI."""
    rows = []
    for policy in ("saksbehandler", "hybrid"):
        for parameter_set in range(3):
            for seed in range(1, 5):
                rows.append({"policy": policy, "seed": seed, PARAMETER_SET: parameter_set,
                             "run_id": f"{policy}-{parameter_set}-{seed}", "variant": policy,
                             "ever_employed_share": 0.2 + 0.3 * parameter_set + 0.01 * seed,
                             "employed_share_w156": 0.1 + 0.2 * parameter_set + 0.01 * seed})
    return pd.DataFrame(rows)


def test_an_ensemble_sweeps_chart_reads_the_best_set_as_its_table_does(monkeypatch):
    from inclusim.dashboard import sweep

    runs = _ensemble_runs()
    charted: list[pd.DataFrame] = []
    monkeypatch.setattr(sweep, "policy_comparison", lambda r: charted.append(r) or "figure")
    assert sweep._chart(runs, [], "", "employed_share_w156", "en") == "figure"
    assert set(charted[0][PARAMETER_SET]) == {0} and len(charted[0]) == 8
    shown = {}
    before = state.lang.value
    try:
        for lang in ("en", "nb"):
            state.lang.set(lang)
            shown[lang] = sweep._what_is_shown(runs, [])
    finally:
        state.lang.set(before)
    assert shown["en"][0] == "24 runs; no lever varied besides the policy"
    assert "3 parameter sets of the calibrated ensemble: the chart and the table show the best set" in shown["en"][1]
    assert "8 runs" in shown["en"][1]
    assert shown["nb"][0] == "24 kjøringer; ingen parameter variert utenom arbeidsmåten"
    assert "3 parametersett" in shown["nb"][1] and "8 kjøringer" in shown["nb"][1]


def test_a_sweep_without_an_ensemble_is_charted_whole(monkeypatch):
    from inclusim.dashboard import sweep

    runs = _ensemble_runs()
    runs = runs[runs[PARAMETER_SET] == 1]
    charted: list[pd.DataFrame] = []
    monkeypatch.setattr(sweep, "policy_comparison", lambda r: charted.append(r) or "figure")
    sweep._chart(runs, [], "", "employed_share_w156", "en")
    assert len(charted[0]) == len(runs) == 8
    assert len(sweep._what_is_shown(runs, ["office.caseload_ordinary"])) == 1
