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

The weekly rules are functions of numbers that work as well on arrays (a value per mentor): the
work-training phase applies them to every mentor at once (``agents.work_training``), a
:class:`Mentor`'s methods to one.
"""

from __future__ import annotations

import mesa
import numpy as np

from domain.terms import NEED_LEVELS, by_need_level


def hours_needed(rules, kappa_mentor: float, need_hours, hidden_revealed, competence):
    """Hours the work takes this week: the need level's hours (``need_hours``), more once a hidden
    need showed, less with a competent mentor [001:1004]."""
    return need_hours * (1.0 + (rules.hidden_need_hours_mult - 1.0) * hidden_revealed) \
        * (1.0 - kappa_mentor * competence)


def need_hours_table(rules) -> np.ndarray:
    """``hours_needed_<level>`` by need level, in the order of ``NEED_LEVELS``."""
    return np.array([by_need_level(rules, "hours_needed", level) for level in NEED_LEVELS])


def support(rules, needed, subsidised, competence, authority):
    """(hours delivered, unpaid hours among them, support effect 0-1) for ``needed`` hours; nothing
    needed is full support."""
    available = subsidised + rules.goodwill_hours
    delivered = np.minimum(needed, available)
    unpaid = np.maximum(0.0, delivered - subsidised)
    w = rules.competence_effect_weight
    asked = np.maximum(needed, 1e-300)
    effect = np.minimum(1.0, (delivered / asked) * (1.0 - w + w * competence) * authority)
    none = needed <= 0
    return (np.where(none, 0.0, delivered), np.where(none, 0.0, unpaid), np.where(none, 1.0, effect))


def strain_after(rules, strain, hard, adviser_support):
    """Strain after a week: up in a hard week (less with the adviser in contact: ``adviser_support``
    is that contact's quality, 0 without one), down otherwise."""
    relief = rules.strain_relief_adviser * adviser_support
    return np.where(hard > 0, np.minimum(1.0, strain + rules.strain_gain * hard * (1.0 - relief)),
                    np.maximum(0.0, strain - rules.strain_recovery))


def competence_after(rules, competence, co_created):
    """Competence after a week of practice, more with adviser co-creation [001:866], [001:906]."""
    rate = rules.alpha_practice * np.where(co_created, 1.0, 0.3)
    return competence + rate * (1.0 - competence)


class Mentor(mesa.Agent):
    def __init__(self, model, *, employer, is_leader: bool, competence: float, authority: float, settings,
                 kappa_mentor: float):
        super().__init__(model)
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
        return float(hours_needed(self.settings, self.kappa_mentor, by_need_level(self.settings, "hours_needed", need_level),
                                  hidden_revealed, self.competence))

    def support(self, needed: float) -> tuple[float, float, float]:
        """Hours delivered this week, unpaid hours among them, and the support effect (0-1)."""
        delivered, unpaid, effect = support(self.settings, needed, self.subsidised_hours, self.competence, self.authority)
        return float(delivered), float(unpaid), float(effect)

    def update_strain(self, hard: float, adviser_support: float) -> None:
        """``adviser_support``: 0 without adviser contact this week, else the contact's quality (0-1)."""
        self.strain = float(strain_after(self.settings, self.strain, hard, adviser_support))

    def release(self, pause_weeks: int, week: int) -> None:
        """The pathway this mentor supported ended: free for a new candidate after a pause."""
        self.candidate = None
        self.subsidised_hours = 0.0
        self.available_from_week = week + pause_weeks

    def burned_out(self) -> bool:
        return self.strain > self.settings.burnout_threshold

    def learn(self, co_created: bool) -> None:
        self.competence = float(competence_after(self.settings, self.competence, co_created))

    def attend_network(self, week: int) -> None:
        """A network session: competence, strain relief and, for a while, peer problem-solving [001:1192], [001:1640]."""
        self.sessions_attended += 1
        self.peer_support_until = week + self.settings.network_peer_support_weeks
        self.competence += self.settings.network_competence_gain * (1.0 - self.competence)
        self.strain = max(0.0, self.strain - self.settings.network_strain_relief)
