"""Half of a piece of work done by a forked copy of this process, where a second core is free.

For work that holds the interpreter (drawing figures, composing Hydra configs), threads gain nothing;
a forked copy already has everything the work needs (modules, data, figures, Hydra's state), so
nothing is loaded again or sent over except the results. The copy does every other item and leaves
with ``os._exit``: it never returns into the caller's code, runs no exit handler and flushes no
buffer of the parent. Should it fail in any way, this process does its items too, so the caller
gets the results (or its own error) as if it had done everything itself.
"""

from __future__ import annotations

import os
import pickle
import sys
import warnings
from collections.abc import Callable, Sequence
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


def free_cores() -> int:
    """How many cores this process may use where forking a helper is safe (Linux); 1 elsewhere."""
    if not sys.platform.startswith("linux"):
        return 1
    return len(os.sched_getaffinity(0))


def shared_map(work: Callable[[Sequence[Item]], list[Result]], items: Sequence[Item]) -> list[Result]:
    """``work(items)``, a result per item in item order, with every other item done by a forked copy
    of this process when there are two items or more and a second core (results must pickle)."""
    items = list(items)
    helper = _fork(work, items[1::2]) if len(items) > 1 and free_cores() > 1 else None
    if helper is None:
        return list(work(items))
    try:
        mine = list(work(items[0::2]))
    finally:
        theirs = _collect(*helper)
    if theirs is None:
        theirs = list(work(items[1::2]))
    merged: list = [None] * len(items)
    merged[0::2], merged[1::2] = mine, theirs
    return merged


def _fork(work, items) -> tuple[int, int] | None:
    """The helper's process id and the end of the pipe its results come through; None if it cannot be made."""
    read_end, write_end = os.pipe()
    try:
        with warnings.catch_warnings():
            # Python warns that a forked copy of a process with threads may deadlock on a lock one of
            # them held; the copy only runs ``work`` and leaves, and ``work`` takes no such lock
            warnings.simplefilter("ignore", DeprecationWarning)
            pid = os.fork()
    except OSError:
        os.close(read_end)
        os.close(write_end)
        return None
    if pid:
        os.close(write_end)
        return pid, read_end
    status = 1
    try:
        os.close(read_end)
        with os.fdopen(write_end, "wb") as out:
            pickle.dump(list(work(items)), out, protocol=pickle.HIGHEST_PROTOCOL)
        status = 0
    finally:
        os._exit(status)


def _collect(pid: int, read_end: int) -> list | None:
    """The helper's results, or None if it failed."""
    with os.fdopen(read_end, "rb") as pipe:
        data = pipe.read()
    _pid, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        return None
    try:
        return pickle.loads(data)
    except Exception:  # noqa: BLE001 - a truncated or broken result: do the items here
        return None
