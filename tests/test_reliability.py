"""Faults and bad input around sweeps, each made to happen inside the test (issue 8; docs/reliability.md).

Faults are injected into the ``inclusim`` process through a ``sitecustomize`` module on
PYTHONPATH (it patches one function before inclusim imports it), or made real: a tiny full
filesystem (tmpfs, where the machine lets the test mount one), a killed process, a truncated file,
two processes at once.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time

import pandas as pd
import pytest

from cli_faults import INCLUSIM, SMALL, cli, injected, leftovers, one_line_error, read_tables, snapshot, sweep
from infra.store import COMPLETE_MARKER, LOCK_FILE, complete_run_dirs, sweep_lock
from inclusim.workers import is_running


# --- 1. the end of a sweep never exits 0 after a failure -------------------------------------------

def test_a_failed_run_fails_the_sweep_names_it_and_the_rerun_redoes_it(tmp_path):
    env = injected(tmp_path, """
        import sim.tables
        _run = sim.tables.run_model
        def run_model(cfg, *args, **kwargs):
            if cfg.seed == 2:
                raise RuntimeError("injected failure in the model")
            return _run(cfg, *args, **kwargs)
        sim.tables.run_model = run_model
    """)
    proc = sweep(tmp_path, "s", "policy=saksbehandler,hybrid", "seed=1,2", "report=false", env=env)
    assert proc.returncode == 1
    line = one_line_error(proc)
    assert "2 run(s) failed" in line and "injected failure in the model" in line and "2 finished run(s)" in line
    assert len(pd.read_parquet(tmp_path / "s" / "runs.parquet")) == 2     # the good runs are collected
    again = sweep(tmp_path, "s", "policy=saksbehandler,hybrid", "seed=1,2", "report=false")
    assert again.returncode == 0, again.stderr[-2000:]
    assert len(pd.read_parquet(tmp_path / "s" / "runs.parquet")) == 4
    assert not list((tmp_path / "s" / "runs").rglob("_FAILED"))


def test_no_space_while_collecting_fails_the_command_and_keeps_the_old_tables(sweep_copy, tmp_path):
    before = snapshot(sweep_copy)
    env = injected(tmp_path, """
        import errno, pyarrow.parquet as pq
        def write_table(self, *args, **kwargs):
            raise OSError(errno.ENOSPC, "No space left on device")
        pq.ParquetWriter.write_table = write_table
    """)
    proc = cli("collect", str(sweep_copy), env=env)
    assert proc.returncode == 1
    assert "No space left on device" in one_line_error(proc)
    after = snapshot(sweep_copy)
    after.pop(LOCK_FILE, None)
    before.pop(LOCK_FILE, None)
    assert after == before and not leftovers(sweep_copy)


def test_no_space_while_writing_the_report_fails_the_sweep_without_leftovers(tmp_path):
    env = injected(tmp_path, """
        import errno, matplotlib.figure
        def savefig(self, *args, **kwargs):
            raise OSError(errno.ENOSPC, "No space left on device")
        matplotlib.figure.Figure.savefig = savefig
    """)
    proc = sweep(tmp_path, "r", "seed=1", env=env)
    assert proc.returncode == 1
    assert "No space left on device" in one_line_error(proc)
    assert not leftovers(tmp_path / "r") and not (tmp_path / "r" / "report").exists()


def test_a_really_full_disk_fails_the_sweep_with_one_line(full_filesystem):
    proc = sweep(full_filesystem, "f", "policy=saksbehandler,hybrid", "seed=1,2")
    assert proc.returncode != 0
    line = one_line_error(proc)
    assert "No space left on device" in line or "failed" in line
    assert not leftovers(full_filesystem)


# --- 2. writers that cannot collide -------------------------------------------------------------------

@pytest.mark.slow     # 22 s
def test_concurrent_collects_wait_for_each_other_and_write_whole_tables(sweep_copy):
    reference = read_tables(sweep_copy)
    for _ in range(3):
        procs = [subprocess.Popen([*INCLUSIM, "collect", str(sweep_copy)], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for _ in range(3)]
        outputs = [p.communicate(timeout=300) for p in procs]
        assert all(p.returncode == 0 for p in procs), outputs
        for name, frame in read_tables(sweep_copy).items():
            pd.testing.assert_frame_equal(frame, reference[name])
    assert not leftovers(sweep_copy)


def test_a_busy_sweep_folder_is_refused_clearly_after_the_wait(sweep_copy):
    with sweep_lock(sweep_copy, "test"):
        proc = cli("collect", str(sweep_copy), env={"INCLUSIM_LOCK_TIMEOUT": "1"})
    assert proc.returncode == 1
    assert "is busy" in one_line_error(proc)


def test_a_collect_killed_half_way_leaves_whole_tables_and_the_next_one_cleans_up(sweep_copy):
    reference = read_tables(sweep_copy)
    env = {**os.environ}
    for delay in (0.5, 1.0, 1.5, 2.0):
        proc = subprocess.Popen([*INCLUSIM, "collect", str(sweep_copy)], env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)
        time.sleep(delay)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        for name, frame in read_tables(sweep_copy).items():   # old or new, never half
            pd.testing.assert_frame_equal(frame, reference[name])
    assert cli("collect", str(sweep_copy)).returncode == 0
    assert not leftovers(sweep_copy)


# --- 3. complete means verified -----------------------------------------------------------------------

def test_a_damaged_run_is_named_by_collect_and_redone_by_the_sweep(sweep_copy, tmp_path):
    reference = read_tables(sweep_copy)
    victim = complete_run_dirs(sweep_copy)[0]
    weekly = victim / "weekly.parquet"
    weekly.write_bytes(weekly.read_bytes()[: weekly.stat().st_size // 2])
    proc = cli("collect", str(sweep_copy))
    assert proc.returncode == 1
    line = one_line_error(proc)
    assert victim.name in line and "weekly.parquet" in line and "run the sweep command again" in line
    for name, frame in read_tables(sweep_copy).items():
        pd.testing.assert_frame_equal(frame, reference[name])
    again = sweep(tmp_path, "base", "policy=saksbehandler,hybrid", "seed=1,2", "report=false")
    assert again.returncode == 0, again.stderr[-2000:]
    # checked before any run: counted as a run to do, not as one done, and the progress says so once
    assert "3 already complete, checked, will be skipped; 1 damaged, will be redone, e.g. " \
        f"{victim.name}: weekly.parquet has" in again.stdout
    assert again.stdout.count("  skip ") == 3
    assert again.stdout.count("[4/4 runs]") == 1 and "[3/4" not in again.stdout and "[5/4" not in again.stdout
    for name, frame in read_tables(sweep_copy).items():
        pd.testing.assert_frame_equal(frame, reference[name])



def test_runs_made_by_other_model_code_are_redone_not_reported_as_new(sweep_copy, tmp_path):
    """A sweep folder keyed by configuration alone kept the runs of an earlier model: after a change of
    the model's code, `make run` skipped them as complete and reported the old numbers as new. A run
    records the fingerprint of the code that made it (infra.provenance.model_code); collect refuses a
    run made by other code; the sweep redoes the ones it includes and leaves the others out."""
    reference = read_tables(sweep_copy)["runs"].set_index("run_id")
    policy_of = {d: json.loads((d / "meta.json").read_text())["config"]["policy"]["name"]
                 for d in complete_run_dirs(sweep_copy)}
    old = next(d for d, policy in policy_of.items() if policy == "saksbehandler")
    outside = next(d for d, policy in policy_of.items() if policy == "hybrid")
    for run_dir in (old, outside):
        marker = json.loads((run_dir / COMPLETE_MARKER).read_text())
        marker["model_code"] = "0123456789abcdef"
        (run_dir / COMPLETE_MARKER).write_text(json.dumps(marker))
    proc = cli("collect", str(sweep_copy))
    assert proc.returncode == 1
    line = one_line_error(proc)
    assert "2 run(s)" in line and "made by other model code" in line and "0123456789abcdef" in line
    # the sweep again, of saksbehandler only: `old` is redone, `outside` (hybrid) left out of the tables
    again = sweep(tmp_path, "base", "policy=saksbehandler", "seed=1,2", "report=false", "merge=true")
    assert again.returncode == 0, again.stderr[-2000:]
    assert "2 made by other model code: redone if this sweep includes them, left out of its tables otherwise" \
        in again.stdout
    assert again.stdout.count("  skip ") == 1
    assert json.loads((old / COMPLETE_MARKER).read_text())["model_code"] != "0123456789abcdef"
    assert not (outside / COMPLETE_MARKER).exists() and (outside / "runs.parquet").exists()   # its files stay
    runs = read_tables(sweep_copy)["runs"].set_index("run_id")
    assert outside.name not in runs.index and len(runs) == 3
    pd.testing.assert_frame_equal(runs.drop(columns="wall_seconds", errors="ignore"),       # the same model
                                  reference.loc[runs.index].drop(columns="wall_seconds", errors="ignore"),
                                  check_like=True)     # columns in the order the first run read has them

def test_a_temporary_file_left_in_a_run_folder_is_removed_by_collect_and_by_the_resumed_sweep(sweep_copy, tmp_path):
    complete, unfinished = complete_run_dirs(sweep_copy)[:2]
    (complete / ".weekly.parquet.k1ll3d.tmp").write_bytes(b"half a file")     # a writer killed with SIGKILL
    (unfinished / COMPLETE_MARKER).unlink()                                   # killed before its marker
    (unfinished / ".runs.parquet.k1ll3d.tmp").write_bytes(b"half a file")
    assert cli("collect", str(sweep_copy)).returncode == 0
    assert not (complete / ".weekly.parquet.k1ll3d.tmp").exists()
    assert (unfinished / ".runs.parquet.k1ll3d.tmp").exists()      # a sweep may be writing there: not collect's
    again = sweep(tmp_path, "base", "policy=saksbehandler,hybrid", "seed=1,2", "report=false")
    assert again.returncode == 0, again.stderr[-2000:]
    assert not leftovers(sweep_copy / "runs")


# --- 4. reports from current tables; 5. summary by configuration; 6. provenance --------------------------

def test_report_is_made_from_the_runs_as_they_are_now(sweep_copy, tmp_path):
    more = sweep(tmp_path, "base", "policy=saksbehandler,hybrid", "seed=3", "report=false")
    assert more.returncode == 0, more.stderr[-2000:]
    (sweep_copy / "runs.parquet").write_bytes((sweep_copy / "runs.parquet").read_bytes())   # an old collect
    proc = cli("report", str(sweep_copy))
    assert proc.returncode == 0, proc.stderr[-2000:]
    index = pd.read_csv(sweep_copy / "report" / "tables" / "runs_index.csv")
    assert len(index) == 6 and set(index["seed"]) == {1, 2, 3}


@pytest.mark.slow
def test_the_summary_groups_runs_by_configuration_not_by_the_order_of_overrides(tmp_path):
    first = sweep(tmp_path, "g", "policy=hybrid", "office.hybrid_slots=2", "seed=1,2", "report=false")
    second = cli("-m", "seed=3,4", "office.hybrid_slots=2", f"output_root={tmp_path}", "policy=hybrid", "name=g",
                 *SMALL)   # the same setting, written another way, with the report
    assert first.returncode == 0 and second.returncode == 0, second.stderr[-2000:]
    summary = pd.read_csv(tmp_path / "g" / "summary.csv")
    row = summary[summary["kpi"] == "ever_employed_share"]
    assert len(row) == 1 and int(row["n"].iloc[0]) == 4


def test_a_rejected_sweep_leaves_the_folder_exactly_as_it_was(sweep_copy, tmp_path):
    before = snapshot(sweep_copy)
    proc = sweep(tmp_path, "base", "office.n_advisers=4,0", "seed=1,2")
    assert proc.returncode == 2
    assert "office.n_advisers = 0: allowed range is 1 to 5000" in one_line_error(proc)
    assert snapshot(sweep_copy) == before


# --- 8. empty population; 9. permissions; 11. smaller items ---------------------------------------------

def test_an_office_without_target_group_users_runs_and_reports(tmp_path):
    proc = sweep(tmp_path, "empty", "office.target_share=0", "population.inflow_per_week=0", "seed=1,2")
    assert proc.returncode == 0, proc.stderr[-3000:]
    runs = pd.read_parquet(tmp_path / "empty" / "runs.parquet")
    assert (runs["n_candidates"] == 0).all() and runs["ever_employed_share"].isna().all()
    assert (tmp_path / "empty" / "report" / "report.html").exists()


@pytest.mark.parametrize("umask, file_mode, folder_mode", [(0o022, 0o644, 0o755),
                                                         pytest.param(0o002, 0o664, 0o775, marks=pytest.mark.slow)])
def test_results_are_readable_as_the_umask_says(tmp_path, umask, file_mode, folder_mode):
    proc = sweep(tmp_path, "perm", "seed=1", umask=umask)
    assert proc.returncode == 0, proc.stderr[-2000:]
    folder = tmp_path / "perm"
    modes = {p.relative_to(folder): p.stat().st_mode & 0o777 for p in folder.rglob("*")
             if ".hydra" not in p.parts and ".submitit" not in p.parts}
    wrong = {str(p): oct(m) for p, m in modes.items()
             if m != (folder_mode if (folder / p).is_dir() else file_mode)}
    assert not wrong


@pytest.mark.parametrize("args, fragment", [
    (["name=../../escape"], "name = '../../escape': must be a plain folder name"),
    (["office.caseload_cap=50", "office.caseload_ordinary=70"], "office.caseload_cap = 50: must be at least"),
])
def test_bad_names_and_cross_field_values_are_refused_before_anything_is_written(tmp_path, args, fragment):
    proc = cli(f"output_root={tmp_path / 'out'}", *args)
    assert proc.returncode == 2 and fragment in one_line_error(proc)
    assert not (tmp_path / "out").exists()


def test_a_file_where_the_output_folder_should_be_is_refused(tmp_path):
    (tmp_path / "out").write_text("not a folder")
    proc = cli(f"output_root={tmp_path / 'out'}", "horizon_weeks=5")
    assert proc.returncode == 2 and "is a file, not a folder" in one_line_error(proc)


def test_a_damaged_collected_table_is_one_line_for_summary(sweep_copy):
    (sweep_copy / "runs.parquet").write_bytes(b"not parquet")
    proc = cli("summary", str(sweep_copy))
    assert proc.returncode == 1 and "cannot be read" in one_line_error(proc)


def _descendants(pid: int) -> list[int]:
    """Every process below ``pid``: its children, theirs, and so on."""
    found, queue = [], [pid]
    while queue:
        children = subprocess.run(["pgrep", "-P", str(queue.pop())], capture_output=True, text=True).stdout
        found += [int(x) for x in children.split()]
        queue += [int(x) for x in children.split()]
    return found


def test_worker_processes_end_soon_after_the_command_is_killed(tmp_path):
    proc = subprocess.Popen([*INCLUSIM, "-m", f"output_root={tmp_path}", "name=kill", "hydra.launcher.n_jobs=2",
                             "policy=saksbehandler,hybrid,jobbspesialist,brobygger", "seed=range(1,30)",
                             "report=false"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 180
    while time.time() < deadline and len(complete_run_dirs(tmp_path / "kill")) < 4:   # workers are busy
        time.sleep(0.2)
    workers = _descendants(proc.pid)   # the worker server, its workers, the resource trackers
    assert len(workers) >= 3, f"no worker processes started: {workers}"
    proc.kill()
    proc.wait()
    deadline = time.time() + 20
    alive = workers
    while time.time() < deadline and alive:
        time.sleep(0.5)
        alive = [pid for pid in alive if is_running(pid)]
    assert not alive, f"processes of the killed command still running after 20 s: {alive}"


@pytest.mark.parametrize("value", ["abc", "-1", "nan", "1e99"])
def test_a_bad_lock_timeout_is_one_line_naming_the_variable(sweep_copy, value):
    proc = cli("collect", str(sweep_copy), env={"INCLUSIM_LOCK_TIMEOUT": value})
    assert proc.returncode == 2
    assert f"INCLUSIM_LOCK_TIMEOUT = '{value}': must be a number of seconds from 0 to" in one_line_error(proc)
    helped = cli("--help", env={"INCLUSIM_LOCK_TIMEOUT": value})
    assert "Traceback" not in helped.stderr + helped.stdout


def test_a_full_disk_as_a_sweep_or_a_run_starts_leaves_no_empty_files_or_folders(full_filesystem):
    fill = os.open(full_filesystem / "fill", os.O_WRONLY | os.O_CREAT)    # the disk is full before anything starts
    try:
        while os.write(fill, b"\0" * 4096):
            pass
    except OSError:
        pass
    finally:
        os.close(fill)
    for proc in (sweep(full_filesystem, "f", "seed=1,2", "report=false"),
                 cli(f"output_root={full_filesystem}", "name=g", "horizon_weeks=3", "report=false")):
        assert proc.returncode == 1
        assert "No space left on device" in one_line_error(proc)
        assert "Warning" not in proc.stderr, proc.stderr
    assert [p.name for p in full_filesystem.iterdir()] == ["fill"]
