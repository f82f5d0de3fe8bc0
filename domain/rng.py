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
                  ``life`` for the user's own events (hidden needs showing, small problems,
                  conflicts, crises, stalls, dropout, exits, own job, job loss) and ``process`` for
                  everything the follow-up decides (whether a granted contact happens, match,
                  mentor at start-up, evaluation choices). The n-th life draw of a user is the same
                  under every policy; it may fall in another week, because a policy changes how
                  long a user spends in each state.
* ``network``     attendance at mentor network sessions (kept apart so it does not shift mentors)
"""

from __future__ import annotations

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
