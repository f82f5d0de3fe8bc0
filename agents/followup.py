"""A way of working with one case (a follow-up mode): what the case needs from its adviser each week.

A :class:`FollowupMode` reads its numbers from a ``FollowupModeConfig`` (``domain.modes``): the
three ways of working of the seeds (saksbehandler, hybrid, jobbspesialist) differ only in those
numbers. Practices are hours: a practice (a mentor briefing, a goal-setting talk, a guidance
conversation) is one more item of the week's demand, and its effect happens only when those hours
are granted. A policy that brings a new way of working declares its settings, and may subclass
:class:`FollowupMode` for new behaviour.
"""

from __future__ import annotations

from agents.time_budget import LAST, REGULAR, URGENT, Demand, Work
from domain.states import State
from domain.terms import Activity


class FollowupMode:
    """What one case needs from its adviser each week under one way of working."""

    def __init__(self, name: str, settings, *, close: bool, kappa_adviser: float, kappa_mentor: float,
                 period_weeks: int, wage_subsidy_hours: float):
        self.name = name
        self.settings = settings             # FollowupModeConfig
        self.close = close                   # close follow-up: its hours are protected by leader support
        self.kappa_adviser = kappa_adviser   # share of contact hours an experienced adviser saves
        self.kappa_mentor = kappa_mentor     # share of contact hours a competent mentor saves
        self.period_weeks = period_weeks     # length of a work-training period (a meeting at its end)
        self.wage_subsidy_hours = wage_subsidy_hours

    def tempo(self, cand) -> float:
        """1, or for a mode that scales with time, the adviser's ordinary follow-up intensity."""
        if self.settings.scales_with_time and cand.pathway_adviser is not None:
            return max(0.25, cand.pathway_adviser.ordinary_intensity)
        return 1.0

    def contact_interval(self, weeks_in_training: int, cand=None) -> int:
        c = self.settings
        base = c.contact_interval_early if weeks_in_training < c.early_weeks else c.contact_interval_stable
        if cand is not None and c.scales_with_time:
            return max(1, round(base / self.tempo(cand)))
        return base

    def contacts_per_week(self, cand) -> float:
        return self.settings.employer_contacts_per_week * self.tempo(cand)

    def crisis_lag(self, cand) -> int:
        return round(self.settings.crisis_response_lag_weeks / self.tempo(cand))

    def period_ends(self, cand, week: int) -> bool:
        """This week ends a work-training period (the extension is decided)."""
        return week - cand.training_start > 0 and week - cand.period_start >= self.period_weeks

    def startup_hours(self, cand) -> float:
        """The start-up meeting with the practices of this way of working."""
        c = self.settings
        hours = c.startup_hours + c.subsidy_assessment_hours
        if cand.mentor is None:
            hours += c.mentor_recruitment_hours
        if not cand.employer.informs_colleagues:
            hours += c.colleague_info_hours
        if c.network:
            hours += c.network_agreement_hours
        return hours

    def evaluation_hours(self, cand) -> float:
        c = self.settings
        hours = c.evaluation_hours + c.goal_setting_hours
        if not cand.career_choice_made:
            hours += c.career_guidance_hours
        if cand.mentor is not None:
            hours += c.mentor_continuation_hours
        return hours

    def add_demands(self, cand, week: int, travel: float, items: list[Demand]) -> None:
        """Append this case's demand items for the week to ``items``."""
        c = self.settings
        state = cand.state
        saving = 1.0 - self.kappa_adviser * cand.pathway_adviser.competence
        if state == State.SCREEN:
            items.append(Demand(cand, Work.SCREEN, Activity.ADMIN, 0.5, URGENT))
        elif state == State.MAPPING:
            items.append(Demand(cand, Work.MAPPING, Activity.CANDIDATE_MEETINGS, c.mapping_hours_per_week, REGULAR))
        elif state == State.SEARCH:
            n = self.contacts_per_week(cand)
            if n > 0:
                per_contact = c.hours_per_employer_contact + c.exploitation_check_hours
                items.append(Demand(cand, Work.SEARCH, Activity.EMPLOYER_CONTACT, n * per_contact, LAST))
                if c.field_based and travel > 0:
                    items.append(Demand(cand, Work.SEARCH, Activity.TRAVEL, n * travel, LAST))
        elif state == State.INTERVIEW:
            items.append(Demand(cand, Work.INTERVIEW, Activity.EMPLOYER_CONTACT, c.interview_hours, URGENT))
            items.append(Demand(cand, Work.INTERVIEW, Activity.TRAVEL, travel, URGENT))
        elif state == State.STARTUP:
            items.append(Demand(cand, Work.STARTUP, Activity.EMPLOYER_CONTACT, self.startup_hours(cand), URGENT))
            items.append(Demand(cand, Work.STARTUP, Activity.TRAVEL, travel, URGENT))
        elif state == State.TRAINING:
            self._training_demands(cand, week, travel, saving, items)
        elif state == State.EVALUATION:
            items.append(Demand(cand, Work.EVALUATION, Activity.CANDIDATE_MEETINGS, self.evaluation_hours(cand), URGENT))
            items.append(Demand(cand, Work.EVALUATION, Activity.TRAVEL, travel, URGENT))
        elif state == State.POST_FOLLOWUP:
            if c.post_followup_hours > 0:
                items.append(Demand(cand, Work.POST, Activity.MENTOR_FOLLOWUP, c.post_followup_hours * saving, REGULAR))

    def _training_demands(self, cand, week: int, travel: float, saving: float, items: list[Demand]) -> None:
        c = self.settings
        if cand.crisis and cand.crisis_known_week is not None and week >= cand.crisis_known_week:
            items.append(Demand(cand, Work.CRISIS, Activity.MENTOR_FOLLOWUP, c.crisis_hours * saving, URGENT))
            items.append(Demand(cand, Work.CRISIS, Activity.TRAVEL, travel, URGENT))
        if self.period_ends(cand, week) and c.period_meeting_hours > 0:
            items.append(Demand(cand, Work.PERIOD_MEETING, Activity.EMPLOYER_CONTACT,
                                c.period_meeting_hours + c.goal_setting_hours, URGENT))
            items.append(Demand(cand, Work.PERIOD_MEETING, Activity.TRAVEL, travel, URGENT))
        if cand.wage_subsidy_wanted and self.wage_subsidy_hours > 0:
            items.append(Demand(cand, Work.WAGE_SUBSIDY, Activity.ADMIN, self.wage_subsidy_hours, REGULAR))
        if week >= cand.next_contact_week:
            hours = c.contact_hours * saving
            if cand.mentor is not None:
                hours *= 1.0 - self.kappa_mentor * cand.mentor.competence
            items.append(Demand(cand, Work.CONTACT, Activity.MENTOR_FOLLOWUP, hours, REGULAR))
            if cand.contact_is_visit:
                items.append(Demand(cand, Work.CONTACT, Activity.TRAVEL, travel, REGULAR))
        if c.on_call_hours > 0:
            items.append(Demand(cand, Work.ON_CALL, Activity.MENTOR_FOLLOWUP, c.on_call_hours, REGULAR))
