"""Shared fixtures: small, fast configurations; the fault tests' finished sweep and full filesystem."""

from __future__ import annotations

import shutil
import subprocess

import pytest

import scenarios.policies  # noqa: F401  (registers the policies and their settings)
from domain.config import Config
from domain.params import merge
from infra.store import LOCK_FILE


def small_config(**over) -> Config:
    """A small office (4 advisers, 40 users each), hybrid policy, over one year: fast, every mechanism active."""
    base = {"horizon_weeks": 52, "office": {"n_advisers": 4, "caseload_ordinary": 40, "n_job_specialists": 1},
            "labour_market": {"n_firms": 60}, "policy": {"name": "hybrid"}}
    cfg = merge(Config(), base)
    return merge(cfg, over) if over else cfg


@pytest.fixture(scope="module")
def policy_modules_held():
    """Held by a test file that puts a policy module into scenarios/policies (test_fifth_policy), and by one
    whose runs import every policy module long after the command started (test_slurm: a SLURM job loads
    the command's pickled Hydra state, which names each policy module that was there): the other test
    process must not remove a module such a run will import. A file lock, so that the two test
    processes of ``make test`` take turns."""
    import hashlib
    import tempfile
    from pathlib import Path

    from filelock import FileLock

    root = Path(__file__).resolve().parent.parent
    name = hashlib.sha256(str(root).encode()).hexdigest()[:12]
    with FileLock(Path(tempfile.gettempdir()) / f"inclusim-tests-policies-{name}.lock", timeout=600):
        yield


@pytest.fixture
def small():
    return small_config


def bare_model(**over):
    """A tiny model with no arrivals and nobody in training at the start, for rule tests."""
    from sim.model import InclusionModel

    base = {"horizon_weeks": 30, "office": {"n_advisers": 2, "caseload_ordinary": 20, "n_job_specialists": 1},
            "population": {"inflow_per_week": 0.0, "entry_in_training_share": 0.0, "pool_exit_hazard": 0.0,
                           "own_job_hazard": 0.0, "p_refuse_mentor": 0.0},
            "labour_market": {"n_firms": 20}, "policy": {"name": "hybrid"}}
    cfg = merge(Config(), base)
    if over:
        cfg = merge(cfg, over)
    return InclusionModel(cfg)


def place_in_training(model, cand, mode="hybrid", firm=None, match=0.8):
    """Put a user straight into work training under a way of working (entry shortcut)."""
    from domain.states import State
    from sim import pathway, placement, caseholding

    adviser = model.staff.specialists[0] if mode == "jobbspesialist" else cand.caseload_adviser
    caseholding.assign(cand, adviser, model.modes[mode], model.week, model.counters)
    firm = firm or next(f for f in model.firms if f.has_room() and not f.exploitative)
    firm.placements += 1
    cand.employer = firm
    cand.match = match
    pathway.move(model, cand, State.TRAINING, "test_placement")
    placement.setup_training(model, cand, model.modes[mode])
    return cand


# --- the fault tests of the command (tests/test_reliability.py, tests/cli_faults.py) ---------------------

@pytest.fixture(scope="module")
def base_sweep(tmp_path_factory):
    """A finished sweep (2 policies x 2 seeds), copied by the tests that change it."""
    from cli_faults import sweep

    root = tmp_path_factory.mktemp("base")
    proc = sweep(root, "base", "policy=saksbehandler,hybrid", "seed=1,2", "report=false")
    assert proc.returncode == 0, proc.stderr[-3000:]
    return root / "base"


@pytest.fixture
def sweep_copy(base_sweep, tmp_path):
    folder = tmp_path / "base"
    shutil.copytree(base_sweep, folder)
    (folder / LOCK_FILE).unlink(missing_ok=True)
    return folder


@pytest.fixture
def full_filesystem(tmp_path):
    """A 1 MB tmpfs mounted inside the test (skipped where the machine does not allow mounting)."""
    mount = tmp_path / "full"
    mount.mkdir()
    if shutil.which("mount") is None or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)],
                                                        capture_output=True).returncode != 0:
        pytest.skip("cannot mount a tmpfs here (the injected no-space tests above still run)")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], capture_output=True)
