"""Staffing: who follows each pathway, close-follow-up slots, the job-specialist queue.

``Staff`` holds the advisers, the job specialists, the queue of users referred to a job specialist
(in order) and the heavy cases at a workplace waiting for one; it is also the read-only view a
policy sees when it decides (``has_specialists``, ``queue_length``). :func:`assign` and
:func:`release` are the only places a case is given to or taken from an adviser; a close-follow-up
episode is counted when it ends.
"""

from __future__ import annotations

from collections import Counter

from domain.states import SUCCESS, State
from sim.tally import Tally, close_episode_outcome


class Staff:
    def __init__(self, advisers: list, specialists: list):
        self.advisers = advisers                     # ordinary advisers (saksbehandler and hybrid)
        self.specialists = specialists               # job specialists
        self.all_advisers = advisers + specialists
        self.queue: dict[int, object] = {}           # users referred to a job specialist, in order
        self.awaiting_in_training: dict[int, object] = {}   # heavy cases at a workplace waiting for one

    @property
    def has_specialists(self) -> bool:
        return bool(self.specialists)

    @property
    def queue_length(self) -> int:
        return len(self.queue)

    @property
    def specialist_room(self) -> int:
        """Free places in the job specialists' caseloads, less the users already waiting for one."""
        return sum(max(0, s.free_slots()) for s in self.specialists) - len(self.queue)

    def free_specialist(self):
        """The job specialist with room and the fewest cases (None if all are full)."""
        best = None
        for specialist in self.specialists:
            if specialist.free_slots() > 0 and (best is None or len(specialist.cases) < len(best.cases)):
                best = specialist
        return best


def assign(cand, adviser, mode, week: int, counters: Counter) -> None:
    """Give the case to ``adviser`` under way of working ``mode`` (a close mode takes a slot)."""
    if cand.pathway_adviser is not None and cand.pathway_adviser is not adviser:
        raise RuntimeError(f"candidate {cand.serial}: another adviser still follows the case; release it first")
    cand.pathway_adviser = adviser
    cand.mode = mode
    adviser.cases[cand.unique_id] = cand
    if mode.close and not adviser.is_specialist:    # a hybrid adviser's close-follow-up slot
        if not cand.close:
            adviser.n_close += 1
        cand.close = True
        cand.ever_close = True
        if cand.first_close_week is None:
            cand.first_close_week = week
    if adviser.is_specialist:
        cand.ever_js = True
        cand.close = True
    cand.close_hours_avg = 1.0


def release(cand, outcome: State, counters: Counter) -> None:
    """The adviser stops following the case (``outcome``: the state it leaves for)."""
    adviser = cand.pathway_adviser
    adviser.cases.pop(cand.unique_id, None)
    if cand.close and not adviser.is_specialist:
        adviser.n_close -= 1
        close_episode_ended(outcome, counters)
        if outcome == State.TRANSFER_JS:
            cand.transferred_from_close = True
    cand.close = False
    cand.last_pathway_adviser = adviser
    cand.pathway_adviser = None


def free_close_slot(cand, counters: Counter) -> None:
    """Hired with light post-hire follow-up: the close slot is freed, the adviser keeps the case."""
    if cand.close and not cand.pathway_adviser.is_specialist:
        cand.pathway_adviser.n_close -= 1
        cand.close = False
        close_episode_ended(State.EMPLOYED, counters)


def close_episode_ended(outcome: State, counters: Counter) -> None:
    """A close-follow-up (hybrid slot) episode ended; count how."""
    counters[Tally.CLOSE_EPISODES] += 1
    if outcome in SUCCESS:
        counters[Tally.CLOSE_EPISODES_SUCCESS] += 1
    counters[close_episode_outcome(outcome)] += 1
