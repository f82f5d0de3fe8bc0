"""Brobygger: an office using all three ways of working, allocating by support need [001:688-694].

Registered small needs get ordinary follow-up, medium needs a hybrid adviser's close follow-up,
large needs a job specialist [001:694]. The hybrid case meeting corrects a wrong registration:
a too-light case goes back to ordinary follow-up, a too-heavy one to a job specialist. A hidden
need that lifts a hybrid case to large moves it to a job specialist.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from domain.modes import CLOSE, TEAM, PolicyConfig, practices_of, saksbehandler_mode
from domain.params import param
from domain.terms import ReviewAction, ScreenDecision, Role
from scenarios.policies.base import Policy, register
from scenarios.policies.hybrid import HybridModes, heavy_case_goes_to_specialist


@dataclass
class BrobyggerConfig(PolicyConfig):
    name: str = param("brobygger", "-", "SEED 001:688-694")
    max_age: int = param(99, "years", "SEED 001:426 (pilots: under 30)", 18, 99,
                         doc="Oldest user a hybrid adviser selects")
    escalate_to_js: bool = param(True, "bool", "SEED 001:776, 001:796",
                                 doc="A hybrid case that a hidden need makes large goes to a job specialist (T3); "
                                     "a case meeting always sends a large need there")
    max_queue: int = param(30, "users", "ASSUMPTION", 0, 10000,
                           doc="Referrals stop while this many users wait for a job specialist")
    modes: HybridModes = field(default_factory=HybridModes)
    needs_close_followup: ClassVar[bool] = True
    needs_job_specialists: ClassVar[bool] = True
    #: Its parts (``policy.without``, ``inclusim explain``): the job-specialist team, close follow-up by
    #: ordinary advisers, and the practices of each (ordinary case work's instead).
    PARTS: ClassVar[dict[str, dict]] = {
        TEAM: {},         # uses_job_specialists is then False (scenarios.policies.base)
        CLOSE: {},        # uses_close_followup is then False
        "close_followup_practices": {"policy": {"modes": {"hybrid": practices_of(saksbehandler_mode())}}},
        "team_practices": {"policy": {"modes": {"jobbspesialist": practices_of(saksbehandler_mode())}}},
    }


@register
class Brobygger(Policy):
    name = "brobygger"
    settings_class = BrobyggerConfig
    close_mode = "hybrid"
    specialist_mode = "jobbspesialist"

    def review(self, cand, staff) -> ReviewAction:
        if cand.registered_need == "large" and staff.has_specialists \
                and staff.queue_length < self.settings.max_queue:
            return ReviewAction.REFER_TO_SPECIALIST
        if cand.registered_need == "medium" and cand.caseload_adviser.role == Role.HYBRID:
            return ReviewAction.NOTHING   # waits for a hybrid slot with its own adviser
        return super().review(cand, staff)   # everyone else: now and then a quick ordinary placement

    def eligible_for_close(self, adviser, cand) -> bool:
        return cand.registered_need == "medium" and cand.age <= self.settings.max_age

    def screen(self, cand, staff) -> ScreenDecision:
        if cand.need_level == "small":
            return ScreenDecision.TOO_LIGHT
        if cand.need_level == "large" and staff.has_specialists:
            return ScreenDecision.TOO_HEAVY
        return ScreenDecision.ACCEPT

    def refer_when_need_revealed(self, cand, staff) -> bool:
        return heavy_case_goes_to_specialist(self, cand, staff)
