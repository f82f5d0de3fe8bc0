"""The worker processes of a sweep on this machine: how they know the command, and end with it.

The default launcher (joblib's loky, ``conf/hydra/launcher/local.yaml``) runs a sweep's jobs in
worker processes that loky starts and manages. A worker ends by itself when the command is gone
(:func:`watch_parent`): when the command is killed, a worker would otherwise go on with its batch of
runs for minutes. A SLURM task does not watch: it is not a child of the command.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

#: Set by the ``inclusim`` command: its process id, so that its worker processes can tell it has gone.
MAIN_PID_VARIABLE = "INCLUSIM_MAIN_PID"

_watching = False


def is_local_worker() -> bool:
    """Whether this process is a worker process of the ``inclusim`` command's sweep on this machine:
    a child of the command (or of a process that names the command as its parent)."""
    main_pid = int(os.environ.get(MAIN_PID_VARIABLE, "0") or 0)
    if not main_pid or os.getpid() == main_pid:
        return False
    parent = multiprocessing.parent_process()
    return os.getppid() == main_pid or (parent is not None and parent.pid == main_pid)


def watch_parent() -> None:
    """In a worker process of this machine's sweep: end the worker when the command is gone (its
    parent changes: the command ended, killed with SIGKILL too). A SLURM task does not watch."""
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
