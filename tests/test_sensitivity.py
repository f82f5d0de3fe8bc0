"""Global sensitivity: the plan's groups cover every uncertain assumption, a point's factors reach the
config, and the indices find the assumption a contrast was built to depend on."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml

from analysis.sensitivity_indices import contrast_texts, indices, point_values
from analysis.stats import swept_levers
from analysis.summary import group_column
from domain.config import Config
from domain.params import ConfigError
from domain.sensitivity_design import (SENSITIVITY_FILE, load_plan, locate, n_points, points, uncertain_parameters)
from inclusim.compose import CONF_DIR, compose_config


def test_every_uncertain_assumption_is_in_exactly_one_group_and_levers_are_not():
    plan = load_plan()
    grouped = [p for g in plan.groups for p in g.paths]
    assert len(grouped) == len(set(grouped))
    levers = yaml.safe_load(SENSITIVITY_FILE.read_text())["levers"]
    assert sorted(grouped) == sorted(uncertain_parameters(Config(), levers))
    assert "office.leader_support" not in grouped and "population.own_job_hazard" in grouped
    assert not any(p.startswith(("policy.", "cost.", "world.")) for p in grouped)


def test_the_experiment_sweeps_every_point_of_both_designs():
    data = yaml.safe_load((CONF_DIR / "experiment" / "sensitivity.yaml").read_text())
    plan = load_plan()
    assert data["hydra"]["sweeper"]["params"]["sensitivity_point"] == f"range(0,{n_points(plan, 'both')})"
    assert len(points(plan, "morris")) == (len(plan.groups) + 1) * plan.morris_trajectories
    assert locate(plan, "both", len(points(plan, "morris"))) == ("sobol", 0)


def test_a_points_factors_reach_the_composed_config_within_the_allowed_ranges():
    plan = load_plan()
    point = 7
    factors = dict(zip([g.name for g in plan.groups], points(plan, "morris")[point], strict=True))
    cfg = compose_config(["sensitivity_design=morris", f"sensitivity_point={point}"])
    base = Config()
    assert cfg.population.own_job_hazard == pytest.approx(base.population.own_job_hazard * factors["own_jobs"])
    assert cfg.pathway.p_firm_extends <= 1.0     # a probability times 1.5 is kept at its bound
    with pytest.raises(ConfigError, match="has points 0 to"):
        compose_config(["sensitivity_design=morris", "sensitivity_point=100000"])


def _synthetic_runs(seeds=(1,)) -> pd.DataFrame:
    """Runs at every point of both designs where the hybrid lead depends on the own-jobs factor only
    and saksbehandler's level on the dropout factor only."""
    plan = load_plan()
    rows = []
    morris_names = [g.name for g in plan.design_groups("morris")]
    sobol_names = [g.name for g in plan.design_groups("sobol")]
    for point in range(n_points(plan, "both")):
        design, index = locate(plan, "both", point)
        names = morris_names if design == "morris" else sobol_names
        factor = dict(zip(names, points(plan, design)[index], strict=True))
        base = 0.2 - 0.05 * (factor.get("dropout", 1.0) - 1.0)
        lead = 0.10 * (factor.get("own_jobs", 1.0) - 0.8)
        for seed in seeds:
            for policy, value in (("saksbehandler", base), ("hybrid", base + lead),
                                  ("jobbspesialist", base + 0.05), ("brobygger", base + 0.04)):
                rows.append({"run_id": f"{point}-{seed}-{policy}", "policy": policy, "seed": seed, "variant": policy,
                             "cfg.seed": seed, "cfg.policy.name": policy, "cfg.sensitivity_design": "both",
                             "cfg.sensitivity_point": point, "cfg.population.own_job_hazard": 0.001 * factor.get("own_jobs", 1),
                             "ever_employed_share": value, "dropout_share": 0.1})
    return pd.DataFrame(rows)


def test_the_indices_find_the_assumption_a_contrast_depends_on_and_say_it():
    runs = _synthetic_runs()
    assert swept_levers(runs) == [] and group_column(runs) == "policy"   # points are not settings
    morris, sobol, notes = indices(runs)
    assert notes == []
    hybrid = morris[morris["target"] == "ever_employed_share|hybrid - saksbehandler"].set_index("group")
    assert hybrid["mu_star"].idxmax() == "own_jobs"
    assert hybrid["mu_star"].drop("own_jobs").max() == pytest.approx(0.0, abs=1e-12)
    level = morris[morris["target"] == "ever_employed_share|saksbehandler"].set_index("group")
    assert level["mu_star"].idxmax() == "dropout"
    s1 = sobol[sobol["target"] == "ever_employed_share|hybrid - saksbehandler"].set_index("group")["S1"]
    assert s1.idxmax() == "own_jobs" and s1["own_jobs"] > 0.8
    texts = contrast_texts(point_values(runs), morris, sobol)
    hybrid_text = next(t for t in texts if "hybrid" in t)
    assert "It rests most on own_jobs" in hybrid_text and "not robust" in hybrid_text   # the lead changes sign
    js_text = next(t for t in texts if "jobbspesialist" in t)
    assert "+5.0 points" in js_text and "not robust" not in js_text


def test_an_incomplete_design_is_skipped_with_a_note():
    runs = _synthetic_runs()
    runs = runs[~runs["cfg.sensitivity_point"].isin([3, 4])]
    morris, sobol, notes = indices(runs)
    assert morris.empty and not sobol.empty and "missing 2 of its" in notes[0]


def test_sensitivity_points_pair_within_the_point():
    from analysis.stats import paired_difference

    runs = _synthetic_runs()
    got = paired_difference(runs, "ever_employed_share", "jobbspesialist", "saksbehandler")
    assert got["pairs"] == n_points(load_plan(), "both") and got["difference"] == pytest.approx(0.05)
    assert np.isfinite(got["low"])
