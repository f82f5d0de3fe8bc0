"""Mentor: a colleague or the leader at the workplace who supports a candidate day to day.

Rules (brief 1.4, 7.2):
* the hours the work takes depend on the candidate's needs and exceed the subsidised hours for
  heavy cases [001:1004]; a mentor adds some unpaid goodwill hours, not unlimited;
* support effect = share of needed hours delivered x competence x authority [003:23];
* strain grows in hard weeks (problems, crises, unpaid hours) and less so when the adviser is in
  contact [001:1574]; above a threshold the mentor withdraws [001:1604];
* competence grows with practice, more with adviser co-creation [001:866], [001:906] and network
  sessions [001:1192];
* proven mentors can be registered for reuse [001:456].

The weekly rules are compiled functions of numbers (``numba``): the work-training phase applies
them to every mentor in one compiled loop (``agents.work_training``); a :class:`Mentor`'s methods
run the same functions as Python for one mentor (``.py_func``). ``rules`` is the mentor section of
the config, or its numbers (``domain.params.numbers_of``).
"""

from __future__ import annotations

import mesa
from numba import njit

from domain.terms import by_need_level


@njit(cache=True)
def hours_needed(rules, kappa_mentor: float, need_hours: float, hidden_revealed: bool, competence: float) -> float:
    """Hours the work takes this week: the need level's hours (``need_hours``), more once a hidden
    need showed, less with a competent mentor [001:1004]."""
    if hidden_revealed:
        need_hours *= rules.hidden_need_hours_mult
    return need_hours * (1.0 - kappa_mentor * competence)


@njit(cache=True)
def support(rules, needed: float, subsidised: float, competence: float, authority: float):
    """(hours delivered, unpaid hours among them, support effect 0-1) for ``needed`` hours; nothing
    needed is full support."""
    if needed <= 0:
        return 0.0, 0.0, 1.0
    available = subsidised + rules.goodwill_hours
    delivered = min(needed, available)
    unpaid = max(0.0, delivered - subsidised)
    w = rules.competence_effect_weight
    effect = (delivered / needed) * (1.0 - w + w * competence) * authority
    return delivered, unpaid, min(1.0, effect)


@njit(cache=True)
def strain_after(rules, strain: float, hard: float, adviser_support: float) -> float:
    """Strain after a week: up in a hard week (less with the adviser in contact: ``adviser_support``
    is that contact's quality, 0 without one), down otherwise."""
    if hard > 0:
        relief = rules.strain_relief_adviser * adviser_support
        return min(1.0, strain + rules.strain_gain * hard * (1.0 - relief))
    return max(0.0, strain - rules.strain_recovery)


@njit(cache=True)
def competence_after(rules, competence: float, co_created: bool) -> float:
    """Competence after a week of practice, more with adviser co-creation [001:866], [001:906]."""
    rate = rules.alpha_practice * (1.0 if co_created else 0.3)
    return competence + rate * (1.0 - competence)


class Mentor(mesa.Agent):
    def __init__(self, model, *, employer, is_leader: bool, competence: float, authority: float, settings,
                 kappa_mentor: float, key: int = 0):
        super().__init__(model)
        self.key = key                    # this mentor's counter-based stream (``domain.rng.MentorDraw``)
        self.settings = settings          # MentorConfig
        self.kappa_mentor = kappa_mentor  # share of needed hours a fully competent mentor saves
        self.employer = employer
        self.is_leader = is_leader
        self.competence = competence
        self.authority = authority
        self.strain = 0.0
        self.in_registry = False
        self.available_from_week = 0
        self.candidate = None
        self.binding_agreement = False
        self.subsidised_hours = 0.0
        self.sessions_attended = 0
        self.candidates_mentored = 0
        self.peer_support_until = -1      # last week of the lift a network session gives

    def hours_needed(self, need_level: str, hidden_revealed: bool) -> float:
        return hours_needed.py_func(self.settings, self.kappa_mentor, by_need_level(self.settings, "hours_needed", need_level),
                                    hidden_revealed, self.competence)

    def support(self, needed: float) -> tuple[float, float, float]:
        """Hours delivered this week, unpaid hours among them, and the support effect (0-1)."""
        return support.py_func(self.settings, needed, self.subsidised_hours, self.competence, self.authority)

    def update_strain(self, hard: float, adviser_support: float) -> None:
        """``adviser_support``: 0 without adviser contact this week, else the contact's quality (0-1)."""
        self.strain = strain_after.py_func(self.settings, self.strain, hard, adviser_support)

    def release(self, pause_weeks: int, week: int) -> None:
        """The pathway this mentor supported ended: free for a new candidate after a pause."""
        self.candidate = None
        self.subsidised_hours = 0.0
        self.available_from_week = week + pause_weeks

    def burned_out(self) -> bool:
        return self.strain > self.settings.burnout_threshold

    def learn(self, co_created: bool) -> None:
        self.competence = competence_after.py_func(self.settings, self.competence, co_created)

    def attend_network(self, week: int) -> None:
        """A network session: competence, strain relief and, for a while, peer problem-solving [001:1192], [001:1640]."""
        self.sessions_attended += 1
        self.peer_support_until = week + self.settings.network_peer_support_weeks
        self.competence += self.settings.network_competence_gain * (1.0 - self.competence)
        self.strain = max(0.0, self.strain - self.settings.network_strain_relief)
