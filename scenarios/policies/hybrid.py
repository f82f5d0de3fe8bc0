"""Hybridmodellen: ordinary advisers who follow a few users closely with a mentor [001:660-664].

Each volunteering adviser keeps the ordinary caseload and takes ``office.hybrid_slots`` users into
close follow-up [001:712]. Selection uses NAV's registered need level (which can be wrong) and
favours extensive needs (and, in the pilots, under 30) [001:426]; the case meeting, which sees the
real need, turns away cases that are too light and refers cases that are too heavy (large need with
many barriers) to a job specialist [001:792]. A hidden need that makes a case large also leads to
a transfer [001:776], [001:796]. Everyone else gets ordinary follow-up.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from domain.modes import (CLOSE, TEAM, FollowupModeConfig, OrdinaryModes, PolicyConfig, hybrid_mode, jobbspesialist_mode,
                          practices_of, saksbehandler_mode)
from domain.params import check_choices, param
from domain.states import State
from domain.terms import NEED_LEVELS, ReviewAction, ScreenDecision
from scenarios.policies.base import Policy, register

#: States in which a case can still be handed to a job specialist (T3).
TRANSFERABLE = (State.TRAINING, State.SEARCH, State.MAPPING)


@dataclass
class HybridModes(OrdinaryModes):
    """Ordinary case work, the hybrid advisers' close follow-up, and job specialists for heavy cases."""

    hybrid: FollowupModeConfig = field(default_factory=hybrid_mode)
    jobbspesialist: FollowupModeConfig = field(default_factory=jobbspesialist_mode)


@dataclass
class HybridConfig(PolicyConfig):
    name: str = param("hybrid", "-", "SEED 001:660-664")
    need_levels: list[str] = param(["medium", "large"], "need levels", "SEED 001:426, 001:792",
                                   doc="Registered need levels a hybrid adviser takes into close follow-up")
    max_age: int = param(99, "years", "SEED 001:426 (pilots: under 30)", 18, 99,
                         doc="Oldest user a hybrid adviser selects (29 reproduces the pilots)")
    escalate_to_js: bool = param(True, "bool", "SEED 001:776, 001:792, 001:796",
                                 doc="Hybrid cases that prove too heavy go to a job specialist (T3)")
    escalation_reserve: int = param(3, "places", "SEED-QUAL 001:776 (job specialists as escalation), 001:632 (or more room for "
                                    "advisers); ASSUMPTION", 0, 100,
                                    doc="Job-specialist places kept free for cases that prove too heavy; the rest take referrals of users "
                                        "registered with large needs (positions are not left idle)")
    too_heavy_barriers: int = param(3, "barriers", "SEED-QUAL 001:792, 001:1568 ('for omfattende for hybridmodellen'); "
                                    "ASSUMPTION", 0, 5,
                                    doc="A large-need user with at least this many barriers is too heavy for a hybrid adviser")
    modes: HybridModes = field(default_factory=HybridModes)
    needs_close_followup: ClassVar[bool] = True
    #: Its parts (``policy.without``, ``inclusim explain``): the job-specialist team (its positions to the
    #: ordinary advisers), close follow-up by ordinary advisers, the practices of that follow-up (ordinary
    #: case work's instead), and the referral of users registered with large needs to the team (escalations
    #: of cases that prove too heavy stay).
    PARTS: ClassVar[dict[str, dict]] = {
        TEAM: {},         # uses_job_specialists is then False (scenarios.policies.base)
        CLOSE: {},        # uses_close_followup is then False
        "close_followup_practices": {"policy": {"modes": {"hybrid": practices_of(saksbehandler_mode())}}},
        "referrals_to_team": {"policy": {"escalation_reserve": 100}},
    }

    def check(self, prefix: str) -> None:
        check_choices(f"{prefix}need_levels", self.need_levels, NEED_LEVELS)


@register
class Hybrid(Policy):
    name = "hybrid"
    settings_class = HybridConfig
    close_mode = "hybrid"
    specialist_mode = "jobbspesialist"   # for cases that prove too heavy

    def review(self, cand, staff) -> ReviewAction:
        """Job specialists not needed for escalations take users registered with large needs [001:776]."""
        if cand.registered_need == "large" and staff.specialist_room > self.settings.escalation_reserve:
            return ReviewAction.REFER_TO_SPECIALIST
        return super().review(cand, staff)

    def eligible_for_close(self, adviser, cand) -> bool:
        return cand.registered_need in self.settings.need_levels and cand.age <= self.settings.max_age

    def screen(self, cand, staff) -> ScreenDecision:
        if cand.need_level == "small":
            return ScreenDecision.TOO_LIGHT
        if cand.need_level == "large" and cand.barriers >= self.settings.too_heavy_barriers \
                and self.settings.escalate_to_js and staff.has_specialists:
            return ScreenDecision.TOO_HEAVY   # the same rule as for a hidden need (heavy_case_goes_to_specialist)
        return ScreenDecision.ACCEPT

    def refer_when_need_revealed(self, cand, staff) -> bool:
        return heavy_case_goes_to_specialist(self, cand, staff, min_barriers=self.settings.too_heavy_barriers)


def heavy_case_goes_to_specialist(policy: Policy, cand, staff, min_barriers: int = 0) -> bool:
    """T3: a close case that a hidden need makes too heavy (large, with ``min_barriers`` barriers:
    the rule of the case meeting) goes to a job specialist when the office has one."""
    return (cand.need_level == "large" and cand.barriers >= min_barriers and policy.settings.escalate_to_js
            and staff.has_specialists and cand.mode is not None and cand.mode.name == policy.close_mode
            and cand.state in TRANSFERABLE)
