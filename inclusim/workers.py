"""The worker processes of a sweep on this machine, and how they start.

The default launcher (joblib's loky, ``conf/hydra/launcher/local.yaml``) runs a sweep's jobs in
worker processes. Started as fresh Pythons, each worker loaded the model (mesa, numba and the
compiled rules, pandas, Hydra: about 1.2 s of a core) before its first run, both at once on two
cores, after the command's check. For a sweep on this machine the command now starts a *worker
server* before its check (multiprocessing's ``forkserver``): a process that loads the model once,
while the check runs, and of which each worker is a fork, ready to run. The 80-run comparison's
first run is done about 1 s sooner (``docs/performance.md``); what a run computes is the same.

A worker ends by itself when the command is gone (:func:`watch_parent`): when the command is
killed, a worker would otherwise go on with its batch of runs for minutes.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

#: Set by the ``inclusim`` command: its process id, so that its worker processes can tell it has gone.
MAIN_PID_VARIABLE = "INCLUSIM_MAIN_PID"

#: What a worker needs for its runs, loaded once by the worker server (through
#: ``inclusim.worker_preload``): the task, the model, the policies, what a run prints, and the
#: launcher's job function.
MODEL_MODULES = ("inclusim.task", "inclusim.sweep", "sim.tables", "scenarios.policies", "analysis.i18n",
                 "hydra_plugins.hydra_joblib_launcher._core", "scipy.stats")

#: The value, in a worker of the server, of each environment variable that caps the threads of
#: numpy's BLAS, OpenMP and numba (joblib's own list of them): loky sets them so for the workers it
#: starts as fresh Pythons when the workers fill the cores, and the server's workers inherit them.
THREADS_PER_WORKER = "1"

#: The launchers that run a sweep's jobs in worker processes of this machine (``conf/hydra/launcher/``).
LOCAL_LAUNCHERS = ("local", "joblib")

_watching = False


def runs_in_local_workers(argv: Sequence[str]) -> bool:
    """Whether the command's arguments ask for a sweep run by worker processes on this machine: a
    multirun (``-m``) on the default launcher with more than one job at a time."""
    if not any(arg in ("-m", "--multirun") for arg in argv) or (os.cpu_count() or 1) < 2:
        return False   # one core: joblib runs the jobs in the command's own process
    for arg in argv:
        key, _, value = arg.lstrip("+~").partition("=")
        if key == "hydra/launcher" and value not in LOCAL_LAUNCHERS:
            return False
        if key == "hydra.launcher.n_jobs" and value.strip() == "1":
            return False
    return True


def start_worker_server() -> bool:
    """Start the worker server, loading :data:`MODEL_MODULES`, and have joblib's loky fork the sweep's
    workers from it. Call it from the command's process before anything else that takes long, and
    after :data:`MAIN_PID_VARIABLE` and any other environment the workers read are set: the workers
    inherit the server's environment. False where processes cannot be forked (Windows): the
    workers then start as fresh Pythons, as before."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return False
    from multiprocessing import forkserver

    from joblib._parallel_backends import ParallelBackendBase
    from joblib.externals.loky.backend.context import set_start_method

    set_start_method("forkserver", force=True)
    multiprocessing.set_forkserver_preload(["inclusim.worker_preload"])
    # the server takes this process's environment as it starts; the thread caps only for it (this
    # process has loaded numpy already, so they change nothing here, and are put back)
    saved = {name: os.environ.get(name) for name in ParallelBackendBase.MAX_NUM_THREADS_VARS}
    for name in saved:
        os.environ.setdefault(name, THREADS_PER_WORKER)
    try:
        forkserver.ensure_running()   # loads the model now, while this process checks the sweep
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
    return True


def stop_worker_server() -> None:
    """End the worker server at once (the command ends before any run: a refused sweep), so that it
    does not load the model for nothing while holding the command's output open."""
    from multiprocessing import forkserver

    pid = getattr(getattr(forkserver, "_forkserver", None), "_forkserver_pid", None)   # CPython's own record
    if pid:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


def is_local_worker() -> bool:
    """Whether this process is a worker process of the ``inclusim`` command's sweep on this machine:
    a child of the command, or of its worker server (whose processes name the command as parent)."""
    main_pid = int(os.environ.get(MAIN_PID_VARIABLE, "0") or 0)
    if not main_pid or os.getpid() == main_pid:
        return False
    parent = multiprocessing.parent_process()
    return os.getppid() == main_pid or (parent is not None and parent.pid == main_pid)


def watch_parent() -> None:
    """In a worker process of this machine's sweep: end the worker when the command is gone. A
    worker forked by the worker server cannot wait for its parent to go: the server lives as long
    as any of its workers does. So the worker looks for the command's process itself, and for a
    change of parent (a worker started by the command directly). A SLURM task does not watch."""
    global _watching
    if _watching or not is_local_worker():
        return
    _watching = True
    when_gone(int(os.environ[MAIN_PID_VARIABLE]), lambda: os._exit(3))


def when_gone(pid: int, then: Callable[[], object], interval: float = 1.0) -> threading.Thread:
    """Call ``then`` once process ``pid`` is gone, from a daemon thread that looks every ``interval``
    seconds. ``pid`` this process's parent: gone when the parent changes (the parent ended, killed
    with SIGKILL too, and this process was given to another); any other process: once
    :func:`is_running` says it has ended. Used by a sweep's workers (:func:`watch_parent`) and by the
    dashboard's server (``inclusim.dashboard.server``), which end when their command is gone."""
    parent = pid == os.getppid()

    def gone() -> bool:
        return os.getppid() != pid if parent else not is_running(pid)

    def watch() -> None:
        while not gone():
            time.sleep(interval)
        then()

    thread = threading.Thread(target=watch, name="inclusim-parent-watch", daemon=True)
    thread.start()
    return thread


def is_running(pid: int) -> bool:
    """Whether process ``pid`` is there and has not ended: a process that has ended but whose parent
    has not collected it yet (a zombie) is not running. A number taken by another user's process
    counts as not running too."""
    try:
        os.kill(pid, 0)      # no signal: only whether the process is there
    except OSError:
        return False
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):   # no /proc (macOS): as far as can be told, running
        return True
