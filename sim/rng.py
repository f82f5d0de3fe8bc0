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
* per candidate   a private stream for that candidate's own weekly events (problems, stalls,
                  crises, hazards, hidden needs), indexed by the candidate's serial number
"""

from __future__ import annotations

import numpy as np

STREAM_NAMES = ("population", "office", "labour", "arrivals", "search", "mentors", "staff", "candidates")


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

    def candidate(self, serial: int) -> np.random.Generator:
        """Private stream of the candidate with this serial number (0, 1, 2, ... in creation order)."""
        seq = np.random.SeedSequence(self._seqs["candidates"].entropy,
                                     spawn_key=self._seqs["candidates"].spawn_key + (int(serial),))
        return np.random.Generator(np.random.PCG64(seq))
