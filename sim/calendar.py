"""The calendar: the week of a user's next event while nothing else happens to them.

Users in ordinary follow-up, waiting for a job specialist, employed without follow-up, retained,
or resting after a failed attempt are not stepped every week: the week of their next event is
drawn from its constant weekly hazard and written here. An entry is void once the user's state has
changed since it was made (``Candidate.schedule_version``). Due entries fire in phase 1 in the
order they were made.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from enum import Enum


class Due(Enum):
    REVIEW = "review"        # activity review of a user in ordinary follow-up
    EXIT = "exit"            # leaves NAV follow-up (benefits end, disability benefit, moving away)
    RETURN = "return"        # back to ordinary follow-up after a rest
    JOB_LOSS = "job_loss"    # the job of an employed user without follow-up ends
    OWN_JOB = "own_job"      # finds a job without a workplace pathway


class Calendar:
    def __init__(self, horizon_weeks: int):
        self.horizon_weeks = horizon_weeks
        self._entries: dict[int, list] = defaultdict(list)

    def schedule(self, cand, week: int, what: Due) -> None:
        if week <= self.horizon_weeks:
            self._entries[week].append((cand, cand.schedule_version, what))

    def due(self, week: int) -> Iterator[tuple[object, Due]]:
        """This week's entries that are still valid, each checked just before it fires."""
        for cand, version, what in self._entries.pop(week, ()):
            if version == cand.schedule_version:
                yield cand, what
