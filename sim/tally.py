"""The run's counts of things that are not states: contacts, refusals, reviews, episodes, turnovers, ...

Kept in ``model.counters`` (a ``collections.Counter``) under these names and read by ``sim.kpis``.
"""

from __future__ import annotations

from enum import StrEnum

from domain.states import State


class Tally(StrEnum):
    EMPLOYER_CONTACTS = "employer_contacts"
    EMPLOYER_REFUSALS = "employer_refusals"
    REVIEWS_DONE = "reviews_done"
    REVIEWS_POSTPONED = "reviews_postponed"
    ARRIVALS_ABOVE_CAP = "arrivals_above_cap"           # new users given to an adviser whose caseload was full
    CLOSE_EPISODES = "close_episodes"                   # close-follow-up (hybrid slot) episodes that ended
    CLOSE_EPISODES_SUCCESS = "close_episodes_success"   # ... in work, an apprenticeship or education
    CLOSE_CASE_WEEKS = "hybrid_case_weeks"              # weeks of close cases whose way of working can drift
    CLOSE_CASE_WEEKS_DRIFTED = "hybrid_case_weeks_drifted"
    MENTOR_BURNOUTS = "mentor_burnouts"
    MENTOR_DEPARTURES = "mentor_departures"             # mentors who moved or left the firm
    MENTOR_CALLS = "mentor_calls"                       # a mentor called the adviser about a problem
    MENTOR_CALLS_ANSWERED = "mentor_calls_answered"
    NETWORK_SESSIONS = "network_sessions"
    ADVISER_TURNOVERS = "adviser_turnovers"


def close_episode_outcome(outcome: State) -> str:
    """The count of close-follow-up episodes that ended in ``outcome``."""
    return f"close_episode_{outcome.name.lower()}"
