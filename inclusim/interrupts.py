"""Ctrl+C in a command whose work runs in child processes: one line from the command, nothing from its children.

A terminal's Ctrl+C sends SIGINT to every process of the command. Left to Python, each child
prints its own traceback (an idle pool process waiting for work, a trial that Optuna reports as
failed, a compiled function that turns the interrupt into a ``SystemError``), 100 lines and more
above the command's one line. Here:

* a pool's child processes ignore SIGINT while they wait for work (:func:`ignore_interrupts`,
  their initializer), and take it, as a ``KeyboardInterrupt``, only while they do a job
  (:func:`interruptibly`);
* an interrupt quiets Optuna's log first (:func:`quiet_interrupt`): a trial stopped by Ctrl+C is
  recorded as failed in the study, but not reported as a failure with its traceback;
* the command's process stops its pool (:func:`map_in_processes`): the jobs not yet started are
  cancelled; a child still busy after a moment gets the interrupt itself (SIGINT sent to the
  command alone, ``kill -INT PID``), and one still busy after that is ended.

:func:`interrupted` tells whether an interrupt came, for an error that a compiled function made of it.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Iterable
from contextlib import contextmanager

from infra.executor import process_pool

#: How long the children of a stopped pool get to end on their own, then after an interrupt of their own.
GRACE_SECONDS = (2.0, 10.0)

_interrupted = False


class Terminated(KeyboardInterrupt):
    """SIGTERM (what SLURM, systemd and ``kill`` send), taken as an interrupt: the command ends as after
    Ctrl+C, with one line, its workers stopped and what it finished kept."""


def terminate_as_interrupt(signum, frame) -> None:
    """A SIGTERM handler: :class:`Terminated`, raised where the command's main thread is (after
    :func:`quiet_interrupt`'s quieting of Optuna)."""
    _quiet()
    raise Terminated


def exit_status(interrupt: KeyboardInterrupt) -> int:
    """A shell's exit status for a command ended by this signal: 143 for SIGTERM, 130 for Ctrl+C."""
    return 128 + (signal.SIGTERM if isinstance(interrupt, Terminated) else signal.SIGINT)


def quiet_interrupt(signum, frame) -> None:
    """A SIGINT handler: Optuna's log quieted (if it is loaded), then ``KeyboardInterrupt`` as Python's own."""
    _quiet()
    raise KeyboardInterrupt


def _quiet() -> None:
    """Note that an interrupt came (:func:`interrupted`), and quiet Optuna's log of the trial it stops."""
    global _interrupted
    _interrupted = True
    optuna = sys.modules.get("optuna")
    if optuna is not None:
        optuna.logging.set_verbosity(optuna.logging.ERROR)


def interrupted() -> bool:
    """Whether SIGINT came to this process since :func:`interruptible` was entered."""
    return _interrupted


@contextmanager
def interruptible():
    """Take SIGINT with :func:`quiet_interrupt` inside the block (the handler before it is restored after)."""
    global _interrupted
    _interrupted = False
    previous = signal.signal(signal.SIGINT, quiet_interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def ignore_interrupts() -> None:
    """A pool process's initializer: SIGINT ignored while it waits for work."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def interruptibly(function: Callable, job):
    """``function(job)`` in a pool process, interruptible by SIGINT (:func:`interruptible`)."""
    with interruptible():
        return function(job)


def map_in_processes(function: Callable, jobs: Iterable, workers: int) -> list:
    """``[function(job) for job in jobs]`` on ``workers`` processes of their own
    (``infra.executor``), in order; Ctrl+C cancels the jobs not yet started, stops the workers
    (:func:`stop_children`) and is raised here as ``KeyboardInterrupt``."""
    pool = process_pool(workers, own=True, initializer=ignore_interrupts)
    futures = [pool.submit(interruptibly, function, job) for job in jobs]
    try:
        return [future.result() for future in futures]
    except KeyboardInterrupt:
        for future in futures:
            future.cancel()
        stop_children()
        raise
    finally:
        pool.shutdown(wait=True, kill_workers=True)


def stop_children(grace: tuple[float, float] = GRACE_SECONDS) -> None:
    """End this process's child processes: each gets ``grace[0]`` seconds to end by itself (after an
    interrupt that reached it too), then SIGINT and ``grace[1]`` seconds, then SIGTERM."""
    for wait, then in ((grace[0], signal.SIGINT), (grace[1], signal.SIGTERM)):
        children = multiprocessing.active_children()
        for child in children:
            child.join(wait / max(1, len(children)))
        for child in multiprocessing.active_children():
            try:
                os.kill(child.pid, then)
            except ProcessLookupError:
                pass
    for child in multiprocessing.active_children():
        child.join(grace[1])
