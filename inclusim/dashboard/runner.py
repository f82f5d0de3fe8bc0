"""Replications for the dashboard: each setting over the same seeds, on worker processes, with progress.

A :class:`Setting` is a label and dotted settings. :func:`run_settings` runs every setting once per
seed (the same seeds for each, so the comparison is paired: the same users and firms under both)
and returns the run tables the analysis reads, with a ``variant`` column naming the setting.
Results are kept in a small cache keyed by the settings and seeds, so the office's current setting
is simulated once however often the leader changes the other one. The same settings and seeds
give identical tables, serial or on workers.
"""

from __future__ import annotations

import math
import os
import threading
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Executor, wait
from dataclasses import dataclass, field

import pandas as pd

from domain.params import refuse, stable_hash
from infra.executor import process_pool

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


_POOL: Executor | None = None
_POOL_LOCK = threading.Lock()


def _pool(workers: int) -> Executor:
    """One pool of worker processes for the whole dashboard (started on first use)."""
    global _POOL
    with _POOL_LOCK:
        if _POOL is None:
            _POOL = process_pool(workers, own=True)     # the dashboard's own, for as long as the server runs
        return _POOL


def _ready() -> bool:
    """Import what a run needs (in a worker: the first real run then starts at once)."""
    import sim.tables  # noqa: F401

    return True


def warm_up(workers: int | None = None) -> None:
    """Start the worker processes and load the model in each, in the background, before the first run.

    The server calls it as it starts, before any page opens: the pool's own threads keep the
    Solara session (kernel) they are started in, and the pool lives as long as the server, so a
    pool started from a page would keep that page's session, and all it holds, for good."""
    workers = workers or default_workers()
    pool = _pool(workers)
    for _ in range(workers):
        pool.submit(_ready)


def default_workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))


# What a run costs, measured on the 2-core development machine (docs/dashboard.md, "Limits"): the
# memory and time of a run grow with the users the model follows through their pathway (the target
# group at the start and the inflow over the horizon), and its memory also with every user on the
# caseloads (the users outside the target group are simulated too, in columns). The memory figures
# are set above every measured run (a fresh worker process's peak, less what it held before the run:
# 109-158 MB for 20,020 users on the caseloads, 217-315 MB for 80,080; 2026-12-07).
#: A run's own memory in a worker, beyond the loaded model: a base, so much per user followed and so
#: much per user on the caseloads.
RUN_MEMORY_BASE, RUN_MEMORY_PER_USER, RUN_MEMORY_PER_CASELOAD_USER = 80e6, 16e3, 2e3
#: What each worker process holds once it has loaded the model, before any run (measured 269 MB); the
#: pool keeps :func:`default_workers` of them whatever a run asks.
WORKER_BASE_BYTES = 300e6
#: A run's tables as kept in the cache and on the page (runs row and weekly table), whatever its size.
RUN_RESULT_BYTES = 130e3
#: A run's time on one worker: a base and so much per user followed.
RUN_SECONDS_BASE, RUN_SECONDS_PER_USER = 0.5, 1e-3
#: The most a run of the dashboard may take: its memory at once (the worker processes with one run
#: each, and the tables kept), and its time on the workers.
MEMORY_LIMIT_BYTES = 2 * 1024**3
TIME_LIMIT_SECONDS = 15 * 60
#: The rules a run's size can break (said on the page in its language, with the lever named).
MEMORY_RULE = ("a run would need about {need} MB of memory ({workers} runs at once, {each} MB each, and {base} MB "
               "for the worker processes); the dashboard allows {limit} MB: fewer users")
TIME_RULE = ("{runs} runs would take about {minutes} minutes on {workers} worker processes; the dashboard allows "
             "{limit} minutes: fewer replications or users")
#: The rules of the week-by-week page, whose models live in the server itself (:class:`HeldModels`).
WEEK_MEMORY_RULE = ("the week-by-week page would hold about {each} MB of memory in the server for this run; the "
                    "dashboard allows {limit} MB for the week pages together: fewer users")
WEEK_SHARED_RULE = ("the week-by-week page would hold about {each} MB of memory in the server for this run, and the "
                    "other open week pages ({pages}) hold {held} MB of the {limit} MB the dashboard allows for them "
                    "together: fewer users, or again when one of them is closed")
SIZE_RULES = (MEMORY_RULE, TIME_RULE, WEEK_MEMORY_RULE, WEEK_SHARED_RULE)


def memory_limit() -> float:
    """:data:`MEMORY_LIMIT_BYTES`, or half of this machine's memory when that is less."""
    try:
        physical = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return MEMORY_LIMIT_BYTES
    return min(MEMORY_LIMIT_BYTES, physical / 2)


def week_memory_limit() -> float:
    """The most memory the week-by-week pages' models may hold in the server together: half of :func:`memory_limit`."""
    return memory_limit() / 2


def followed_users(settings: dict) -> int:
    """The users a run of dotted ``settings`` follows: the target group on the caseloads at the start
    and the inflow over the horizon, in every office."""
    from inclusim.dashboard.levers import build_config
    from inclusim.staffing import office_users

    cfg = build_config(settings)
    _users, target = office_users(cfg)
    return int(cfg.world.n_offices * (target + cfg.population.inflow_per_week * cfg.horizon_weeks))


@dataclass(frozen=True)
class RunSize:
    """What a run of the dashboard would cost, estimated: ``runs`` (settings x seeds, each once),
    ``users`` (the most users one of them follows), memory (bytes: ``memory_each`` a run's own,
    ``memory`` all of it, the worker processes' ``base`` included) and time (seconds) on ``workers``."""

    runs: int
    users: int
    workers: int
    memory_each: float
    memory: float
    seconds: float
    base: float = 0.0


def run_memory(users: int, caseload_users: int = 0) -> float:
    """A run's own memory (bytes) when it follows ``users`` users with ``caseload_users`` users on
    its caseloads: in a worker, or a week page's model in the server."""
    return RUN_MEMORY_BASE + RUN_MEMORY_PER_USER * users + RUN_MEMORY_PER_CASELOAD_USER * caseload_users


def caseload_users(settings: dict) -> int:
    """The users on the caseloads of a run of dotted ``settings`` at the start, in every office."""
    from inclusim.dashboard.levers import build_config
    from inclusim.staffing import office_users

    cfg = build_config(settings)
    return int(cfg.world.n_offices * office_users(cfg)[0])


def run_size(settings: list[Setting], seeds: list[int], workers: int | None = None) -> RunSize:
    """The estimated size of :func:`run_settings` of ``settings`` over ``seeds`` (cached runs counted too)."""
    workers = workers or default_workers()
    users = {setting.key: followed_users(dict(setting.settings)) for setting in settings}
    runs = len(users) * len(seeds)
    each = max((run_memory(users[s.key], caseload_users(dict(s.settings))) for s in settings), default=run_memory(0))
    base = workers * WORKER_BASE_BYTES
    memory = base + min(workers, runs) * each + runs * RUN_RESULT_BYTES
    seconds = sum(RUN_SECONDS_BASE + RUN_SECONDS_PER_USER * n for n in users.values()) * len(seeds) / workers
    return RunSize(runs, max(users.values(), default=0), workers, each, memory, seconds, base)


def check_size(settings: list[Setting], seeds: list[int], workers: int | None = None, users=None) -> RunSize:
    """The estimated size of the run; a ConfigError when its memory (naming the users lever, with
    ``users``, the value the leader gave, or else the users followed) or its time (naming the
    replications) is above the dashboard's limits."""
    size = run_size(settings, seeds, workers)
    limit = memory_limit()
    mb = 1e6
    if size.memory > limit:
        refuse("users", size.users if users is None else users, MEMORY_RULE, need=round(size.memory / mb),
               workers=min(size.workers, size.runs), each=round(size.memory_each / mb), base=round(size.base / mb),
               limit=round(limit / mb))
    if size.seconds > TIME_LIMIT_SECONDS:
        refuse("replications", len(seeds), TIME_RULE, runs=size.runs, minutes=math.ceil(size.seconds / 60),
               workers=size.workers, limit=TIME_LIMIT_SECONDS // 60)
    return size


class HeldModels:
    """The models the week-by-week pages hold in the server, by page (its kernel id): at most one a
    page, and together at most :func:`week_memory_limit` by their estimated memory (:func:`run_memory`).

    A page reserves its model's memory before building it (:meth:`reserve`, refused when it would
    not fit beside the others') and releases it when the model goes (:meth:`release`: the page
    closed, left, or built another model)."""

    def __init__(self):
        self._held: dict[str, tuple[str, float]] = {}     # page -> (model key, bytes)
        self._lock = threading.Lock()

    def reserve(self, page: str, key: str, users: int, shown_users=None, limit: float | None = None,
                caseload: int = 0) -> float:
        """Hold the memory of a model that follows ``users`` users (``caseload`` on its caseloads),
        called ``key``, for ``page`` (in place of any the page held); its estimated bytes. A
        ConfigError naming the users lever (with ``shown_users``, the value the leader gave) when it
        does not fit."""
        limit = week_memory_limit() if limit is None else limit
        each = run_memory(users, caseload)
        mb = 1e6
        with self._lock:
            others = [size for other, (_key, size) in self._held.items() if other != page]
            value = users if shown_users is None else shown_users
            if each > limit:
                refuse("users", value, WEEK_MEMORY_RULE, each=round(each / mb), limit=round(limit / mb))
            if sum(others) + each > limit:
                refuse("users", value, WEEK_SHARED_RULE, each=round(each / mb), pages=len(others),
                       held=round(sum(others) / mb), limit=round(limit / mb))
            self._held[page] = (key, each)
        return each

    def release(self, page: str, key: str | None = None) -> None:
        """``page`` holds no model any more (only if it still holds the one called ``key``, when given)."""
        with self._lock:
            if page in self._held and (key is None or self._held[page][0] == key):
                del self._held[page]

    def held(self) -> dict[str, tuple[str, float]]:
        """page -> (model key, bytes) of every model held."""
        with self._lock:
            return dict(self._held)


#: The week pages' models of this server.
WEEK_MODELS = HeldModels()


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


class RunStopped(Exception):
    """A run stopped by the leader before every replication was done (the finished ones are kept)."""


def run_settings(settings: list[Setting], seeds: list[int], workers: int | None = None,
                 progress: Callable[[int, int], None] | None = None, cache: ResultCache | None = CACHE,
                 stop: Callable[[], bool] | None = None, stopping: Callable[[int], None] | None = None) -> Outcome:
    """Run every setting for every seed; ``progress(done, total)`` is called as runs finish.

    ``workers=1`` runs in this process; more use the shared worker pool. A ConfigError of a bad
    setting, or of a run too large for the dashboard (:func:`check_size`), is raised before anything
    runs. ``stop()`` is asked at least twice a second: when it says so, the runs not yet started are
    dropped from the pool, ``stopping(n)`` is told how many are already running on the workers (a
    worker cannot be interrupted in a run), those are waited for, and :class:`RunStopped` is raised
    once none of this call's runs is left on the workers. Every finished run goes into the cache (a
    new run reuses it).
    """
    from inclusim.dashboard.levers import build_config

    for setting in settings:
        build_config(dict(setting.settings))     # refuse a bad setting before any run
    workers = workers or default_workers()
    check_size(settings, seeds, workers)
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
        waiting = list(todo)        # not yet given to the workers, in job order
        going: dict = {}            # on the workers: future -> (setting, seed), in the order given

        def give() -> None:
            # no more runs on the workers than workers, so that Stop drops every run not yet started
            while waiting and len(going) < workers:
                setting, seed = waiting.pop(0)
                going[pool.submit(run_one, (dict(setting.settings), seed))] = (setting, seed)

        try:
            give()
            while going:
                # wake at least twice a second, so that Stop is seen while long runs go on
                ready, _ = wait(list(going), timeout=STOP_POLL_SECONDS, return_when=FIRST_COMPLETED)
                for future in [future for future in going if future in ready]:     # in job order
                    finished(*going.pop(future), future.result())
                if stop and (going or waiting) and stop():
                    waiting.clear()
                    running = [future for future in going if not future.cancel()]
                    if stopping:
                        stopping(len(running))
                    wait(running)      # no run of this call is left on the workers when the call returns
                    for future in running:
                        if future.exception() is None:     # kept, as every finished run (a failed one is dropped)
                            finished(*going[future], future.result())
                    going.clear()
                    raise RunStopped(f"stopped after {done} of {len(jobs)} runs")
                give()
        finally:
            for future in going:      # a run failed: the others are dropped
                future.cancel()
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
