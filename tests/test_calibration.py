"""Calibration: the loss, the plan file's checks, the parameters reaching the model, a reduced study
end to end with resume, and the default office carrying the ensemble's best set."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
import yaml

from domain.config import Config
from domain.params import ConfigError, dotted_value
from inclusim.calibration import (CALIBRATION_FILE, adjust_for, fit_targets, load_spec, loss, miss,
                                  settings_overrides)
from inclusim.compose import compose_config
from inclusim.targets import Target, load_targets

LEVEL = Target("x", "s", "t", "level", "share", "fit", low=0.2, high=0.4)
FLOOR = Target("y", "s", "t", "difference", "share", "fit", low=0.02)
SIGN = Target("z", "s", "t", "direction", "share", "fit")


def test_a_miss_is_zero_inside_the_range_and_grows_with_the_distance_in_widths():
    assert miss(LEVEL, [0.2, 0.4]) == 0.0
    assert miss(LEVEL, [0.1, 0.1]) == pytest.approx(0.5)     # 0.1 below a range 0.2 wide
    assert miss(LEVEL, [0.6]) == pytest.approx(1.0)
    assert miss(FLOOR, [0.01, 0.01]) == pytest.approx(0.5)   # an open range: in units of its bound
    assert miss(LEVEL, [float("nan")]) == 1.0                 # cannot be measured: counts as a full miss
    assert miss(LEVEL, [float("nan"), 0.3]) == 0.0            # an undefined seed drops out


def test_a_sign_target_is_missed_by_its_t_statistic_and_fully_when_clearly_wrong():
    assert miss(SIGN, [0.01, 0.03]) == 0.0
    assert miss(SIGN, [-1.0, -1.1, -0.9]) == 1.0              # wrong at any level
    weak = miss(SIGN, [-0.1, 0.08, -0.05, 0.02])              # t about -0.3: far from clear
    assert 0.0 < weak < 0.5


def test_the_loss_averages_a_targets_measures_before_averaging_targets():
    missed = {("a", "medium need"): 1.0, ("a", "large need"): 0.0, ("b", ""): 0.5}
    assert loss(missed) == pytest.approx((0.5 + 0.25) / 2)
    assert loss({}) == 0.0


def _plan(tmp_path: Path, change: dict | None = None, parameter: dict | None = None) -> Path:
    data = yaml.safe_load(CALIBRATION_FILE.read_text())
    data.update(change or {})
    if parameter is not None:
        data["parameters"] = [parameter]
    path = tmp_path / "calibration.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


@pytest.mark.parametrize("change, parameter, fragment", [
    (None, {"name": "a", "path": "population.nope", "low": 0.1, "high": 0.2}, "'population.nope' is not a setting"),
    (None, {"name": "a", "path": "pathway.progress_rate", "low": 0.2, "high": 0.1}, "low = 0.2 must be below high"),
    (None, {"name": "a", "path": "pathway.progress_rate", "low": 0.01, "high": 0.5},
     "takes pathway.progress_rate outside its allowed range 0.0 to 0.2"),
    (None, {"name": "a", "path": "pathway.progress_rate", "scale": ["pathway.h0_drop_small"], "low": 1, "high": 2},
     "either 'path'"),
    (None, {"name": "a", "path": "pathway.progress_rate", "low": 0, "high": 0.1, "log": True}, "log-scaled"),
    (None, {"name": "a", "scale": ["pathway.h0_drop_small", "pathway.h0_drop_large"], "base": [0.001], "low": 1,
            "high": 2}, "a group needs one positive value at factor 1 per setting (2)"),
    ({"trial_settings": ["moon"]}, None, "trial_settings = ['moon']: allowed values are"),
    ({"replications": 0}, None, "replications = 0: must be a whole number of at least 1"),
    ({"tolerance": -1}, None, "tolerance = -1"),
    ({"members": 0}, None, "members = 0: must be a whole number of at least 1"),
])
def test_a_bad_calibration_plan_is_refused_naming_the_entry_and_the_field(tmp_path, change, parameter, fragment):
    with pytest.raises(ConfigError, match=None) as err:
        load_spec(_plan(tmp_path, change, parameter))
    assert fragment in str(err.value)


def test_the_plan_loads_and_its_quick_form_is_smaller():
    spec, quick = load_spec(), load_spec(quick=True)
    assert len(spec.parameters) >= 6 and all(p.why for p in spec.parameters)
    assert quick.replications <= spec.replications and len(quick.trial_settings) < len(spec.trial_settings)
    # the optimiser's settings measure most fit targets; the rest are checked on acceptance
    targets = load_targets()
    assert len(fit_targets(targets, spec.trial_settings)) >= 0.6 * len(fit_targets(targets))


def test_the_free_parameters_reach_the_model_a_group_keeping_its_ratios():
    spec = load_spec()
    values = {p.name: (p.low if p.scale else p.high) for p in spec.parameters}
    group = next(p for p in spec.parameters if p.scale)
    single = next(p for p in spec.parameters if not p.scale)
    rural = compose_config(["labour_market=rural", "office.region=rural"])
    adjusted = adjust_for(spec, values)(rural)

    get = dotted_value
    assert get(adjusted, single.paths[0]) == pytest.approx(single.high)
    for path, base in zip(group.paths, group.base, strict=True):   # a factor on the plan's base values
        assert get(adjusted, path) == pytest.approx(base * group.low)
    assert adjusted.labour_market.n_firms == rural.labour_market.n_firms   # the rest of the setting is kept
    assert settings_overrides(spec, values)[group.paths[0]] == pytest.approx(group.base[0] * group.low)


@pytest.mark.filterwarnings("ignore:Heartbeat of storage")
def test_a_reduced_study_runs_end_to_end_resumes_and_retries_a_dead_workers_trial(tmp_path):
    from optuna.trial import TrialState

    from inclusim.study import open_study, run_study
    url = f"sqlite:///{tmp_path / 'study.db'}"
    spec = load_spec(quick=True)
    study = run_study(url, "t", total=2, workers=1, quick=True)
    first = [(t.number, t.params) for t in study.get_trials(states=(TrialState.COMPLETE,))]
    assert len(first) == 2 and all(t.value == t.value and t.value >= 0 for t in study.trials)
    # a worker dies during a trial: its heartbeat stops
    study = open_study(url, "t", spec, sampler_seed=1, grace_seconds=1)
    dead = study.ask()
    study._storage.record_heartbeat(dead._trial_id)
    time.sleep(2.5)
    study = run_study(url, "t", total=3, workers=1, quick=True, grace_seconds=1)
    trials = study.get_trials()
    assert [(t.number, t.params) for t in trials if t.number in dict(first)] == first   # resumed, not restarted
    assert trials[dead.number].state == TrialState.FAIL
    assert len([t for t in trials if t.state == TrialState.COMPLETE]) >= 3
    assert any(t.system_attrs.get("failed_trial") == dead.number for t in trials)   # run again
    # another plan cannot continue this study
    other = load_spec()
    with pytest.raises(ConfigError, match="made with another calibration plan"):
        open_study(url, "t", other, sampler_seed=1)


def test_the_default_office_carries_the_ensembles_best_parameter_set():
    from inclusim.study import load_ensemble

    members = load_ensemble()
    assert members, "conf/ensemble/ holds no parameter set: run inclusim calibrate --ensemble conf"
    cfg = Config()
    for path, value in members[0].items():
        assert dotted_value(cfg, path) == pytest.approx(value, rel=1e-5), path


def test_a_calibrated_default_names_what_is_calibrated_when_it_is_not():
    from domain.params import ConfigError, calibrated

    assert calibrated("population.own_job_hazard") > 0
    with pytest.raises(ConfigError, match="population.magic: not in conf/ensemble/set0.yaml; the calibrated "
                                          "parameters there are labour_market.p_accept_training"):
        calibrated("population.magic")


def test_a_parameter_set_is_a_hydra_option_that_sets_its_values_and_its_label():
    from inclusim.study import load_ensemble

    members = load_ensemble()
    k = len(members) - 1
    cfg = compose_config([f"ensemble=set{k}", "policy=jobbspesialist"])
    assert cfg.parameter_set == k
    for path, value in members[k].items():
        assert dotted_value(cfg, path) == pytest.approx(value, rel=1e-5), path
    # a value given on the command line wins over the set's
    path = next(iter(members[k]))
    assert compose_config([f"ensemble=set{k}", f"{path}={members[k][path] * 0.5}"]).parameter_set == k


def test_writing_an_ensemble_replaces_the_older_one_and_its_sweep(tmp_path):
    from inclusim.study import load_ensemble, write_ensemble

    spec = load_spec(quick=True)
    values = {p.name: (p.low + p.high) / 2 for p in spec.parameters}
    member = {"trial": 1, "fit_loss": 0.0, "accept_loss": 0.01, "worst": {"target": "x", "miss": 0.1},
              "parameters": values, "settings": settings_overrides(spec, values)}
    write_ensemble(tmp_path, [member, member, member], "t", "sqlite://", spec)
    write_ensemble(tmp_path, [member, member], "t", "sqlite://", spec)
    assert sorted(p.name for p in (tmp_path / "ensemble").glob("*.yaml")) == ["set0.yaml", "set1.yaml"]
    assert len(load_ensemble(tmp_path)) == 2
    sweep = yaml.safe_load((tmp_path / "uncertainty" / "ensemble.yaml").read_text())
    assert sweep["hydra"]["sweeper"]["params"]["ensemble"] == "set0,set1"
    assert sweep["hydra"]["sweeper"]["params"]["seed"] == f"range(1,{spec.ensemble_seeds + 1})"


def test_a_storage_that_cannot_be_opened_is_one_line_naming_the_url(tmp_path):
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "inclusim.cli", "calibrate", "--quick", "--trials", "1",
                           "--storage", "foo://nowhere"], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "--storage = 'foo://nowhere': cannot open it as an Optuna storage" in proc.stderr


@pytest.mark.slow     # 22-40 s each
@pytest.mark.parametrize("workers", [1, 2])
def test_ctrl_c_during_calibration_is_one_line_about_the_study(tmp_path, workers):
    """Ctrl+C (SIGINT to the command's process group) while trials run: status 130 and one line saying
    that the study keeps its trials; no traceback from the command, its worker processes or Optuna."""
    import signal
    import sqlite3
    import subprocess
    import sys

    db = tmp_path / "study.db"
    proc = subprocess.Popen([sys.executable, "-m", "inclusim.cli", "calibrate", "--quick", "--trials", "50",
                             "--workers", str(workers), "--storage", f"sqlite:///{db}"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=tmp_path, start_new_session=True)
    deadline = time.time() + 120
    running = 0
    while time.time() < deadline and running < workers and proc.poll() is None:
        time.sleep(0.5)
        try:
            with sqlite3.connect(db) as con:
                running = con.execute("SELECT COUNT(*) FROM trials WHERE state = 'RUNNING'").fetchone()[0]
        except sqlite3.Error:
            running = 0      # the study's tables are not made yet
    assert running >= workers, "no trial started"
    time.sleep(1.0)          # inside the model's compiled rules, where the interrupt is hardest to take
    os.killpg(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130
    assert "Traceback" not in err + out and "failed" not in err, err[-3000:]
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("inclusim: interrupted. The study keeps its finished trials"), err
    with sqlite3.connect(db) as con:   # the interrupted trials are closed in the study, not left running
        assert con.execute("SELECT COUNT(*) FROM trials WHERE state = 'RUNNING'").fetchone()[0] == 0
