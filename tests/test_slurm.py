"""The SLURM launcher preset (conf/hydra/launcher/slurm.yaml) on a real single-node SLURM cluster started on
this machine (tests/slurm_cluster.py): a sweep through slurmctld and slurmd end to end, the same tables as the
local launcher's, and a sweep whose jobs were cancelled finished by running the same command again.

The cancelled sweep's test is marked slow (``make test-all``): with it the file takes 60-100 s.

Skipped, with what failed, where SLURM cannot run (``bash scripts/ensure-slurm.sh`` installs Debian's
slurm-wlm and munge); with ``INCLUSIM_REQUIRE_SLURM=1`` that is an error instead.
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pandas as pd
import pytest

import slurm_cluster
from cli_faults import INCLUSIM, cli, read_tables
from domain.schema import TABLES
from infra.store import complete_run_dirs

SMALL = ["horizon_weeks=26", "office.n_advisers=3", "office.caseload_ordinary=30", "labour_market.n_firms=40",
         "report=false"]
SWEEP = ["policy=saksbehandler,hybrid", "seed=1,2", *SMALL]
#: The preset, on the cluster's partition, with limits the single node can give (1 GB, 5 minutes).
ON_SLURM = ["hydra/launcher=slurm", "hydra.launcher.partition=debug", "hydra.launcher.timeout_min=5",
            "hydra.launcher.mem_gb=1"]
COMMAND_SECONDS = 240
#: The one column of the tables that says which code made a run rather than what it computed: the checkout's
#: commit (``-dirty`` with uncommitted changes), which a commit made between two sweeps changes. No table
#: records where, when or by which job a run ran: every other column is compared.
PROVENANCE = ["git_commit"]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, policy_modules_held):
    """A single-node SLURM cluster for this file's tests; stopped, with its jobs, at the end."""
    try:
        running = slurm_cluster.start(tmp_path_factory.mktemp("slurm"))
    except slurm_cluster.ClusterUnavailable as exc:
        if os.environ.get("INCLUSIM_REQUIRE_SLURM") == "1":
            raise RuntimeError(f"SLURM cannot start but INCLUSIM_REQUIRE_SLURM=1: {exc}") from None
        pytest.skip(f"no SLURM cluster on this machine: {exc}")
    try:
        yield running
    finally:
        running.stop()


def assert_same_tables(folder: Path, other: Path) -> None:
    """The four tables of two sweep folders are equal, value for value (the provenance column aside)."""
    tables, others = read_tables(folder), read_tables(other)
    for table in TABLES:
        pd.testing.assert_frame_equal(tables[table].drop(columns=PROVENANCE, errors="ignore"),
                                      others[table].drop(columns=PROVENANCE, errors="ignore"), check_exact=True,
                                      obj=f"{table}.parquet")


def sweep_args(root: Path, name: str, *extra: str) -> list[str]:
    return ["-m", f"output_root={root}", f"name={name}", *extra, *SWEEP]


def run(cluster, args: list[str]) -> subprocess.CompletedProcess:
    """The ``inclusim`` command with the cluster's environment (``SLURM_CONF``, its commands on the ``PATH``)."""
    return cli(*args, env=cluster.env, timeout=COMMAND_SECONDS)


@pytest.fixture(scope="module")
def slurm_sweep(cluster, tmp_path_factory):
    """The sweep (2 policies x 2 seeds) run through the SLURM preset: the command's result and its folder."""
    root = tmp_path_factory.mktemp("on_slurm")
    proc = run(cluster, sweep_args(root, "sweep", *ON_SLURM))
    return proc, root / "sweep"


def test_a_sweep_runs_through_slurm_jobs_end_to_end(cluster, slurm_sweep):
    proc, folder = slurm_sweep
    assert proc.returncode == 0, proc.stderr[-3000:] + cluster.log("slurmctld")
    jobs = slurm_cluster.job_ids(folder / ".submitit")
    assert len(jobs) == 4, sorted(jobs)                      # one SLURM array task a run
    assert len({job.split("_")[0] for job in jobs}) == 1     # one array
    assert slurm_cluster.ended_jobs(cluster, jobs) == dict.fromkeys(jobs, "COMPLETED")   # slurmctld ran them
    for job in jobs:                                         # each task's output, written by the task on the node
        log = (folder / ".submitit" / job / f"{job}_0_log.out").read_text()
        assert "Job completed successfully" in log, log[-2000:]
    assert len(complete_run_dirs(folder)) == 4
    runs = pd.read_parquet(folder / "runs.parquet")
    assert sorted(zip(runs["policy"], runs["seed"])) == [("hybrid", 1), ("hybrid", 2), ("saksbehandler", 1),
                                                         ("saksbehandler", 2)]


def test_the_slurm_sweep_gives_the_tables_of_the_local_launcher(cluster, slurm_sweep, tmp_path):
    proc, folder = slurm_sweep
    assert proc.returncode == 0, proc.stderr[-3000:]
    local = cli(*sweep_args(tmp_path, "local", "hydra/launcher=local"), timeout=COMMAND_SECONDS)
    assert local.returncode == 0, local.stderr[-3000:]
    assert_same_tables(folder, tmp_path / "local")


def pending_array(cluster, command: subprocess.Popen, known: set[str], tasks: int = 4, seconds: float = 60) -> str:
    """The id of the job array ``command`` submitted, once its ``tasks`` are all pending (bounded)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and command.poll() is None:
        waiting = [job for job, state in cluster.jobs() if state == "PENDING" and job not in known]
        if len(waiting) == tasks:
            return waiting[0].split("_")[0]
        time.sleep(0.2)
    raise AssertionError(f"the command's {tasks} array tasks are not pending (the command's status: {command.poll()}; "
                         f"the jobs: {cluster.jobs()})")


@pytest.mark.slow      # about 35-60 s: the cancelled sweep, submitit's 15 s wait for a result, and the sweep again
def test_a_sweep_whose_jobs_were_cancelled_finishes_when_run_again(cluster, slurm_sweep, tmp_path):
    """The node drained, so that the array's tasks wait; the last two of them cancelled, the node resumed: the
    command ends with one line once the first two have run, and the same command again runs only the other two."""
    proc, reference = slurm_sweep
    assert proc.returncode == 0, proc.stderr[-3000:]
    args = sweep_args(tmp_path, "cancelled", *ON_SLURM)
    known = {job for job, _ in cluster.jobs()}
    cluster.set_node("DRAIN")
    first = subprocess.Popen([*INCLUSIM, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env=cluster.env)
    try:
        try:
            array = pending_array(cluster, first, known)
            # held first: a task still inside the array's pending record leaves no record of it when cancelled
            # (not in squeue, scontrol or the job completion log), and submitit then waits for it for ever
            for step in ("scontrol hold", "scancel"):
                done = cluster.run(*step.split(), f"{array}_2", f"{array}_3")
                assert done.returncode == 0, f"{step}: {done.stderr}"
        finally:
            cluster.set_node("RESUME")
        try:
            out, err = first.communicate(timeout=COMMAND_SECONDS)
        except subprocess.TimeoutExpired:
            pytest.fail(f"the command did not end {COMMAND_SECONDS} s after two of its jobs were cancelled")
    finally:
        if first.poll() is None:
            first.kill()
            first.communicate()
    tasks = [f"{array}_{task}" for task in range(4)]
    assert list(slurm_cluster.ended_jobs(cluster, tasks).values()) == ["COMPLETED", "COMPLETED", "CANCELLED",
                                                                      "CANCELLED"]
    assert first.returncode == 1, err[-3000:]
    errors = [line for line in err.splitlines() if line.startswith("inclusim: error:")]
    assert len(errors) == 1 and "run the same command again" in errors[0], err[-3000:]
    assert f"{array}_2" in errors[0] and "CANCELLED" in errors[0], errors
    folder = tmp_path / "cancelled"
    assert len(complete_run_dirs(folder)) == 2

    again = run(cluster, args)
    assert again.returncode == 0, again.stderr[-3000:]
    assert "(2 already complete, checked, will be skipped)" in again.stdout, again.stdout[-3000:]
    assert len(complete_run_dirs(folder)) == 4
    assert_same_tables(folder, reference)
