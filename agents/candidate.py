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

Only candidates in an active pathway state are stepped; the rest wait for a scheduled week.
"""

from __future__ import annotations

import math

import mesa

from sim.ledger import ACTIVITIES
from sim.rng import LIFE, PROCESS, Uniforms
from sim.states import ALLOWED, EMPLOYED_STATES, State, TransitionError

NEED_ORDER = ("small", "medium", "large")


class Candidate(mesa.Agent):
    def __init__(self, model, *, serial: int, need_level: str, age: int, barriers: int, mental_health: bool,
                 hidden_need: bool, capability: float, interest: str, entry_week: int, owner,
                 registered_need: str | None = None):
        super().__init__(model)
        self.serial = serial
        #: next uniform(0,1) of this user's process stream (what the follow-up decides)
        self.draw = Uniforms(model.streams.candidate(serial, PROCESS))
        #: next uniform(0,1) of this user's life stream (the user's own events)
        self.life = Uniforms(model.streams.candidate(serial, LIFE))
        # attributes
        self.need_level = need_level
        self.need_level0 = need_level
        self.registered_need = registered_need or need_level   # what NAV's records say
        self.age = age
        self.barriers = barriers
        self.mental_health = mental_health
        self.hidden_need = hidden_need
        self.hidden_revealed = False
        self.capability = capability
        self.interest = interest
        self.interest_known = False
        pop = model.cfg.population
        self.max_fte = {"small": 1.0, "medium": 0.5 * (1.0 + pop.max_fte_large), "large": pop.max_fte_large}[need_level]
        self.entry_week = entry_week
        self.owner = owner
        # pathway state
        self.state = State.POOL
        self.state_since = entry_week
        self.mode_name: str | None = None
        self.followup = None
        self.close = False
        self.ever_close = False
        self.first_close_week: int | None = None
        self.ever_js = False
        self.sched_version = 0
        self.grant: dict[str, float] = {}
        self.hours = [0.0] * len(ACTIVITIES)   # adviser hours booked to this user, by activity
        self.close_hours_week = 0.0
        self.close_hours_avg = 1.0
        self.drifted = False
        self.reset_pathway()
        # outcomes
        self.first_job_week: int | None = None
        self.job_start: int | None = None
        self.job_spells: list[list] = []      # [start, end or None, wage_subsidy_weeks_granted, fte]
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

    # -- randomness ---------------------------------------------------------------------------
    def weeks_until(self, weekly_p: float) -> int | None:
        """Weeks until an event with constant weekly chance ``weekly_p`` (None if it never happens)."""
        if weekly_p <= 0.0:
            return None
        if weekly_p >= 1.0:
            return 1
        u = max(self.life(), 1e-300)
        return max(1, int(math.ceil(math.log(u) / math.log1p(-weekly_p))))

    # -- state machine ------------------------------------------------------------------------
    def move_to(self, new: State, cause: str) -> None:
        old = self.state
        if new not in ALLOWED[old]:
            raise TransitionError(f"candidate {self.unique_id}: {old.name} -> {new.name} ({cause}) is not allowed")
        self.model.on_transition(self, old, new, cause)
        self.state = new
        self.state_since = self.model.week

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
        self.security = self.model.cfg.pathway.security0
        self.post_start = -1
        self.mentor_kept = False
        self.contact_this_week = False

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
        self.career_choice_made = False
        self.direct_hire = False

    @property
    def employed(self) -> bool:
        return self.state in EMPLOYED_STATES

    def raise_need(self) -> None:
        i = NEED_ORDER.index(self.need_level)
        if i < 2:
            self.need_level = NEED_ORDER[i + 1]

    # -- work training: one week --------------------------------------------------------------
    def training_week(self, week: int) -> None:
        """Phase 4 for a candidate in TRAINING: hidden needs, support, problems, progress, security."""
        model = self.model
        cfg = model.cfg
        pw = cfg.pathway
        mode = model.modes[self.mode_name]
        mc = mode.cfg
        # hidden needs show after start [001:1034]
        if self.hidden_need and not self.hidden_revealed:
            if self.life() < 1.0 / cfg.population.hidden_need_reveal_weeks:
                self.reveal_hidden_need(week)
                if self.state != State.TRAINING:
                    return
        # adviser contact this week (delivered in phase 2-3)
        contact = self.contact_this_week
        proactive = contact and mc.proactive and not self.drifted
        quality = self.followup.followup_quality if self.followup is not None else 1.0
        # mentor support
        mentor_effect = 0.0
        unpaid = 0.0
        if self.mentor is not None:
            needed = self.mentor.hours_needed(self.need_level, self.hidden_revealed)
            delivered, unpaid, mentor_effect = self.mentor.support(needed)
            model.ledger.book_mentor(week, 0, delivered, self.mentor.subsidised_hours)
        onsite = mc.onsite_support * quality if contact else 0.0
        support = 1.0 - (1.0 - mentor_effect) * (1.0 - onsite)
        # problems and crises
        if self.crisis:
            resolved_p = pw.p_crisis_resolve_unaided
            if "crisis" in self.grant:
                resolved_p += (pw.p_crisis_resolve - resolved_p) * self.grant["crisis"]
            if self.draw() < resolved_p:
                self.crisis = False
                self.crisis_known_week = None
        else:
            if self.problem_weeks > 0:
                handled = False
                if proactive:
                    w = cfg.learning.detect_competence_weight
                    p_det = cfg.learning.p_detect_proactive * (1.0 - w + w * self.followup.competence) * quality
                    handled = self.draw() < p_det
                if not handled and self.mentor is not None:
                    p_m = cfg.mentor.handle_problem_weight * self.mentor.competence * self.mentor.authority
                    handled = self.draw() < p_m
                if handled:
                    self.problem_weeks = 0
                else:
                    self.problem_weeks += 1
                    if self.problem_weeks > pw.escalation_weeks:
                        self.start_crisis(week, proactive_contact=contact and mc.proactive)
            else:
                p = pw.p_problem_week * (1.0 + pw.problem_barrier_mult * self.barriers) \
                    * (1.0 + pw.problem_poor_match * (1.0 - self.match))
                if self.life() < p or self.life() < self.employer.conflict_probability():
                    self.problem_weeks = 1
            if not self.crisis:
                p_c = pw.p_crisis_week * (pw.crisis_mental_health_mult if self.mental_health else 1.0)
                if self.life() < p_c:
                    self.start_crisis(week, proactive_contact=contact and mc.proactive)
        # progress [001:1412], [001:1903]
        if not self.crisis and self.life() >= pw.p_stall_week:
            match_mult = pw.progress_mult_poor_match + (1.0 - pw.progress_mult_poor_match) * self.match
            support_mult = pw.progress_mult_no_support + (1.0 - pw.progress_mult_no_support) * support
            self.capability += pw.progress_rate * match_mult * support_mult * (1.0 - self.capability)
        # security ("trygghetsperson" [001:808])
        recent = 1.0 if week - self.last_contact_week <= pw.contact_window_weeks else 0.0
        target = pw.security_base + pw.security_support_weight * max(mentor_effect, onsite) \
            + pw.security_contact_weight * recent
        if not pw.long_term_signal and pw.period_end_weeks > 0:
            into_period = (week - self.period_start) % pw.training_period_weeks
            if into_period >= pw.training_period_weeks - pw.period_end_weeks:
                target -= pw.period_end_insecurity
        self.security += pw.security_adjust * (target - self.security)
        self.security = min(1.0, max(0.0, self.security))
        # mentor strain and learning
        if self.mentor is not None:
            mcfg = cfg.mentor
            hard = (1.0 if self.crisis else 0.0) + (mcfg.strain_weight_problem if self.problem_weeks > 0 else 0.0)
            if unpaid > 0:
                hard += mcfg.strain_weight_unpaid * unpaid / max(mcfg.goodwill_hours, 1e-9)
            self.mentor.update_strain(hard, quality if contact else 0.0)
            self.mentor.learn(co_created=contact and mc.co_creation and not self.drifted)
        # the firm's patience [001:1549]
        strained = self.crisis or self.problem_weeks > 1 or (
            self.mentor is not None and self.mentor.strain > cfg.labour_market.firm_strain_mentor_level)
        self.strain_weeks = self.strain_weeks + 1 if strained else max(0, self.strain_weeks - 1)

    def start_crisis(self, week: int, proactive_contact: bool) -> None:
        self.crisis = True
        self.model.log_event(self, "crisis")
        self.problem_weeks = 0
        lag = 0 if proactive_contact else self.model.modes[self.mode_name].crisis_lag(self)
        self.crisis_known_week = week + lag

    def reveal_hidden_need(self, week: int) -> None:
        """A hidden need shows: the case gets heavier and a problem starts (R9)."""
        self.hidden_revealed = True
        self.raise_need()
        self.registered_need = self.need_level
        self.model.log_event(self, "hidden_need_revealed")
        mode = self.model.modes[self.mode_name] if self.mode_name else None
        if self.mentor is not None and mode is not None and mode.cfg.subsidy_adjustable:
            # an adjustable subsidy is raised when the mentor reports it is too little [001:1004]
            self.mentor.subsidised_hours = max(self.mentor.subsidised_hours,
                                               self.mentor.hours_needed(self.need_level, True))
        self.capability = max(0.0, self.capability - self.model.cfg.population.hidden_need_capability_loss)
        if self.state == State.TRAINING and not self.crisis:
            self.problem_weeks = max(self.problem_weeks, 1)
        self.model.policy.on_need_revealed(self.model, self)

    def dropout_hazard(self) -> float:
        pw = self.model.cfg.pathway
        h = {"small": pw.h0_drop_small, "medium": pw.h0_drop_medium, "large": pw.h0_drop_large}[self.need_level]
        onsite = self.model.modes[self.mode_name].cfg.onsite_support if self.contact_this_week else 0.0
        if self.mentor is None and onsite <= 0.0:
            h *= pw.m_no_mentor
        if self.crisis:
            h *= 1.0 + pw.c_crisis
        elif self.problem_weeks > 0:
            h *= 1.0 + pw.c_problem
        h *= 1.0 + pw.c_insecure * (1.0 - self.security)
        h *= 1.0 + pw.c_poor_match * (1.0 - self.match)
        return min(h, 1.0)

    def job_loss_hazard(self, followed_up: bool) -> float:
        pw = self.model.cfg.pathway
        h = pw.post_hire_hazard
        if self.need_level == "large":
            h *= pw.post_hire_need_mult_large
        if self.mentor_kept:
            h *= pw.post_hire_mentor_kept_mult
        if followed_up:
            h *= pw.post_hire_followup_mult
        if self.employer is not None:
            h *= 1.0 - 0.5 * self.employer.inclusion_competence
            if self.capability < self.employer.hire_threshold(wage_subsidy=False):
                h *= pw.post_hire_below_threshold_mult
        return min(1.0, h + pw.quit_wage_hazard)

    def dropout_cause(self) -> str:
        """The largest single reason in this week's dropout hazard (for the event log)."""
        pw = self.model.cfg.pathway
        factors = {
            "crisis": pw.c_crisis if self.crisis else 0.0,
            "small_problem": pw.c_problem if (self.problem_weeks > 0 and not self.crisis) else 0.0,
            "insecurity": pw.c_insecure * (1.0 - self.security),
            "poor_match": pw.c_poor_match * (1.0 - self.match),
            "no_mentor": pw.m_no_mentor - 1.0 if self.mentor is None else 0.0,
        }
        cause, weight = max(factors.items(), key=lambda kv: kv[1])
        return f"dropout_{cause}" if weight > 0 else "dropout"
