"""Issue 26: a contrast split into the parts of the policy (``inclusim explain``, ``analysis.shapley``),
and the parts themselves (``policy.without``)."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from analysis.shapley import RESIDUAL, shapley_values, split_contrast, subsets
from conftest import small_config
from domain.config import resolve, validate
from domain.params import ConfigError, merge
from domain.schema import TABLES
from sim.tables import run_model


def _game(a: float, b: float, both: float, seeds: int = 3) -> dict:
    """v(S) = a [A in S] + b [B in S] + both [A and B in S], the same in every seed but for a shift."""
    shift = np.arange(seeds, dtype=float)
    return {s: shift + a * ("A" in s) + b * ("B" in s) + both * ({"A", "B"} <= s) for s in subsets(["A", "B"])}


def test_shapley_values_share_an_interaction_equally_and_add_up_to_the_whole():
    values = _game(2.0, -1.0, 4.0)
    shares = shapley_values(values, ["A", "B"])
    assert np.allclose(shares["A"], 4.0) and np.allclose(shares["B"], 1.0)       # 2 + 4/2, -1 + 4/2
    assert np.allclose(shares["A"] + shares["B"], values[frozenset("AB")] - values[frozenset()])


def test_a_split_contrast_has_the_residual_each_part_alone_and_last_and_the_total():
    values = _game(2.0, -1.0, 4.0)
    baseline = np.arange(3, dtype=float) - 0.5
    split = split_contrast(values, baseline, ["A", "B"]).set_index("share")
    assert list(split.index) == [RESIDUAL, "A", "B", "total"]
    assert split.loc[RESIDUAL, "mean"] == pytest.approx(0.5)
    assert (split.loc["A", "alone"], split.loc["A", "last"]) == pytest.approx((2.0, 6.0))
    assert split.loc["total", "mean"] == pytest.approx(split.loc[[RESIDUAL, "A", "B"], "mean"].sum())


@pytest.mark.parametrize("policy", ["hybrid", "jobbspesialist", "brobygger"])
def test_a_policy_with_every_part_off_is_ordinary_case_work_on_the_same_staff(policy):
    """The parts cover the policy: with all of them off, the run is the saksbehandler office's, table
    for table (the job-specialist team's positions go to the ordinary advisers)."""
    import scenarios.policies

    parts = list(scenarios.policies.registered_policies()[policy].settings_class.PARTS)
    base = small_config(horizon_weeks=40)
    off = run_model(validate(resolve(merge(base, {"policy": {"name": policy, "without": parts}}))))
    ordinary = run_model(validate(resolve(merge(base, {"policy": {"name": "saksbehandler"}}))))
    assert off.runs.filter(like="positions_").iloc[0].to_dict() == ordinary.runs.filter(like="positions_").iloc[0].to_dict()
    for table in TABLES:
        if table == "runs":
            kpis = [c for c in ordinary.runs if not c.startswith("cfg.") and c not in ("policy", "run_id", "config_hash")]
            pd.testing.assert_frame_equal(off.runs[kpis], ordinary.runs[kpis])
        else:
            pd.testing.assert_frame_equal(getattr(off, table).drop(columns=["run_id"], errors="ignore"),
                                          getattr(ordinary, table).drop(columns=["run_id"], errors="ignore"))


def test_an_unknown_part_is_one_line_naming_the_parts_there_are():
    with pytest.raises(ConfigError, match=r"^policy.without = \['magic'\]: allowed values are job_specialist_team, "
                                          r"close_followup, close_followup_practices, referrals_to_team$"):
        validate(resolve(merge(small_config(), {"policy": {"name": "hybrid", "without": ["magic"]}})))


def test_explain_sweeps_the_parts_and_writes_shares_that_add_up_to_the_contrast(tmp_path):
    args = [sys.executable, "-m", "inclusim.cli", "explain", "jobbspesialist", "--seeds", "3", f"output_root={tmp_path}",
            "horizon_weeks=40", "office.n_advisers=4", "office.caseload_ordinary=30", "office.n_job_specialists=2",
            "labour_market.n_firms=40"]
    proc = subprocess.run(args, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "jobbspesialist against its office with every part off" in proc.stdout and "team_practices" in proc.stdout
    sweep = tmp_path / "explain_jobbspesialist"
    assert len(pd.read_parquet(sweep / "runs.parquet")) == 4 * 3      # 2 parts: 4 subsets, 3 seeds each
    split = pd.read_csv(sweep / "explain" / "explain.csv")
    for outcome, rows in split.groupby("outcome"):
        rows = rows.set_index("share")
        assert list(rows.index) == ["job_specialist_team", "team_practices", "total"], outcome
        assert rows.loc["total", "mean"] == pytest.approx(rows.drop(index="total")["mean"].sum(), abs=1e-9), outcome
    assert (sweep / "explain" / "waterfall_ever_employed_share.png").stat().st_size > 10_000
    page = (sweep / "report" / "report.html").read_text(encoding="utf-8")      # the sweep's report shows the split
    assert "12. Why jobbspesialist differs from ordinary case work" in page and "team practices" in page
    again = subprocess.run(args, capture_output=True, text=True, timeout=600)      # resumed: nothing to run
    assert again.returncode == 0 and "12 already complete" in again.stdout
    pd.testing.assert_frame_equal(pd.read_csv(sweep / "explain" / "explain.csv"), split)


def test_explain_refuses_a_policy_without_parts_or_an_unknown_one_in_one_line(tmp_path):
    for args, fragment in ((["saksbehandler"], "POLICY = 'saksbehandler': the policy has no parts"),
                           (["magic"], "POLICY = 'magic': allowed values are"),
                           (["hybrid", "--seeds", "1"], "--seeds = 1: at least 2")):
        proc = subprocess.run([sys.executable, "-m", "inclusim.cli", "explain", *args, f"output_root={tmp_path}"],
                              capture_output=True, text=True, timeout=120)
        assert proc.returncode == 2 and fragment in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1
        assert not list(tmp_path.iterdir())


def test_a_parts_sweep_is_found_in_a_runs_table_and_split():
    """The report finds a sweep over every subset of a policy's parts by its ``policy.without`` column."""
    from analysis.shapley import WITHOUT

    rows = []
    for on in subsets(["job_specialist_team", "team_practices"]):
        for seed in (1, 2, 3):
            off = [p for p in ("job_specialist_team", "team_practices") if p not in on]
            rows.append({"run_id": f"r{len(rows)}", "policy": "jobbspesialist", "seed": seed, WITHOUT: json.dumps(off),
                         "ever_employed_share": 0.4 + 0.05 * len(on) + 0.01 * seed})
    runs = pd.DataFrame(rows)
    from analysis.shapley import parts_sweep, split_parts_sweep

    assert parts_sweep(runs) == ("jobbspesialist", ["job_specialist_team", "team_practices"])
    split = split_parts_sweep(runs, ["ever_employed_share"]).set_index("share")
    assert split.loc["job_specialist_team", "mean"] == pytest.approx(0.05)
    assert parts_sweep(runs[runs[WITHOUT] != "[]"]) is None          # a subset missing: not a parts sweep


def test_the_split_speaks_bokmal_with_lang_nb():
    from analysis.charts.waterfall_chart import contrast_waterfall
    from analysis.i18n import language
    from inclusim.explain import table_text

    split = split_contrast(_game(0.02, -0.01, 0.04), None, ["A", "B"])
    split.insert(0, "outcome", "ever_employed_share")
    with language("nb"):
        assert "mot kontoret med alle deler slått av" in table_text(split, "hybrid")
        fig = contrast_waterfall(split, 0.4, "hybrid", "saksbehandler", "ever_employed_share")
        texts = [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text"))]
    assert any("delt på delene av modellen" in t for t in texts) and "+4,0" in texts
