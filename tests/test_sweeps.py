"""Issue 3: experiment and scenario presets, a real kill mid-sweep, SLURM preset in submitit local mode."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from hydra import compose, initialize_config_dir

from domain.schema import TABLES
from infra.store import complete_run_dirs
from inclusim.compose import CONF_DIR, register_configs, to_config
from inclusim.sweep import count_jobs

SMALL = ["horizon_weeks=26", "office.n_advisers=3", "office.caseload_ordinary=30", "labour_market.n_firms=40"]


def compose_cfg(overrides):
    register_configs()
    with initialize_config_dir(config_dir=str(CONF_DIR), version_base="1.3"):
        return compose(config_name="config", overrides=overrides, return_hydra_config=True)


def test_the_schema_is_stored_once_per_process_and_again_if_it_is_gone(monkeypatch):
    from hydra.core.config_store import ConfigStore

    register_configs()
    store = ConfigStore.instance()
    stored = []
    real_store = ConfigStore.store
    monkeypatch.setattr(ConfigStore, "store", lambda self, **kw: (stored.append(kw["name"]), real_store(self, **kw)))
    register_configs()
    assert stored == []                                    # the command registers twice; the second is free
    del store.repo["policy"]["hybrid_schema.yaml"]         # a store that lost an entry gets it back
    register_configs()
    assert stored == ["hybrid_schema"]
    assert "hybrid_schema.yaml" in store.repo["policy"]


@pytest.mark.parametrize("experiment, expected, two_seeds", [
    ("policy_compare", 80, 8), ("caseload_tradeoff", 800, 160), ("labour_uncertainty", 720, 144), ("pilots", 40, 4),
    ("sensitivity", 1448, 2896)])
def test_experiment_presets_compose_and_count(experiment, expected, two_seeds):
    cfg = compose_cfg([f"+experiment={experiment}"])
    params = dict(cfg.hydra.sweeper.params)
    assert count_jobs([], params) == expected
    assert count_jobs(["seed=1,2"], params) == two_seeds   # the command line overrides the preset


def test_the_ensemble_sweeps_every_parameter_set_with_its_own_seeds():
    from inclusim.study import load_ensemble

    cfg = compose_cfg(["+experiment=policy_compare", "+uncertainty=ensemble"])
    params = dict(cfg.hydra.sweeper.params)
    sets = len(load_ensemble())
    assert params["ensemble"] == ",".join(f"set{k}" for k in range(sets))
    assert count_jobs([], params) == 4 * sets * len(range(*map(int, params["seed"][6:-1].split(","))))


@pytest.mark.parametrize("scenario", ["ordinary_office", "asker_pilot", "namdal_pilot", "ips_office",
                                      "brobygger_office"])
def test_scenario_presets_compose_into_valid_configs(scenario):
    dcfg = compose_cfg([f"+scenario={scenario}"])
    cfg = to_config(dcfg)
    assert cfg.policy.name in ("saksbehandler", "hybrid", "jobbspesialist", "brobygger")
    if scenario == "namdal_pilot":
        assert cfg.office.region == "rural" and cfg.labour_market.n_firms < 200
        assert cfg.policy.max_age == 29 and cfg.office.hybrid_slots == 3


def run_cli(args, **kw):
    return subprocess.run([sys.executable, "-m", "inclusim.cli", *args], capture_output=True, text=True, timeout=600, **kw)


def sweep_args(tmp, name, jobs, seeds="1,2,3"):
    return ["-m", f"output_root={tmp}", f"name={name}", "policy=saksbehandler,hybrid,jobbspesialist",
            f"seed={seeds}", f"hydra.launcher.n_jobs={jobs}", *SMALL]


def read(folder):
    return {t: pd.read_parquet(Path(folder) / f"{t}.parquet") for t in TABLES}


def test_policy_compare_experiment_gives_one_row_per_run(tmp_path):
    proc = run_cli(["-m", "+experiment=policy_compare", f"output_root={tmp_path}", "seed=1,2",
                    "hydra.launcher.n_jobs=2", *SMALL])
    assert proc.returncode == 0, proc.stderr
    runs = pd.read_parquet(tmp_path / "policy_compare" / "runs.parquet")
    assert len(runs) == 8 and runs.groupby("policy").size().eq(2).all()


@pytest.mark.slow
def test_a_sweep_killed_half_way_finishes_on_rerun_identical_to_an_uninterrupted_one(tmp_path):
    ref = run_cli(sweep_args(tmp_path, "clean", jobs=1))
    assert ref.returncode == 0, ref.stderr
    target = tmp_path / "killed"
    proc = subprocess.Popen([sys.executable, "-m", "inclusim.cli", *sweep_args(tmp_path, "killed", jobs=1)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + 120
    while time.time() < deadline and len(complete_run_dirs(target)) < 3:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    done = len(complete_run_dirs(target))
    assert 3 <= done < 9, f"kill landed after {done} runs"
    again = run_cli(sweep_args(tmp_path, "killed", jobs=2))
    assert again.returncode == 0, again.stderr
    assert again.stdout.count("  skip ") == done
    assert len(complete_run_dirs(target)) == 9
    a, b = read(tmp_path / "clean"), read(target)
    for t in TABLES:
        pd.testing.assert_frame_equal(a[t], b[t])


@pytest.mark.slow
def test_slurm_preset_runs_end_to_end_in_submitit_local_mode(tmp_path):
    proc = run_cli(["-m", "hydra/launcher=slurm_local", f"output_root={tmp_path}", "name=slurm",
                    "policy=saksbehandler,hybrid", "seed=1,2", *SMALL])
    assert proc.returncode == 0, proc.stderr
    folder = tmp_path / "slurm"
    assert (folder / ".submitit").is_dir()                   # went through submitit
    runs = pd.read_parquet(folder / "runs.parquet")
    assert len(runs) == 4
    ref = run_cli(["-m", f"output_root={tmp_path}", "name=joblib", "policy=saksbehandler,hybrid", "seed=1,2",
                   "hydra.launcher.n_jobs=2", *SMALL])
    assert ref.returncode == 0, ref.stderr
    pd.testing.assert_frame_equal(runs, pd.read_parquet(tmp_path / "joblib" / "runs.parquet"))


def test_slurm_preset_composes_with_the_cluster_settings():
    cfg = compose_cfg(["hydra/launcher=slurm"])
    launcher = cfg.hydra.launcher
    assert launcher._target_.endswith("SlurmLauncher")
    assert launcher.cpus_per_task == 1 and launcher.array_parallelism == 200


def test_progress_command(tmp_path):
    proc = run_cli(sweep_args(tmp_path, "prog", jobs=2, seeds="1"))
    assert proc.returncode == 0, proc.stderr
    out = run_cli(["progress", str(tmp_path / "prog")])
    assert out.returncode == 0 and "[3/3 runs]" in out.stdout


def test_the_time_left_comes_from_the_pace_after_the_first_run_not_from_the_start(tmp_path, monkeypatch):
    """`make run` first said "about 4:11:51 left" (issue 27) for a job of about a minute: the first runs'
    elapsed time includes starting the workers. The pace is now measured from the first new run done."""
    import json

    import inclusim.sweep as sweep
    from infra.store import COMPLETE_MARKER

    clock = [1000.0]
    monkeypatch.setattr(sweep.time, "time", lambda: clock[0])
    sweep.write_progress_start(tmp_path, total=100, already_complete=0)

    finished = []

    def finish_runs(n: int, at: float) -> str:
        clock[0] = at
        for _ in range(n):
            folder = tmp_path / "runs" / f"run{len(finished)}"
            folder.mkdir(parents=True)
            (folder / COMPLETE_MARKER).write_text("{}")
            finished.append(folder)
        return sweep.progress_line(tmp_path, record=True)

    first = finish_runs(1, 1030.0)             # 30 s of start-up, then the first run
    assert "estimating the time left" in first and "[1/100 runs]" in first
    assert json.loads((tmp_path / sweep.PROGRESS_FILE).read_text())["first_done"] == 1030.0
    assert "estimating" in finish_runs(3, 1031.0)
    line = finish_runs(1, 1032.0)               # 5 runs: 4 more in 2 s after the first, 95 left
    assert line.endswith("about 0:48 left"), line    # 2 s / 4 runs x 95 runs; from the start it was 10:44
    assert "about 0:00 left" in finish_runs(95, 1080.0)
