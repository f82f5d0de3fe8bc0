"""Named random streams split from one run seed (``numpy.random.SeedSequence``).

Common random numbers: the population, the firms and each candidate's own life events come from
streams that do not depend on the policy, so the same seed gives the same candidates, firms and
personal shocks under every policy, and policy differences can be paired by seed.

* ``population``  who is on the caseloads, their needs, barriers, ages, interests
* ``office``      advisers and their known firms
* ``labour``      the firms
* ``arrivals``    timing and attributes of new users
* ``search``      employer contacts and acceptance
* ``mentors``     mentor draws at start-up
* ``staff``       adviser turnover, firm leader changes
* per candidate   two private streams, indexed by the candidate's serial number:
                  ``life`` for the user's own shocks and ``process`` for everything the follow-up
                  decides (whether a granted contact happens, match, mentor at start-up,
                  evaluation choices). The life stream is a fixed block: one uniform per week and
                  kind of event (:class:`LifeShocks`), so a user's shock of a given kind in a given
                  week is the same under every policy, whatever happened before; only whether it
                  matters (the hazard it is compared with) depends on the follow-up.
* ``network``     attendance at mentor network sessions (kept apart so it does not shift mentors)
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np

STREAM_NAMES = ("population", "office", "labour", "arrivals", "search", "mentors", "staff", "candidates", "network")
LIFE, PROCESS = 0, 1


class Uniforms:
    """Uniform(0,1) draws from a generator, fetched in blocks of 64 (call the instance for the next)."""

    __slots__ = ("_rng", "_buf", "_pos")

    def __init__(self, rng: np.random.Generator):
        self._rng = rng
        self._buf: list[float] = []
        self._pos = 0

    def __call__(self) -> float:
        if self._pos >= len(self._buf):
            self._buf = self._rng.random(64).tolist()
            self._pos = 0
        u = self._buf[self._pos]
        self._pos += 1
        return u


class Streams:
    def __init__(self, seed: int):
        self.seed = int(seed)
        root = np.random.SeedSequence(self.seed)
        children = root.spawn(len(STREAM_NAMES))
        self._seqs = dict(zip(STREAM_NAMES, children, strict=True))
        self.gens = {name: np.random.Generator(np.random.PCG64(seq)) for name, seq in self._seqs.items()
                     if name != "candidates"}

    def __getitem__(self, name: str) -> np.random.Generator:
        return self.gens[name]

    def candidate(self, serial: int, purpose: int = PROCESS) -> np.random.Generator:
        """Private stream (LIFE or PROCESS) of the candidate with this serial number (creation order)."""
        seq = np.random.SeedSequence(self._seqs["candidates"].entropy,
                                     spawn_key=self._seqs["candidates"].spawn_key + (int(serial), int(purpose)))
        return np.random.Generator(np.random.PCG64(seq))


class LifeEvent(IntEnum):
    """The kinds of a user's own shocks; each has its own uniform every week."""

    HIDDEN_NEED = 0    # a hidden need shows at the workplace
    PROBLEM = 1        # a small problem starts
    CONFLICT = 2       # a conflict with colleagues
    CRISIS = 3         # a crisis (psychological, health, life)
    STALL = 4          # a week without progress
    DROPOUT = 5        # the user gives up work training
    EXIT = 6           # leaves NAV follow-up (benefit ends, disability benefit, moves)
    OWN_JOB = 7        # finds a job without a workplace pathway
    JOB_LOSS = 8       # a job (or a subsidised position) ends
    SERVICES = 9       # health and support services respond this week


class LifeShocks:
    """A user's own shocks: a fixed block of one uniform per kind of event and week.

    ``shocks(kind, week)`` is the same number under every policy, so policies meet the same
    shocks in the same weeks (common random numbers); ``first_week(kind, after, p)`` is the first
    later week whose shock falls below a constant weekly hazard ``p`` (the week of a scheduled event).
    """

    __slots__ = ("_rng", "_weeks", "_block")

    def __init__(self, rng: np.random.Generator, horizon_weeks: int):
        self._rng = rng
        self._weeks = horizon_weeks + 1
        self._block: np.ndarray | None = None

    def _draws(self) -> np.ndarray:
        if self._block is None:
            self._block = self._rng.random((len(LifeEvent), self._weeks))
        return self._block

    def __call__(self, kind: LifeEvent, week: int) -> float:
        block = self._block if self._block is not None else self._draws()
        return block.item(kind, week if week < self._weeks else self._weeks - 1)

    def first_week(self, kind: LifeEvent, after: int, weekly_p: float) -> int | None:
        """The first week after ``after`` (up to the horizon) whose shock is below ``weekly_p``; None if none."""
        if weekly_p <= 0.0 or after + 1 >= self._weeks:
            return None
        hits = np.flatnonzero(self._draws()[kind, after + 1:] < weekly_p)
        return int(after + 1 + hits[0]) if hits.size else None
