"""Jobbspesialistmodellen: Supported Employment / IPS inside the office [001:623-625], [001:654-658].

Activity reviews refer users to the job-specialist team (zero exclusion by default) while the
referral queue is short; job specialists take users from the queue when they have room under the
caseload cap of 20 (EVID F1). Users waiting in the queue stay in ordinary follow-up.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from domain.modes import (TEAM, FollowupModeConfig, OrdinaryModes, PolicyConfig, jobbspesialist_mode, practices_of,
                          saksbehandler_mode)
from domain.params import check_choices, param
from domain.terms import NEED_LEVELS, ReviewAction
from scenarios.policies.base import Policy, register


@dataclass
class SpecialistModes(OrdinaryModes):
    """Ordinary case work and the job specialists' way of working."""

    jobbspesialist: FollowupModeConfig = field(default_factory=jobbspesialist_mode)


@dataclass
class JobbspesialistConfig(PolicyConfig):
    name: str = param("jobbspesialist", "-", "SEED 001:623-625, 001:654-658")
    need_levels: list[str] = param(["small", "medium", "large"], "need levels", "SEED-QUAL 001:623 (IPS zero exclusion)",
                                   doc="Registered need levels an activity review refers to the job specialists")
    max_queue: int = param(30, "users", "ASSUMPTION", 0, 10000,
                           doc="Referrals stop while this many users wait for a job specialist")
    modes: SpecialistModes = field(default_factory=SpecialistModes)
    needs_job_specialists: ClassVar[bool] = True
    #: Its parts (``policy.without``, ``inclusim explain``): the job-specialist team (its positions to the
    #: ordinary advisers), and the team's practices (ordinary case work's instead, at the team's caseload).
    PARTS: ClassVar[dict[str, dict]] = {
        TEAM: {},         # uses_job_specialists is then False (scenarios.policies.base)
        "team_practices": {"policy": {"modes": {"jobbspesialist": practices_of(saksbehandler_mode())}}},
    }

    def check(self, prefix: str) -> None:
        check_choices(f"{prefix}need_levels", self.need_levels, NEED_LEVELS)


@register
class Jobbspesialist(Policy):
    name = "jobbspesialist"
    settings_class = JobbspesialistConfig
    specialist_mode = "jobbspesialist"

    def review(self, cand, staff) -> ReviewAction:
        if cand.registered_need in self.settings.need_levels and staff.has_specialists \
                and staff.queue_length < self.settings.max_queue:
            return ReviewAction.REFER_TO_SPECIALIST
        return super().review(cand, staff)
