"""Replications for the dashboard: each setting over the same seeds, on worker processes, with progress.

A :class:`Setting` is a label and dotted settings. :func:`run_settings` runs every setting once per
seed (the same seeds for each, so the comparison is paired: the same users and firms under both)
and returns the run tables the analysis reads, with a ``variant`` column naming the setting.
Results are kept in a small cache keyed by the settings and seeds, so the office's current setting
is simulated once however often the leader changes the other one. The same settings and seeds
give identical tables, serial or on workers.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field

import pandas as pd

from domain.params import stable_hash

#: The column naming the setting a run belongs to.
VARIANT = "variant"


@dataclass(frozen=True)
class Setting:
    """A setting to simulate: a label for tables and charts and the dotted config settings."""

    label: str
    settings: tuple[tuple[str, object], ...]

    @classmethod
    def of(cls, label: str, settings: dict) -> Setting:
        return cls(label, tuple(sorted(settings.items())))

    @property
    def key(self) -> str:
        return stable_hash(dict(self.settings))


@dataclass
class Outcome:
    """The run tables of every setting: ``runs`` (one row per run) and ``weekly`` (one row per run and week)."""

    runs: pd.DataFrame
    weekly: pd.DataFrame
    labels: list[str] = field(default_factory=list)


def run_one(job: tuple[dict, int]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One run (in a worker): the runs row and the weekly table of ``settings`` with ``seed``."""
    from inclusim.dashboard.levers import build_config
    from sim.tables import run_model

    settings, seed = job
    result = run_model(build_config({**settings, "seed": seed}))
    return result.runs, result.weekly


_POOL: ProcessPoolExecutor | None = None
_POOL_LOCK = threading.Lock()


def _pool(workers: int) -> ProcessPoolExecutor:
    """One pool of worker processes for the whole dashboard (started on first use)."""
    global _POOL
    with _POOL_LOCK:
        if _POOL is None:
            _POOL = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))
        return _POOL


def _ready() -> bool:
    """Import what a run needs (in a worker: the first real run then starts at once)."""
    import sim.tables  # noqa: F401

    return True


def warm_up(workers: int | None = None) -> None:
    """Start the worker processes and load the model in each, in the background, before the first run."""
    workers = workers or default_workers()
    pool = _pool(workers)
    for _ in range(workers):
        pool.submit(_ready)


def default_workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))


class ResultCache:
    """Run tables by (setting, seed): a setting run once is not run again."""

    def __init__(self, limit: int = 4000):
        self.limit = limit
        self._tables: dict[tuple[str, int], tuple[pd.DataFrame, pd.DataFrame]] = {}
        self._lock = threading.Lock()

    def get(self, key: tuple[str, int]):
        with self._lock:
            return self._tables.get(key)

    def put(self, key: tuple[str, int], tables) -> None:
        with self._lock:
            if len(self._tables) >= self.limit:
                self._tables.pop(next(iter(self._tables)))
            self._tables[key] = tables


CACHE = ResultCache()


#: How often (seconds) a run on the workers looks whether Stop was pressed.
STOP_POLL_SECONDS = 0.5


def _keep(cache: ResultCache, key: tuple[str, int], future) -> None:
    """The tables of a run that was still going when Stop came, into the cache (a failed run is dropped)."""
    if not future.cancelled() and future.exception() is None:
        cache.put(key, future.result())


class RunStopped(Exception):
    """A run stopped by the leader before every replication was done (the finished ones are kept)."""


def run_settings(settings: list[Setting], seeds: list[int], workers: int | None = None,
                 progress: Callable[[int, int], None] | None = None, cache: ResultCache | None = CACHE,
                 stop: Callable[[], bool] | None = None) -> Outcome:
    """Run every setting for every seed; ``progress(done, total)`` is called as runs finish.

    ``workers=1`` runs in this process; more use the shared worker pool. A ConfigError of a bad
    setting is raised before anything runs. ``stop()`` is asked after each finished run: when it says
    so, the runs not yet started are dropped from the pool, the finished ones go into the cache (a
    new run reuses them) and :class:`RunStopped` is raised.
    """
    from inclusim.dashboard.levers import build_config

    for setting in settings:
        build_config(dict(setting.settings))     # refuse a bad setting before any run
    workers = workers or default_workers()
    # each distinct setting and seed once: a choice left as today is not run twice
    jobs = list({(setting.key, seed): (setting, seed) for setting in settings for seed in seeds}.values())
    tables: dict[tuple[str, int], tuple[pd.DataFrame, pd.DataFrame]] = {}
    todo = []
    for setting, seed in jobs:
        cached = cache.get((setting.key, seed)) if cache is not None else None
        if cached is not None:
            tables[(setting.key, seed)] = cached
        else:
            todo.append((setting, seed))
    done = len(jobs) - len(todo)
    if progress:
        progress(done, len(jobs))

    def finished(setting: Setting, seed: int, result) -> None:
        nonlocal done
        tables[(setting.key, seed)] = result
        if cache is not None:
            cache.put((setting.key, seed), result)
        done += 1
        if progress:
            progress(done, len(jobs))

    if workers == 1:
        for setting, seed in todo:
            if stop and stop():
                raise RunStopped(f"stopped after {done} of {len(jobs)} runs")
            finished(setting, seed, run_one((dict(setting.settings), seed)))
    else:
        pool = _pool(workers)
        futures = {pool.submit(run_one, (dict(setting.settings), seed)): (setting, seed) for setting, seed in todo}
        order = {future: position for position, future in enumerate(futures)}
        pending = set(futures)
        while pending:
            # wake at least twice a second, so that Stop is seen while long runs go on
            ready, pending = wait(pending, timeout=STOP_POLL_SECONDS, return_when=FIRST_COMPLETED)
            for future in sorted(ready, key=order.__getitem__):   # in job order
                finished(*futures[future], future.result())
            if stop and pending and stop():
                for future in pending:
                    if not future.cancel() and cache is not None:   # running: its tables go to the cache when done
                        setting, seed = futures[future]
                        future.add_done_callback(lambda f, key=(setting.key, seed): _keep(cache, key, f))
                raise RunStopped(f"stopped after {done} of {len(jobs)} runs")
    return _gather(settings, seeds, tables)


def _gather(settings: list[Setting], seeds: list[int], tables: dict) -> Outcome:
    """The run tables in a fixed order (setting, then seed), each run labelled with its setting."""
    runs, weekly = [], []
    for index, setting in enumerate(settings):
        for seed in seeds:
            run_row, weeks = tables[(setting.key, seed)]
            run_id = f"{index}-{setting.key}-{seed}"
            runs.append(run_row.assign(run_id=run_id, **{VARIANT: setting.label}))
            weekly.append(weeks.assign(run_id=run_id))
    return Outcome(pd.concat(runs, ignore_index=True).copy(), pd.concat(weekly, ignore_index=True),
                   list(dict.fromkeys(setting.label for setting in settings)))
