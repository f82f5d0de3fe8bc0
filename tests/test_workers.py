"""The sweep's worker processes on this machine (joblib's loky): recognised as the command's workers,
and ended when the command is gone."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from inclusim.workers import is_running

ROOT = Path(__file__).resolve().parent.parent


#: A command's process in miniature: a parallel call as the launcher makes it.
_SCRIPT = textwrap.dedent("""
    import json, os, sys, time
    from joblib import Parallel, delayed

    from inclusim.workers import MAIN_PID_VARIABLE, is_local_worker, watch_parent


    def probe(pid_file, sleep):
        watch_parent()
        with open(pid_file, "a") as fh:
            fh.write(f"{os.getpid()}\\n")
        time.sleep(sleep)
        return {"local": is_local_worker(), "parent": os.getppid()}


    if __name__ == "__main__":
        pid_file, sleep = sys.argv[1], float(sys.argv[2])
        os.environ[MAIN_PID_VARIABLE] = str(os.getpid())
        results = Parallel(n_jobs=2, backend="loky")(delayed(probe)(pid_file, sleep) for _ in range(2))
        print(json.dumps({"main": os.getpid(), "results": results, "here": is_local_worker()}))
""")


def _start(tmp_path: Path, sleep: float) -> tuple[subprocess.Popen, Path]:
    script = tmp_path / "command.py"
    script.write_text(_SCRIPT)
    pid_file = tmp_path / "pids.txt"
    proc = subprocess.Popen([sys.executable, str(script), str(pid_file), str(sleep)], cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE, text=True)
    return proc, pid_file


def test_workers_know_the_command(tmp_path):
    proc, _ = _start(tmp_path, sleep=0.0)
    out, _ = proc.communicate(timeout=120)
    assert proc.returncode == 0
    report = json.loads(out)
    assert report["here"] is False                        # the command is not its own worker
    for result in report["results"]:
        assert result["local"] is True
        assert result["parent"] == report["main"]         # loky's workers are the command's children


def test_workers_end_when_the_command_is_killed(tmp_path):
    proc, pid_file = _start(tmp_path, sleep=120.0)
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and len(pid_file.read_text().split() if pid_file.exists() else []) < 2:
            time.sleep(0.1)
        workers = [int(pid) for pid in pid_file.read_text().split()]
        assert len(workers) == 2
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and any(is_running(pid) for pid in workers):
            time.sleep(0.2)
        assert not any(is_running(pid) for pid in workers)
    finally:
        for pid in (int(p) for p in (pid_file.read_text().split() if pid_file.exists() else [])):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if proc.poll() is None:
            proc.kill()


def _processes_with(marker: str) -> list[int]:
    """The processes whose environment holds ``marker``."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker.encode() in (entry / "environ").read_bytes() and is_running(int(entry.name)):
                    found.append(int(entry.name))
            except OSError:
                pass
    return found


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs /proc")
def test_a_refused_sweep_leaves_no_process_behind(tmp_path):
    marker = f"INCLUSIM_TEST_MARK=refused-{os.getpid()}-{time.monotonic_ns()}"
    key, value = marker.split("=")
    errors = tmp_path.parent / f"{tmp_path.name}.stderr"   # a file: a pipe would wait for any child too
    with errors.open("w") as err:
        proc = subprocess.Popen([sys.executable, "-m", "inclusim.cli", "-m", f"output_root={tmp_path}", "seed=1,2",
                                 "horizon_weeks=-3"], cwd=ROOT, env={**os.environ, key: value},
                                stdout=subprocess.DEVNULL, stderr=err)
        proc.wait(timeout=120)
    stderr = errors.read_text()
    assert proc.returncode == 2 and "horizon_weeks" in stderr and "Traceback" not in stderr
    time.sleep(0.2)
    assert _processes_with(marker) == []     # no worker left loading the model
    assert not list(tmp_path.iterdir())


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_a_process_that_ended_is_not_running_even_before_it_is_collected():
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and Path(f"/proc/{child.pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z":
        time.sleep(0.05)
    assert is_running(os.getpid())
    assert not is_running(child.pid)          # ended, not yet collected: a zombie
    child.wait()
    assert not is_running(child.pid)          # collected: gone
