"""Candidate: a user with complex support needs on an adviser's caseload ("bruker -> kandidat -> ansatt").

State and the weekly rules of work training (brief 1.5, 6, 7):

* work capability grows with support (mentor hours x competence x authority, plus the adviser's
  own on-site support), faster with a good interest match [001:834], and stalls now and then
  [001:1893];
* hidden needs show after start [001:1034] and raise the support the case needs;
* small problems arise (more with barriers, a poor match, conflicts at an uninformed workplace);
  a proactive contact or a competent mentor may defuse one; unnoticed, it becomes a crisis
  [001:922], [004:31]; a reactive adviser learns of a crisis only after a lag [001:1666];
* a sense of security rises with mentor and adviser contact and falls before an uncertain
  period boundary [001:808], [001:1586];
* the weekly dropout hazard combines need level, mentor presence, problems, crises, insecurity
  and match (brief 6.3).

The candidate owns these rules and its state; the simulation moves it between pathway states
(``sim.pathway``) and records what happened.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import mesa

from agents.time_budget import Work
from domain.rng import LifeEvent
from domain.states import EMPLOYED_STATES, State
from domain.terms import ACTIVITIES, NEED_LEVELS, by_need_level


#: Further away than any horizon a config allows (20 years): such an event is not scheduled at all.
NEVER_WEEKS = 1e9


@dataclass(frozen=True)
class CandidateSettings:
    """The settings a candidate's own rules read, handed in at creation (shared by all candidates)."""

    pathway: object        # PathwayConfig
    population: object     # PopulationConfig
    mentor: object         # MentorConfig
    learning: object       # LearningConfig
    labour_market: object  # LabourMarketConfig


@dataclass(slots=True)
class TrainingWeek:
    """What one week of work training produced that the simulation records."""

    mentor_hours: float = 0.0        # mentor hours delivered
    mentor_subsidised: float = 0.0   # subsidised hours the mentor holds this week
    has_mentor: bool = False
    crisis_started: bool = False
    called: bool = False              # the mentor called the adviser about a problem
    call_answered: bool = False


class Candidate(mesa.Agent):
    def __init__(self, model, *, serial: int, draw, life, need_level: str, age: int, barriers: int,
                 mental_health: bool, hidden_need: bool, capability: float, interest: str, study_motivation: float,
                 entry_week: int, caseload_adviser, registered_need: str, max_fte: float, settings: CandidateSettings):
        super().__init__(model)
        self.serial = serial
        #: next uniform(0,1) of this user's process stream (what the follow-up decides)
        self.draw = draw
        #: this user's own shocks: ``life(kind, week)``, the same under every policy (``domain.rng.LifeShocks``)
        self.life = life
        self.settings = settings
        # attributes
        self.need_level = need_level
        self.need_level0 = need_level
        self.registered_need = registered_need   # what NAV's records say
        self.age = age
        self.barriers = barriers
        self.mental_health = mental_health
        self.hidden_need = hidden_need
        self.hidden_revealed = False
        self.capability = capability
        self.interest = interest
        self.interest_known = False
        self.study_motivation = study_motivation   # 0-1: how much education appeals [001:1793]
        self.max_fte = max_fte
        self.entry_week = entry_week
        self.caseload_adviser = caseload_adviser   # the ordinary adviser whose caseload the user is on
        # pathway state
        self.state = State.POOL
        self.state_since = entry_week
        self.mode = None                 # FollowupMode of the current pathway (None in ordinary follow-up)
        self.pathway_adviser = None      # the adviser following up the current pathway
        self.last_pathway_adviser = None  # the adviser who followed the last pathway
        self.close = False               # followed closely now: in a hybrid slot, or a job specialist's case
        self.ever_close = False          # ever in a hybrid adviser's close-follow-up slot (the close_* KPIs)
        self.first_close_week: int | None = None
        self.ever_js = False             # ever a job specialist's case (the js_* KPIs)
        self.job_in_close_episode = False   # a job that started while in a hybrid slot
        self.transferred_from_close = False  # handed from a hybrid slot to a job specialist
        self.week_mode = None            # the way of working this week (the ordinary one while a close case drifts)
        self.schedule_version = 0        # calendar entries made before the last state change are void
        self.grant: dict[str, float] = {}
        self.hours = [0.0] * len(ACTIVITIES)   # adviser hours booked to this user, by activity
        self.close_hours_week = 0.0
        self.close_hours_avg = 1.0
        self.drifted = False
        self.reset_pathway()
        # outcomes
        self.first_job_week: int | None = None
        self.job_spells: list[JobSpell] = []
        self.n_dropouts = 0
        self.n_not_successful = 0
        self.n_job_lost = 0
        self.n_placements = 0
        self.n_contacts = 0
        self.n_refusals = 0
        self.n_transfers = 0
        self.start_week: int | None = None   # first week in a workplace pathway (programme start)
        self.lockin_week: int | None = None
        self.queue_since: int | None = None
        self.wait_weeks = 0

    # -- state machine ------------------------------------------------------------------------
    def set_state(self, new: State, week: int) -> None:
        """Enter ``new`` (``sim.pathway.move`` checks the transition and does the bookkeeping first)."""
        self.state = new
        self.state_since = week

    def reset_pathway(self) -> None:
        """Forget everything about the current pathway (back in ordinary follow-up, or resting)."""
        self.reset_workplace()
        self.mapping_done = 0.0
        self.training_start = -1
        self.period_start = -1
        self.capability_at_period_start = self.capability
        self.next_contact_week = 0
        self.last_contact_week = -10_000
        self.contact_is_visit = None
        self.next_eval_week = 0
        self.last_eval_week = -1
        self.security = self.settings.pathway.security0
        self.post_start = -1
        self.mentor_kept = False
        self.contact_this_week = False
        self.subsidy_review_pending = False   # a hidden need showed: the mentor subsidy should be raised

    def reset_workplace(self) -> None:
        """Leave a workplace without ending the pathway (declined, or moving on to find a post)."""
        self.employer = None
        self.mentor = None
        self.match = 0.0
        self.search_weeks = 0
        self.search_credit = 0.0
        self.ready_since: int | None = None
        self.strain_weeks = 0
        self.problem_weeks = 0
        self.crisis = False
        self.crisis_known_week = None
        self.wage_subsidy: bool | None = None
        self.wage_subsidy_wanted = False     # ready with a wage subsidy only: the adviser should apply for one
        self.career_choice_made = False
        self.direct_hire = False

    @property
    def employed(self) -> bool:
        return self.state in EMPLOYED_STATES

    def employed_at(self, week: int) -> bool:
        """In an ordinary job that week."""
        return any(spell.covers(week) and not spell.permanent_subsidy for spell in self.job_spells)

    def subsidised_at(self, week: int) -> bool:
        """In a position on a permanent wage subsidy that week."""
        return any(spell.covers(week) and spell.permanent_subsidy for spell in self.job_spells)

    # -- hidden needs -------------------------------------------------------------------------
    def hidden_need_shows(self, week: int) -> bool:
        """This week's chance that a hidden need shows at the workplace [001:1034]."""
        return (self.hidden_need and not self.hidden_revealed
                and self.life(LifeEvent.HIDDEN_NEED, week) < 1.0 / self.settings.population.hidden_need_reveal_weeks)

    def reveal_hidden_need(self) -> None:
        """A hidden need shows: the case gets heavier and a problem starts (R9)."""
        self.hidden_revealed = True
        i = NEED_LEVELS.index(self.need_level)
        if i < len(NEED_LEVELS) - 1:
            self.need_level = NEED_LEVELS[i + 1]
        self.registered_need = self.need_level
        if self.mentor is not None:
            # the mentor reports the subsidy is too little; raised at the next contact [001:1004]
            self.subsidy_review_pending = True
        self.capability = max(0.0, self.capability - self.settings.population.hidden_need_capability_loss)
        if self.state == State.TRAINING and not self.crisis:
            self.problem_weeks = max(self.problem_weeks, 1)

    @property
    def nav_office(self):
        """The NAV office the user belongs to: their caseload adviser's."""
        return self.caseload_adviser.nav_office

    # -- work training: one week --------------------------------------------------------------
    def training_week(self, week: int, mode) -> TrainingWeek:
        """Phase 4 for a candidate in TRAINING: support, problems, crises, progress, security.

        ``mode`` is the way of working this week: the case's own, or the ordinary one in a week a
        close case has drifted; a case handed to a job specialist this week is worked the new way
        from next week.
        """
        pathway = self.settings.pathway
        mentor_rules = self.settings.mentor
        settings = mode.settings
        result = TrainingWeek()
        # adviser contact this week (delivered in phases 2-3)
        contact = self.contact_this_week
        proactive = contact and settings.proactive and not self.drifted
        quality = self.pathway_adviser.followup_quality if self.pathway_adviser is not None else 1.0
        # mentor support
        mentor_effect = 0.0
        unpaid = 0.0
        if self.mentor is not None:
            needed = self.mentor.hours_needed(self.need_level, self.hidden_revealed)
            delivered, unpaid, mentor_effect = self.mentor.support(needed)
            result.has_mentor = True
            result.mentor_hours = delivered
            result.mentor_subsidised = self.mentor.subsidised_hours
        onsite = settings.onsite_support * quality if contact else 0.0
        support = 1.0 - (1.0 - mentor_effect) * (1.0 - onsite)
        # problems and crises
        if self.crisis:
            crisis_hours = self.grant.get(Work.CRISIS, 0.0)
            resolved_p = pathway.p_crisis_resolve_unaided
            resolved_p += (pathway.p_crisis_resolve - resolved_p) * crisis_hours
            if self.mental_health:
                # health and support services are slow to act unless the adviser coordinates them [001:1562]
                p_services = pathway.p_services_respond + (pathway.p_services_coordinated
                                                           - pathway.p_services_respond) * crisis_hours
                if self.life(LifeEvent.SERVICES, week) >= p_services:
                    resolved_p = 0.0
            if self.draw() < resolved_p:
                self.crisis = False
                self.crisis_known_week = None
        else:
            if self.problem_weeks > 0:
                handled = False
                if proactive:
                    w = self.settings.learning.detect_competence_weight
                    p_detect = (self.settings.learning.p_detect_proactive
                                * (1.0 - w + w * self.pathway_adviser.competence) * quality)
                    handled = self.draw() < p_detect
                if not handled and self.mentor is not None:
                    p_mentor = mentor_rules.handle_problem_weight * self.mentor.competence * self.mentor.authority
                    if self.mentor.peer_support_until >= week:   # fresh from the mentor network [001:1192]
                        p_mentor = min(1.0, p_mentor * mentor_rules.network_problem_solving_mult)
                    handled = self.draw() < p_mentor
                if not handled and self.mentor is not None and self.draw() < pathway.p_mentor_calls:
                    # the mentor calls NAV; the call gets through if the adviser kept time and is reachable
                    result.called = True
                    reached = self.draw() < self.grant.get(Work.ON_CALL, 0.0) * pathway.p_reachable
                    result.call_answered = reached
                    handled = reached and self.draw() < pathway.p_call_resolves * quality
                if handled:
                    self.problem_weeks = 0
                else:
                    self.problem_weeks += 1
                    if self.problem_weeks > pathway.escalation_weeks:
                        self._start_crisis(week, proactive_contact=contact and settings.proactive)
                        result.crisis_started = True
            else:
                p = pathway.p_problem_week * (1.0 + pathway.problem_barrier_mult * self.barriers) \
                    * (1.0 + pathway.problem_poor_match * (1.0 - self.match))
                if (self.life(LifeEvent.PROBLEM, week) < p
                        or self.life(LifeEvent.CONFLICT, week) < self.employer.conflict_probability()):
                    self.problem_weeks = 1
            if not self.crisis:
                p_crisis = pathway.p_crisis_week * (pathway.crisis_mental_health_mult if self.mental_health else 1.0)
                if self.life(LifeEvent.CRISIS, week) < p_crisis:
                    self._start_crisis(week, proactive_contact=contact and settings.proactive)
                    result.crisis_started = True
        # progress [001:1412], [001:1903]
        if not self.crisis and self.life(LifeEvent.STALL, week) >= pathway.p_stall_week:
            match_mult = pathway.progress_mult_poor_match + (1.0 - pathway.progress_mult_poor_match) * self.match
            support_mult = pathway.progress_mult_no_support + (1.0 - pathway.progress_mult_no_support) * support
            self.capability += pathway.progress_rate * match_mult * support_mult * (1.0 - self.capability)
        # security ("trygghetsperson" [001:808])
        recent = 1.0 if week - self.last_contact_week <= pathway.contact_window_weeks else 0.0
        target = pathway.security_base + pathway.security_support_weight * max(mentor_effect, onsite) \
            + pathway.security_contact_weight * recent
        if not pathway.long_term_signal and pathway.period_end_weeks > 0:
            into_period = (week - self.period_start) % pathway.training_period_weeks
            if into_period >= pathway.training_period_weeks - pathway.period_end_weeks:
                target -= pathway.period_end_insecurity
        self.security += pathway.security_adjust * (target - self.security)
        self.security = min(1.0, max(0.0, self.security))
        # mentor strain and learning
        if self.mentor is not None:
            hard = ((1.0 if self.crisis else 0.0)
                    + (mentor_rules.strain_weight_problem if self.problem_weeks > 0 else 0.0))
            if unpaid > 0:
                hard += mentor_rules.strain_weight_unpaid * unpaid / max(mentor_rules.goodwill_hours, 1e-9)
            self.mentor.update_strain(hard, quality if contact else 0.0)
            self.mentor.learn(co_created=contact and settings.co_creation and not self.drifted)
        # the firm's patience [001:1549]
        strained = self.crisis or self.problem_weeks > 1 or (
            self.mentor is not None and self.mentor.strain > self.settings.labour_market.firm_strain_mentor_level)
        self.strain_weeks = self.strain_weeks + 1 if strained else max(0, self.strain_weeks - 1)
        return result

    def _start_crisis(self, week: int, proactive_contact: bool) -> None:
        """A crisis: a proactive contact knows at once, otherwise the adviser learns of it after a lag."""
        self.crisis = True
        self.problem_weeks = 0
        lag = 0 if proactive_contact else self.mode.crisis_lag(self)
        self.crisis_known_week = week + lag

    # -- hazards ------------------------------------------------------------------------------
    def dropout_hazard(self) -> float:
        pathway = self.settings.pathway
        h = by_need_level(pathway, "h0_drop", self.need_level)
        onsite = self.mode.settings.onsite_support if self.contact_this_week else 0.0
        if self.mentor is None and onsite <= 0.0:
            h *= pathway.m_no_mentor
        if self.crisis:
            h *= 1.0 + pathway.c_crisis
        elif self.problem_weeks > 0:
            h *= 1.0 + pathway.c_problem
        h *= 1.0 + pathway.c_insecure * (1.0 - self.security)
        h *= 1.0 + pathway.c_poor_match * (1.0 - self.match)
        return min(h, 1.0)

    def dropout_cause(self) -> str:
        """The largest single reason in this week's dropout hazard (for the event log)."""
        pathway = self.settings.pathway
        factors = {
            "crisis": pathway.c_crisis if self.crisis else 0.0,
            "small_problem": pathway.c_problem if (self.problem_weeks > 0 and not self.crisis) else 0.0,
            "insecurity": pathway.c_insecure * (1.0 - self.security),
            "poor_match": pathway.c_poor_match * (1.0 - self.match),
            "no_mentor": pathway.m_no_mentor - 1.0 if self.mentor is None else 0.0,
        }
        cause, weight = max(factors.items(), key=lambda kv: kv[1])
        return f"dropout_{cause}" if weight > 0 else "dropout"

    def own_job_hazard(self, ordinary_intensity: float) -> float:
        """Weekly chance of finding a job in ordinary follow-up, without a workplace pathway.

        Scales with capability squared and with how much ordinary follow-up the adviser gives
        (EVID C2-C4: smaller caseloads, more meetings, faster re-employment).
        """
        return self.settings.population.own_job_hazard * (self.capability / 0.5) ** 2 * ordinary_intensity

    def job_loss_hazard(self, followed_up: bool) -> float:
        pathway = self.settings.pathway
        h = pathway.post_hire_hazard
        if self.need_level == "large":
            h *= pathway.post_hire_need_mult_large
        if self.mentor_kept:
            h *= pathway.post_hire_mentor_kept_mult
        if followed_up:
            h *= pathway.post_hire_followup_mult
        if self.employer is not None:
            h *= 1.0 - 0.5 * self.employer.inclusion_competence
            if self.capability < self.employer.hire_threshold(wage_subsidy=False):
                h *= pathway.post_hire_below_threshold_mult
        return min(1.0, h + pathway.quit_wage_hazard)


@dataclass(slots=True)
class JobSpell:
    """One job: start week, end week (None while it lasts), wage-subsidy weeks granted, FTE; a
    position on a permanent wage subsidy (lock-in) is a job of its own kind, counted apart."""

    start: int
    end: int | None
    wage_subsidy_weeks: int
    fte: float
    permanent_subsidy: bool = False

    def covers(self, week: int) -> bool:
        return self.start <= week and (self.end is None or self.end > week)
