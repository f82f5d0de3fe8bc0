"""A way of working with one case (a follow-up mode): what the case needs from its adviser each week.

A :class:`FollowupMode` reads its numbers from a ``FollowupModeConfig`` (``domain.modes``): the
three ways of working of the seeds (saksbehandler, hybrid, jobbspesialist) differ only in those
numbers. Practices are hours: a practice (a mentor briefing, a goal-setting talk, a guidance
conversation) is one more item of the week's demand, and its effect happens only when those hours
are granted. A policy that brings a new way of working declares its settings.

The week's demand of a case (:func:`case_demands`) and the rules it shares with the other phases
(:func:`tempo`, :func:`period_ends`) are compiled (``numba``), because the advisers' weeks are
planned for all of them at once (``agents.week_plan``); a method of :class:`FollowupMode` runs the
same function as Python for one case (``.py_func``), so each rule has one home.
"""

from __future__ import annotations

from numba import njit

from agents.time_budget import LAST, REGULAR, URGENT, Work, work_code
from domain.states import State
from domain.terms import Activity


#: Work codes and activities as the compiled rules see them (plain integers).
_SCREEN, _MAPPING, _SEARCH, _INTERVIEW, _STARTUP, _CONTACT, _CRISIS, _EVALUATION, _POST, _PERIOD_MEETING, \
    _WAGE_SUBSIDY, _ON_CALL = (work_code(kind) for kind in (
        Work.SCREEN, Work.MAPPING, Work.SEARCH, Work.INTERVIEW, Work.STARTUP, Work.CONTACT, Work.CRISIS, Work.EVALUATION,
        Work.POST, Work.PERIOD_MEETING, Work.WAGE_SUBSIDY, Work.ON_CALL))
_ADMIN, _CANDIDATE_MEETINGS, _EMPLOYER_CONTACT, _MENTOR_FOLLOWUP, _TRAVEL = (int(a) for a in (
    Activity.ADMIN, Activity.CANDIDATE_MEETINGS, Activity.EMPLOYER_CONTACT, Activity.MENTOR_FOLLOWUP, Activity.TRAVEL))
_S_SCREEN, _S_MAPPING, _S_SEARCH, _S_INTERVIEW, _S_STARTUP, _S_TRAINING, _S_EVALUATION, _S_POST = (int(s) for s in (
    State.SCREEN, State.MAPPING, State.SEARCH, State.INTERVIEW, State.STARTUP, State.TRAINING, State.EVALUATION,
    State.POST_FOLLOWUP))


@njit(cache=True)
def tempo(scales_with_time: bool, has_adviser: bool, ordinary_intensity: float) -> float:
    """1, or for a way of working that scales with time, the adviser's ordinary follow-up intensity
    (at least a quarter)."""
    if scales_with_time and has_adviser:
        return max(0.25, ordinary_intensity)
    return 1.0


@njit(cache=True)
def period_ends(week: int, training_start: int, period_start: int, period_weeks: int) -> bool:
    """This week ends a work-training period (the extension is decided)."""
    return week - training_start > 0 and week - period_start >= period_weeks


@njit(inline="always")   # inlined where it is written: compiled once per call site, not per constant
def _put(items, n, kind, activity, hours, tier):
    """Write one demand item (work code, activity, hours, tier) at row ``n`` of ``items``; the next row."""
    items[n, 0] = kind
    items[n, 1] = activity
    items[n, 2] = hours
    items[n, 3] = tier
    return n + 1


@njit(cache=True)
def case_demands(c, kappa_adviser, kappa_mentor, period_weeks, wage_subsidy_hours, week, travel, adviser_competence,
                 ordinary_intensity, state, has_mentor, mentor_competence, informs_colleagues, crisis, crisis_known_week,
                 training_start, period_start, wage_subsidy_wanted, next_contact_week, contact_is_visit,
                 career_choice_made, items, n):
    """The week's demand items of one case under the way of working whose settings record is ``c``,
    written from row ``n`` of ``items`` (columns: work code, activity, hours, tier); returns the row
    after the last. ``crisis_known_week`` is -1 while the adviser does not know of a crisis."""
    saving = 1.0 - kappa_adviser * adviser_competence
    if state == _S_SCREEN:
        n = _put(items, n, _SCREEN, _ADMIN, 0.5, URGENT)
    elif state == _S_MAPPING:
        n = _put(items, n, _MAPPING, _CANDIDATE_MEETINGS, c.mapping_hours_per_week, REGULAR)
    elif state == _S_SEARCH:
        contacts = c.employer_contacts_per_week * tempo(c.scales_with_time > 0, True, ordinary_intensity)
        if contacts > 0:
            per_contact = c.hours_per_employer_contact + c.exploitation_check_hours
            n = _put(items, n, _SEARCH, _EMPLOYER_CONTACT, contacts * per_contact, LAST)
            if c.field_based > 0 and travel > 0:
                n = _put(items, n, _SEARCH, _TRAVEL, contacts * travel, LAST)
    elif state == _S_INTERVIEW:
        n = _put(items, n, _INTERVIEW, _EMPLOYER_CONTACT, c.interview_hours, URGENT)
        n = _put(items, n, _INTERVIEW, _TRAVEL, travel, URGENT)
    elif state == _S_STARTUP:
        # the start-up meeting with the practices of this way of working
        hours = c.startup_hours + c.subsidy_assessment_hours
        if not has_mentor:
            hours += c.mentor_recruitment_hours
        if not informs_colleagues:
            hours += c.colleague_info_hours
        if c.network > 0:
            hours += c.network_agreement_hours
        n = _put(items, n, _STARTUP, _EMPLOYER_CONTACT, hours, URGENT)
        n = _put(items, n, _STARTUP, _TRAVEL, travel, URGENT)
    elif state == _S_TRAINING:
        if crisis and crisis_known_week >= 0 and week >= crisis_known_week:
            n = _put(items, n, _CRISIS, _MENTOR_FOLLOWUP, c.crisis_hours * saving, URGENT)
            n = _put(items, n, _CRISIS, _TRAVEL, travel, URGENT)
        if period_ends(week, training_start, period_start, period_weeks) and c.period_meeting_hours > 0:
            n = _put(items, n, _PERIOD_MEETING, _EMPLOYER_CONTACT, c.period_meeting_hours + c.goal_setting_hours, URGENT)
            n = _put(items, n, _PERIOD_MEETING, _TRAVEL, travel, URGENT)
        if wage_subsidy_wanted and wage_subsidy_hours > 0:
            n = _put(items, n, _WAGE_SUBSIDY, _ADMIN, wage_subsidy_hours, REGULAR)
        if week >= next_contact_week:
            hours = c.contact_hours * saving
            if has_mentor:
                hours *= 1.0 - kappa_mentor * mentor_competence
            n = _put(items, n, _CONTACT, _MENTOR_FOLLOWUP, hours, REGULAR)
            if contact_is_visit:
                n = _put(items, n, _CONTACT, _TRAVEL, travel, REGULAR)
        if c.on_call_hours > 0:
            n = _put(items, n, _ON_CALL, _MENTOR_FOLLOWUP, c.on_call_hours, REGULAR)
    elif state == _S_EVALUATION:
        hours = c.evaluation_hours + c.goal_setting_hours
        if not career_choice_made:
            hours += c.career_guidance_hours
        if has_mentor:
            hours += c.mentor_continuation_hours
        n = _put(items, n, _EVALUATION, _CANDIDATE_MEETINGS, hours, URGENT)
        n = _put(items, n, _EVALUATION, _TRAVEL, travel, URGENT)
    elif state == _S_POST:
        if c.post_followup_hours > 0:
            n = _put(items, n, _POST, _MENTOR_FOLLOWUP, c.post_followup_hours * saving, REGULAR)
    return n


#: The most demand items one case makes in a week (a week of work training with everything due).
MAX_ITEMS_PER_CASE = 8


class FollowupMode:
    """What one case needs from its adviser each week under one way of working."""

    def __init__(self, name: str, settings, *, close: bool, kappa_adviser: float, kappa_mentor: float,
                 period_weeks: int, wage_subsidy_hours: float, index: int = 0):
        self.name = name
        self.index = index                   # its place among the run's ways of working (``agents.week_plan``)
        self.settings = settings             # FollowupModeConfig
        self.close = close                   # close follow-up: its hours are protected by leader support
        self.kappa_adviser = kappa_adviser   # share of contact hours an experienced adviser saves
        self.kappa_mentor = kappa_mentor     # share of contact hours a competent mentor saves
        self.period_weeks = period_weeks     # length of a work-training period (a meeting at its end)
        self.wage_subsidy_hours = wage_subsidy_hours

    def tempo(self, cand) -> float:
        """1, or for a mode that scales with time, the adviser's ordinary follow-up intensity (:func:`tempo`)."""
        adviser = cand.pathway_adviser
        return tempo.py_func(self.settings.scales_with_time, adviser is not None,
                             adviser.ordinary_intensity if adviser is not None else 1.0)

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
