"""Replications in batches (inclusim.batching and the inclusim sweeper): fewer Hydra jobs, the same runs."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd

from domain.schema import TABLES
from inclusim.batching import group_replications, runs_of_job, workers_of


def test_the_seeds_of_one_configuration_share_jobs_in_the_seeds_place():
    jobs = [[f"policy={p}", f"seed={s}", "+experiment=x"] for p in ("a", "b") for s in range(1, 7)]
    grouped = group_replications(jobs, workers=1)          # 4 jobs wanted: 2 per configuration
    assert grouped == [["policy=a", "seeds=[1,2,3]", "+experiment=x"], ["policy=a", "seeds=[4,5,6]", "+experiment=x"],
                       ["policy=b", "seeds=[1,2,3]", "+experiment=x"], ["policy=b", "seeds=[4,5,6]", "+experiment=x"]]
    assert group_replications(jobs, workers=1, per_job=4)[1] == ["policy=a", "seeds=[5,6]", "+experiment=x"]
    assert group_replications(jobs, workers=100) == jobs    # enough workers: one seed per job, as before
    assert group_replications(jobs, workers=None) == jobs   # a cluster launcher: one seed per job
    assert group_replications([["policy=a"], ["policy=b"]], workers=1) == [["policy=a"], ["policy=b"]]


def test_a_batch_is_the_runs_it_replaces_with_their_overrides():
    runs = runs_of_job(["policy=a", "seeds=[4,5]", "+experiment=x"], [4, 5])
    assert runs == [(4, ["policy=a", "seed=4", "+experiment=x"]), (5, ["policy=a", "seed=5", "+experiment=x"])]
    assert runs_of_job(["policy=a", "seed=3"], None) == [(None, ["policy=a", "seed=3"])]
    assert workers_of(None) is None and workers_of(3) == 3 and workers_of(-1) >= 1


def _sweep(tmp_path, name, *extra):
    args = ["-m", f"name={name}", f"output_root={tmp_path}", "policy=saksbehandler,hybrid", "seed=range(1,5)",
            "office.n_advisers=3", "office.caseload_ordinary=30", "office.n_job_specialists=1",
            "labour_market.n_firms=40", "horizon_weeks=30", "report=false", *extra]
    proc = subprocess.run([sys.executable, "-m", "inclusim.cli", *args], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout, {t: pd.read_parquet(tmp_path / name / f"{t}.parquet") for t in TABLES}


def test_a_batched_sweep_writes_the_same_runs_as_one_seed_per_job(tmp_path):
    out_batched, batched = _sweep(tmp_path, "batched", "hydra.launcher.n_jobs=1")
    out_single, single = _sweep(tmp_path, "single", "hydra.launcher.n_jobs=1", "hydra.sweeper.seeds_per_job=1")
    assert len(list((tmp_path / "batched" / "jobs").iterdir())) == 4      # 2 policies x 2 batches of 2 seeds
    assert len(list((tmp_path / "single" / "jobs").iterdir())) == 8
    assert sorted(p.name for p in (tmp_path / "batched" / "runs").iterdir()) == \
        sorted(p.name for p in (tmp_path / "single" / "runs").iterdir())
    for table in TABLES:
        pd.testing.assert_frame_equal(batched[table].drop(columns="git_commit", errors="ignore"),
                                      single[table].drop(columns="git_commit", errors="ignore"))
    assert out_batched.count("runs] elapsed") == 8   # progress is still reported run by run


def test_seeds_on_a_single_run_is_refused_with_one_line(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "inclusim.cli", f"output_root={tmp_path}", "seeds=[1,2]"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr and "seeds" in proc.stderr


def test_hydra_composes_each_job_again_only_when_the_command_was_not_checked(monkeypatch, tmp_path):
    # the inclusim command checks every run before Hydra starts (inclusim.preflight); Hydra's own check
    # of each job's composition is then skipped, and kept for a sweep started any other way
    from types import SimpleNamespace

    from omegaconf import OmegaConf

    from hydra_plugins.inclusim_sweeper.sweeper import InclusimSweeper
    from inclusim import preflight

    composed, launched = [], []
    monkeypatch.setattr(InclusimSweeper, "validate_batch_is_legal", lambda self, batch: composed.append(batch))
    sweeper = InclusimSweeper(seeds_per_job=1)
    sweeper.config = OmegaConf.create({"hydra": {"sweep": {"dir": str(tmp_path)}, "launcher": {}}})
    sweeper.hydra_context = SimpleNamespace(config_loader=None)
    sweeper.launcher = SimpleNamespace(launch=lambda batch, initial_job_idx: launched.append(batch) or [])
    monkeypatch.setattr(preflight, "_checked", False)
    sweeper.sweep(["policy=hybrid"])
    assert composed == [[["policy=hybrid"]]] and launched == [[["policy=hybrid"]]]
    monkeypatch.setattr(preflight, "_checked", True)
    sweeper.sweep(["policy=saksbehandler,hybrid", "seed=1,2"])
    assert composed == [[["policy=hybrid"]]]
    assert launched[1] == [["policy=saksbehandler", "seed=1"], ["policy=saksbehandler", "seed=2"],
                           ["policy=hybrid", "seed=1"], ["policy=hybrid", "seed=2"]]
    assert (tmp_path / "multirun.yaml").exists()


def test_the_jobs_of_a_sweep_are_the_ones_hydras_basic_sweeper_makes():
    # the sweeper expands a sweep with Hydra's public override parser; its jobs, in order, are the
    # basic sweeper's (read here, in a test, from Hydra's internal module it replaced)
    from hydra._internal.core_plugins.basic_sweeper import BasicSweeper
    from hydra.core.override_parser.overrides_parser import OverridesParser

    from inclusim.batching import sweep_jobs

    for lines in (["policy=a,b", "seed=range(1,4)", "+experiment=x"], ["x=1", "y=choice(2,3)", "x=5,6"],
                  ["seed=range(1,1)"], [], ["name='Bodø'", "z=[1,2]"]):
        expected = BasicSweeper.split_arguments(OverridesParser.create().parse_overrides(lines), None)
        assert sweep_jobs(lines) == (expected[0] if expected else [[]])
