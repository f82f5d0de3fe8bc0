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
"""

from __future__ import annotations

import mesa

from domain.terms import by_need_level


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
        base = by_need_level(self.settings, "hours_needed", need_level)
        if hidden_revealed:
            base *= self.settings.hidden_need_hours_mult
        return base * (1.0 - self.kappa_mentor * self.competence)

    def support(self, needed: float) -> tuple[float, float, float]:
        """Hours delivered this week, unpaid hours among them, and the support effect (0-1)."""
        if needed <= 0:
            return 0.0, 0.0, 1.0
        available = self.subsidised_hours + self.settings.goodwill_hours
        delivered = min(needed, available)
        unpaid = max(0.0, delivered - self.subsidised_hours)
        w = self.settings.competence_effect_weight
        effect = (delivered / needed) * (1.0 - w + w * self.competence) * self.authority
        return delivered, unpaid, min(1.0, effect)

    def update_strain(self, hard: float, adviser_support: float) -> None:
        """``adviser_support``: 0 without adviser contact this week, else the contact's quality (0-1)."""
        rules = self.settings
        if hard > 0:
            relief = rules.strain_relief_adviser * adviser_support
            self.strain = min(1.0, self.strain + rules.strain_gain * hard * (1.0 - relief))
        else:
            self.strain = max(0.0, self.strain - rules.strain_recovery)

    def release(self, pause_weeks: int, week: int) -> None:
        """The pathway this mentor supported ended: free for a new candidate after a pause."""
        self.candidate = None
        self.subsidised_hours = 0.0
        self.available_from_week = week + pause_weeks

    def burned_out(self) -> bool:
        return self.strain > self.settings.burnout_threshold

    def learn(self, co_created: bool) -> None:
        a = self.settings.alpha_practice * (1.0 if co_created else 0.3)
        self.competence += a * (1.0 - self.competence)

    def attend_network(self, week: int) -> None:
        """A network session: competence, strain relief and, for a while, peer problem-solving [001:1192], [001:1640]."""
        self.sessions_attended += 1
        self.peer_support_until = week + self.settings.network_peer_support_weeks
        self.competence += self.settings.network_competence_gain * (1.0 - self.competence)
        self.strain = max(0.0, self.strain - self.settings.network_strain_relief)
