"""A way of working with one case (a follow-up mode): what the case needs from its adviser each week.

A :class:`FollowupMode` reads its numbers from a ``FollowupModeConfig`` (``domain.modes``): the
three ways of working of the seeds (saksbehandler, hybrid, jobbspesialist) differ only in those
numbers and switches. A policy that brings a new way of working declares its settings, and may
subclass :class:`FollowupMode` for new behaviour.
"""

from __future__ import annotations

from domain.states import State
from domain.terms import Activity
from agents.time_budget import LAST, REGULAR, URGENT, Demand, Work


class FollowupMode:
    """What one case needs from its adviser each week under one way of working."""

    def __init__(self, name: str, settings, *, close: bool, kappa_adviser: float, kappa_mentor: float):
        self.name = name
        self.settings = settings             # FollowupModeConfig
        self.close = close                   # close follow-up: its hours are protected by leader support
        self.kappa_adviser = kappa_adviser   # share of contact hours an experienced adviser saves
        self.kappa_mentor = kappa_mentor     # share of contact hours a competent mentor saves

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
                items.append(Demand(cand, Work.SEARCH, Activity.EMPLOYER_CONTACT, n * c.hours_per_employer_contact, LAST))
                if c.field_based and travel > 0:
                    items.append(Demand(cand, Work.SEARCH, Activity.TRAVEL, n * travel, LAST))
        elif state == State.INTERVIEW:
            items.append(Demand(cand, Work.INTERVIEW, Activity.EMPLOYER_CONTACT, c.interview_hours, URGENT))
            items.append(Demand(cand, Work.INTERVIEW, Activity.TRAVEL, travel, URGENT))
        elif state == State.STARTUP:
            items.append(Demand(cand, Work.STARTUP, Activity.EMPLOYER_CONTACT, c.startup_hours, URGENT))
            items.append(Demand(cand, Work.STARTUP, Activity.TRAVEL, travel, URGENT))
        elif state == State.TRAINING:
            if cand.crisis and cand.crisis_known_week is not None and week >= cand.crisis_known_week:
                items.append(Demand(cand, Work.CRISIS, Activity.MENTOR_FOLLOWUP, c.crisis_hours * saving, URGENT))
                items.append(Demand(cand, Work.CRISIS, Activity.TRAVEL, travel, URGENT))
            if week >= cand.next_contact_week:
                hours = c.contact_hours * saving
                if cand.mentor is not None:
                    hours *= 1.0 - self.kappa_mentor * cand.mentor.competence
                items.append(Demand(cand, Work.CONTACT, Activity.MENTOR_FOLLOWUP, hours, REGULAR))
                if cand.contact_is_visit:
                    items.append(Demand(cand, Work.CONTACT, Activity.TRAVEL, travel, REGULAR))
        elif state == State.EVALUATION:
            items.append(Demand(cand, Work.EVALUATION, Activity.CANDIDATE_MEETINGS, c.evaluation_hours, URGENT))
            items.append(Demand(cand, Work.EVALUATION, Activity.TRAVEL, travel, URGENT))
        elif state == State.POST_FOLLOWUP:
            if c.post_followup_hours > 0:
                items.append(Demand(cand, Work.POST, Activity.MENTOR_FOLLOWUP, c.post_followup_hours * saving, REGULAR))
