"""Half of a piece of work done by a forked copy of this process, where a second core is free.

For work that holds the interpreter (drawing figures, composing Hydra configs, writing tables),
threads gain nothing; a forked copy already has everything the work needs (modules, data, figures,
Hydra's state), so nothing is loaded again or sent over except the results.

The copy is made only where that is safe: on Linux, with a second core, and when this process runs
no other Python thread (no lock of another thread can be held in the copy; a sweep's executor is
shut down before its end, ``inclusim.sweep``). Signals are blocked while it is made, and the copy
enters its own ``try`` before it can take one, so it never returns into the caller's code: it does
every other item, sends its results through a pipe and leaves with ``os._exit`` (no exit handler,
no buffer of the parent flushed). Should it fail, or still be working long after this process has
done its own share, it is stopped and this process does its items too: the caller gets the results
(or its own error) as if it had done everything itself.
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import sys
import threading
import time
import warnings
from collections.abc import Callable, Sequence
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

#: How long the copy may still work after this process has done its share: this many times as long
#: as that share took, and at least ``MIN_WAIT_SECONDS``; then its items are done here.
WAIT_FACTOR = 4.0
MIN_WAIT_SECONDS = 60.0

_BLOCKED = {signal.SIGINT, signal.SIGTERM}


def free_cores() -> int:
    """How many cores this process may use where forking a helper is safe (Linux); 1 elsewhere."""
    if not sys.platform.startswith("linux"):
        return 1
    return len(os.sched_getaffinity(0))


def can_fork() -> bool:
    """Whether a forked helper would be safe and useful here: a second core, and no other Python thread."""
    return free_cores() > 1 and threading.active_count() == 1


def shared_map(work: Callable[[Sequence[Item]], list[Result]], items: Sequence[Item]) -> list[Result]:
    """``work(items)``, a result per item in item order, with every other item done by a forked copy
    of this process when there are two items or more and :func:`can_fork` (results must pickle)."""
    items = list(items)
    helper = _fork(work, items[1::2]) if len(items) > 1 and can_fork() else None
    if helper is None:
        return list(work(items))
    started = time.monotonic()
    try:
        mine = list(work(items[0::2]))
    except Exception:
        # the helper finishes (or fails and cleans up after itself) before this error goes on
        _collect(*helper, wait=_patience(started))
        raise
    except BaseException:   # interrupted: stop the helper at once
        _stop(*helper)
        raise
    theirs = _collect(*helper, wait=_patience(started))
    if theirs is None:
        theirs = list(work(items[1::2]))
    merged: list = [None] * len(items)
    merged[0::2], merged[1::2] = mine, theirs
    return merged


def _fork(work, items) -> tuple[int, int] | None:
    """The helper's process id and the end of the pipe its results come through; None if it cannot be made."""
    read_end, write_end = os.pipe()
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, _BLOCKED)
    try:
        with warnings.catch_warnings():
            # no other Python thread runs here (``can_fork``); Python still warns about native threads
            warnings.simplefilter("ignore", DeprecationWarning)
            pid = os.fork()
        if pid == 0:
            _helper(work, items, read_end, write_end, mask)   # never returns
    except OSError:
        os.close(read_end)
        os.close(write_end)
        return None
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
    os.close(write_end)
    return pid, read_end


def _helper(work, items, read_end: int, write_end: int, mask) -> None:
    """The forked copy: do ``items``, send the results, leave (any failure, a signal included: status 1)."""
    status = 1
    try:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        os.close(read_end)
        results = list(work(items))
        with os.fdopen(write_end, "wb") as out:
            pickle.dump(results, out, protocol=pickle.HIGHEST_PROTOCOL)
        status = 0
    finally:
        os._exit(status)


def _patience(started: float) -> float:
    """How long to wait for the helper once this process's share (begun at ``started``) is done."""
    return max(MIN_WAIT_SECONDS, WAIT_FACTOR * (time.monotonic() - started))


def _collect(pid: int, read_end: int, wait: float) -> list | None:
    """The helper's results, or None if it failed or sent nothing within ``wait`` seconds (then it is
    stopped). Interrupted, it stops the helper too: no process is left behind."""
    pipe = os.fdopen(read_end, "rb")
    try:
        ready, _, _ = select.select([pipe], [], [], wait)
        if not ready:
            _stop(pid)
            return None
        data = pipe.read()
    except BaseException:
        _stop(pid)
        raise
    finally:
        pipe.close()
    if not _ended_well(pid):
        return None
    try:
        return pickle.loads(data)
    except Exception:  # noqa: BLE001 - a truncated or broken result: do the items here
        return None


def _ended_well(pid: int) -> bool:
    try:
        _pid, status = os.waitpid(pid, 0)
    except ChildProcessError:   # reaped elsewhere (SIGCHLD ignored): its status is unknown
        return False
    return os.waitstatus_to_exitcode(status) == 0


def _stop(pid: int, read_end: int | None = None) -> None:
    """Stop the helper and wait for it (and close the end of its pipe, if given)."""
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass
    if read_end is not None:
        os.close(read_end)
