"""Every pool of worker processes the project starts on this machine, from one place.

One executor: loky's (through joblib, which the sweep launcher uses too), with the
``concurrent.futures`` interface. Its workers are fresh Python processes (loky starts them safely
from a process with threads), so a job and its result must pickle.

* :func:`map_in_processes` -- ``[function(job) for job in jobs]``, in order, on several processes:
  the regions of a world (``sim.world``), the runs of validation, calibration, the mechanism and
  contrast studies and the staffing search. With one worker or one job it runs here, in this process.
* :func:`process_pool` -- the executor itself, for work that is handed out as it comes (the
  dashboard's runs).

A sweep's runs go through Hydra's launcher (``conf/hydra/launcher/``): loky on this machine, SLURM on
a cluster. Ctrl+C stops the workers (``inclusim.interrupts``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import Executor

#: How long an idle worker of the shared executor waits for more work before it ends (seconds).
IDLE_SECONDS = 300


def process_pool(workers: int, *, own: bool = False, initializer: Callable[[], object] | None = None) -> Executor:
    """An executor of ``workers`` processes. The shared one (reused by later calls with the same
    settings, its idle workers ending after :data:`IDLE_SECONDS`), or with ``own`` a new one that no
    other call shares: the caller shuts it down (a long-lived server's pool, a benchmark's clean process)."""
    from joblib.externals.loky import ProcessPoolExecutor, get_reusable_executor

    if own:
        return ProcessPoolExecutor(max_workers=workers, initializer=initializer)
    return get_reusable_executor(max_workers=workers, timeout=IDLE_SECONDS, initializer=initializer)


def release_shared_pool() -> None:
    """End the idle workers of the shared executor (the one the sweep launcher used too) and the threads
    that manage it, at once (0.04 s; otherwise after :data:`IDLE_SECONDS`): their memory is freed."""
    from joblib.externals.loky import get_reusable_executor

    # the shared executor, or, if none is left, a new one that has started no process yet
    get_reusable_executor().shutdown(wait=True, kill_workers=True)


def map_in_processes(function: Callable, jobs: Iterable, workers: int, *, own: bool = False,
                     initializer: Callable[[], object] | None = None) -> list:
    """``[function(job) for job in jobs]`` in the order of ``jobs``, on up to ``workers`` processes of
    :func:`process_pool` (here, in this process, when there is one worker or one job). An error of a
    job is raised here; an interrupt cancels the jobs not yet started and is raised here."""
    jobs = list(jobs)
    workers = min(int(workers), len(jobs))
    if workers <= 1:
        return [function(job) for job in jobs]
    pool = process_pool(workers, own=own, initializer=initializer)
    try:
        return list(pool.map(function, jobs))
    finally:
        if own:
            pool.shutdown(wait=True, kill_workers=True)    # done, or stopped by an error: none left behind
