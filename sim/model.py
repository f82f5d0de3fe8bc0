"""InclusionModel: the Mesa model of inclusion pathways in one NAV office. One step = one week.

Weekly phase order (kept fixed; see docs/odd.md):

1. Arrivals and intake: new users join caseloads; scheduled reviews, exits and returns fire; the
   policy picks who enters a pathway (quick placement, close follow-up slot, job-specialist
   referral); job specialists take users from the queue.
2. Advisers plan the week: each adviser turns cases + hour budget into granted hours (time ledger,
   unmet demand).
3. Job development: screening, mapping, employer contacts (refusals), interviews, start-up meetings.
4. Work training: adviser contacts, mentor support, problems and crises, progress, security,
   readiness checks and 13-week period boundaries (extension, lock-in, end).
5. Employment and follow-up: evaluation meetings (hire, apprenticeship, education), post-hire
   follow-up and job loss.
6. Hazards: dropout, firm-ended placements, mentor burnout, firm leader change, adviser turnover.
7. Learning: adviser and mentor competence, mentor network sessions, office spill-over.
8. Record: stocks by state and the week's ledger.

Only users with something happening this week are stepped: those in an active pathway state.
Users in ordinary follow-up, waiting for a job specialist, employed without follow-up or resting
after a failed attempt have their next event drawn as a calendar entry (review, exit, return,
job loss) and cost nothing in the weeks between.
"""

from __future__ import annotations

import time
from collections import defaultdict

import mesa
import numpy as np

from agents.adviser import FollowupMode
from agents.candidate import Candidate
from agents.mentor import Mentor
from scenarios.policies import make_policy
from scenarios.world import (build_labour_market, build_office, build_population, draw_user,
                             sector_probabilities)
from sim.config import Config, validate
from sim.ledger import TimeLedger
from sim.rng import Streams
from sim.states import ACTIVE_STATES, EMPLOYED_STATES, State

S = State
PLACEMENT_STATES = frozenset({S.INTERVIEW, S.STARTUP, S.TRAINING, S.EVALUATION})
WAITING_FOR_ADVISER = frozenset({S.SCREEN, S.MAPPING, S.INTERVIEW, S.STARTUP, S.EVALUATION})
BEFORE_WORKPLACE = frozenset({S.SCREEN, S.MAPPING, S.SEARCH})
OFF_CASELOAD = frozenset({S.EMPLOYED, S.RETAINED, S.POST_FOLLOWUP, S.APPRENTICE, S.EDUCATION, S.EXITED, S.LOCKIN})
RESTING = frozenset({S.DROPOUT, S.NOT_SUCCESSFUL, S.JOB_LOST})
SUCCESS = frozenset({S.EMPLOYED, S.POST_FOLLOWUP, S.APPRENTICE, S.EDUCATION})


class InclusionModel(mesa.Model):
    def __init__(self, config: Config | None = None):
        cfg = validate(config if config is not None else Config())
        super().__init__(rng=cfg.seed)
        t0 = time.perf_counter()
        self.cfg = cfg
        self.streams = Streams(cfg.seed)
        self.week = 0
        self.policy = make_policy(cfg)
        self.modes = {
            "saksbehandler": FollowupMode("saksbehandler", cfg.followup.saksbehandler, close=False),
            "hybrid": FollowupMode("hybrid", cfg.followup.hybrid, close=True),
            "jobbspesialist": FollowupMode("jobbspesialist", cfg.followup.jobbspesialist, close=True),
        }
        office = cfg.office
        self.travel_hours = office.travel_hours_per_visit_rural if office.region == "rural" else office.travel_hours_per_visit
        self.ledger = TimeLedger(cfg.horizon_weeks)
        self.event_rows: list[tuple] = []
        self.state_counts = np.zeros(len(State), dtype=np.int64)
        self.active: dict[int, Candidate] = {}
        self.calendar: dict[int, list] = defaultdict(list)
        self.js_queue: dict[int, Candidate] = {}
        self.awaiting_js: dict[int, Candidate] = {}
        self.registry: list[Mentor] = []
        self.mentors: list[Mentor] = []
        self._serial = 0
        self.counters = defaultdict(int)
        self.weekly_rows: list[dict] = []
        self.stepped_candidate_weeks = 0

        self.sector_probs = sector_probabilities(cfg)
        self.firms = build_labour_market(self)
        self.firms_by_sector: dict[str, list] = defaultdict(list)
        for f in self.firms:
            self.firms_by_sector[f.sector].append(f)
        self.advisers, self.job_specialists = build_office(self)
        self.all_advisers = self.advisers + self.job_specialists
        self.candidates: list[Candidate] = []
        for cand in build_population(self):
            self._register(cand)
        self._start_in_training()
        self.setup_seconds = time.perf_counter() - t0

    # ---------------------------------------------------------------------------------------
    # bookkeeping
    # ---------------------------------------------------------------------------------------
    def next_serial(self) -> int:
        s = self._serial
        self._serial += 1
        return s

    def _register(self, cand: Candidate) -> None:
        self.candidates.append(cand)
        self.state_counts[S.POOL] += 1
        cand.owner.on_caseload[cand.unique_id] = cand
        self._enter_pool(cand)

    def schedule(self, cand: Candidate, week: int, kind: str) -> None:
        if week <= self.cfg.horizon_weeks:
            self.calendar[week].append((cand, cand.sched_version, kind))

    def _enter_pool(self, cand: Candidate) -> None:
        cand.owner.pool[cand.unique_id] = cand
        pc = self.cfg.policy
        cand.mode_name = None
        cand.followup = None
        wait = 1 + int(cand.draw() * pc.review_interval_weeks)
        self.schedule(cand, self.week + wait, "review")
        exit_in = cand.weeks_until(self.cfg.population.pool_exit_hazard)
        if exit_in is not None:
            self.schedule(cand, self.week + exit_in, "exit")
        own = self.cfg.population.own_job_hazard * (cand.capability / 0.5) ** 2 * cand.owner.ordinary_intensity
        job_in = cand.weeks_until(own)
        if job_in is not None:
            self.schedule(cand, self.week + job_in, "own_job")

    def log_event(self, cand: Candidate, cause: str) -> None:
        """An event that does not change state (period extended, mentor replaced, ...)."""
        if self.cfg.record_events:
            self.event_rows.append((self.week, cand.serial, int(cand.state), int(cand.state), cause))

    def on_transition(self, cand: Candidate, old: State, new: State, cause: str) -> None:
        """Every state change passes here: event row, stocks, memberships, outcomes."""
        if self.cfg.record_events:
            self.event_rows.append((self.week, cand.serial, int(old), int(new), cause))
        self.state_counts[old] -= 1
        self.state_counts[new] += 1
        cand.sched_version += 1
        uid = cand.unique_id
        if new in ACTIVE_STATES:
            self.active[uid] = cand
        else:
            self.active.pop(uid, None)
        if old == S.POOL:
            cand.owner.pool.pop(uid, None)
        if old == S.TRANSFER_JS:
            self.js_queue.pop(uid, None)
            if cand.queue_since is not None:
                cand.wait_weeks += self.week - cand.queue_since
                cand.queue_since = None
        if new in OFF_CASELOAD:
            cand.owner.on_caseload.pop(uid, None)
        else:
            cand.owner.on_caseload[uid] = cand
        # leaving the follow-up of an adviser
        if cand.followup is not None and new not in ACTIVE_STATES:
            self._release_followup(cand, outcome=new.name.lower())
        # firm capacity
        if old in PLACEMENT_STATES and new not in PLACEMENT_STATES and cand.employer is not None:
            cand.employer.placements -= 1
        # outcomes
        if new in (S.EMPLOYED, S.POST_FOLLOWUP) and old not in EMPLOYED_STATES:
            if cand.first_job_week is None:
                cand.first_job_week = self.week
            ws = self.cfg.pathway.wage_subsidy_weeks if cand.wage_subsidy else 0
            cand.job_spells.append([self.week, None, ws, cand.max_fte])
        elif new == S.JOB_LOST:
            cand.n_job_lost += 1
            if cand.job_spells and cand.job_spells[-1][1] is None:
                cand.job_spells[-1][1] = self.week
        elif new == S.DROPOUT:
            cand.n_dropouts += 1
        elif new == S.NOT_SUCCESSFUL:
            cand.n_not_successful += 1
        elif new == S.LOCKIN:
            cand.lockin_week = self.week
        elif new == S.TRANSFER_JS:
            cand.n_transfers += 1
            cand.queue_since = self.week
            self.js_queue[uid] = cand
            exit_in = cand.weeks_until(self.cfg.population.pool_exit_hazard)
            if exit_in is not None:
                self.schedule(cand, self.week + exit_in, "exit")
        # the end of a workplace pathway teaches the firm and frees (or registers) the mentor
        if old in (S.TRAINING, S.EVALUATION) and new not in (S.TRAINING, S.EVALUATION, S.TRANSFER_JS):
            success = new in SUCCESS
            if cand.employer is not None:
                cand.employer.learn(success)
            self._end_mentoring(cand, success, keep=(new == S.POST_FOLLOWUP and cand.mentor_kept))
        if old == S.POST_FOLLOWUP and cand.mentor is not None:
            self._end_mentoring(cand, success=(new == S.RETAINED), keep=False)
        if new == S.POOL:
            cand.reset_pathway()
            self._enter_pool(cand)
        elif new in RESTING:
            cand.reset_pathway()
            wait = self.cfg.pathway.reentry_cooldown_weeks
            self.schedule(cand, self.week + max(1, wait), "return")
        elif new in (S.EMPLOYED, S.RETAINED):
            weeks = cand.weeks_until(cand.job_loss_hazard(followed_up=False))
            if weeks is not None:
                self.schedule(cand, self.week + weeks, "job_loss")

    def _release_followup(self, cand: Candidate, outcome: str) -> None:
        adv = cand.followup
        adv.cases.pop(cand.unique_id, None)
        if cand.close and not adv.is_js:
            adv.n_close -= 1
            self._close_episode_ended(outcome)
        cand.close = False
        cand.followup = None

    def _close_episode_ended(self, outcome: str) -> None:
        """A close-follow-up (hybrid slot) episode ended; count how."""
        self.counters["close_episodes"] += 1
        if outcome in ("employed", "post_followup", "apprentice", "education"):
            self.counters["close_episodes_success"] += 1
        self.counters[f"close_episode_{outcome}"] += 1

    def _assign_followup(self, cand: Candidate, adviser, mode_name: str) -> None:
        if cand.followup is not None and cand.followup is not adviser:
            self._release_followup(cand, outcome="transfer_js")
        cand.followup = adviser
        cand.mode_name = mode_name
        adviser.cases[cand.unique_id] = cand
        if mode_name == "hybrid":
            if not cand.close:
                adviser.n_close += 1
            cand.close = True
            cand.ever_close = True
            if cand.first_close_week is None:
                cand.first_close_week = self.week
        if mode_name == "jobbspesialist":
            cand.ever_js = True
            cand.close = True
        cand.close_hours_avg = 1.0

    def _end_mentoring(self, cand: Candidate, success: bool, keep: bool) -> None:
        mentor = cand.mentor
        if mentor is None or keep:
            return
        mentor.candidate = None
        mentor.subsidised_hours = 0.0
        mode = self.modes[cand.mode_name] if cand.mode_name else None
        if success and mode is not None and mode.cfg.register_mentors and not mentor.in_registry:
            if cand.draw() < self.cfg.mentor.p_register_after_success:
                mentor.in_registry = True
                self.registry.append(mentor)
        mentor.available_from_week = self.week + self.cfg.mentor.registry_pause_weeks
        mentor.strain = 0.0
        cand.mentor = None
        cand.mentor_kept = False   # natural support lives on only as the firm's inclusion competence

    # ---------------------------------------------------------------------------------------
    # pathway actions used by several phases
    # ---------------------------------------------------------------------------------------
    def _start_in_training(self) -> None:
        """Entry shortcut: some users are already in work training at the start [001:407]."""
        rng = self.streams["population"]
        share = self.cfg.population.entry_in_training_share
        for cand in list(self.candidates):
            if rng.random() < share:
                firm = self.firms[int(rng.integers(len(self.firms)))]
                if not firm.has_room():
                    continue
                self._assign_followup(cand, cand.owner, "saksbehandler")
                firm.placements += 1
                cand.employer = firm
                cand.match = self._match_quality(cand, firm)
                cand.move_to(S.TRAINING, "already_in_training")
                self._setup_training(cand, self.modes["saksbehandler"], elapsed=int(rng.integers(0, 26)))

    def _match_quality(self, cand: Candidate, firm) -> float:
        pw = self.cfg.pathway
        base = pw.match_interest if firm.sector == cand.interest else pw.match_other
        return float(min(1.0, max(0.05, base + pw.match_noise * (2.0 * cand.draw() - 1.0))))

    def start_ordinary_placement(self, cand: Candidate) -> None:
        """Activity requirement: a quick placement without mapping [001:834]."""
        self._assign_followup(cand, cand.owner, "saksbehandler")
        cand.move_to(S.SEARCH, "activity_review")

    def refer_to_js(self, cand: Candidate, cause: str) -> None:
        cand.move_to(S.TRANSFER_JS, cause)

    def request_transfer(self, cand: Candidate, cause: str) -> None:
        """T3: hand a case that proves too heavy to a job specialist (immediately, or when one has room)."""
        if cand.state == S.TRAINING:
            js = self._free_specialist()
            if js is None:
                self.awaiting_js[cand.unique_id] = cand
                return
            cand.move_to(S.TRANSFER_JS, cause)
            self._js_take(js, cand, in_training=True)
        else:
            cand.move_to(S.TRANSFER_JS, cause)

    def _free_specialist(self):
        best = None
        for js in self.job_specialists:
            if js.free_slots() > 0 and (best is None or len(js.cases) < len(best.cases)):
                best = js
        return best

    def _js_take(self, js, cand: Candidate, in_training: bool) -> None:
        self.awaiting_js.pop(cand.unique_id, None)
        self._assign_followup(cand, js, "jobbspesialist")
        if in_training and cand.employer is not None:
            cand.employer.placements += 1   # released when it left TRAINING
            cand.move_to(S.TRAINING, "job_specialist_takes_over")
            cand.next_contact_week = self.week
        else:
            mode = self.modes["jobbspesialist"]
            cand.mapping_done = 0.0
            cand.search_weeks = 0
            cand.search_credit = 0.0
            if mode.cfg.mapping_weeks > 0:
                cand.move_to(S.MAPPING, "job_specialist_intake")
            else:
                cand.move_to(S.SEARCH, "job_specialist_intake")

    def _setup_training(self, cand: Candidate, mode: FollowupMode, elapsed: int = 0) -> None:
        """Start-up meeting outcome: mentor, subsidy, information to colleagues, plan [001:440]."""
        mc = mode.cfg
        cfg = self.cfg
        firm = cand.employer
        want_mentor = cand.draw() < mc.p_mentor and cand.draw() >= cfg.population.p_refuse_mentor
        if want_mentor or cand.mentor is not None:
            self._assign_mentor(cand, mode)
        if not firm.informs_colleagues and cand.draw() < mc.encourage_info:
            firm.informs_colleagues = True
        start = self.week - elapsed
        cand.training_start = start
        cand.period_start = start + ((self.week - start) // cfg.pathway.training_period_weeks) * cfg.pathway.training_period_weeks
        cand.capability_at_period_start = cand.capability
        cand.next_contact_week = self.week + 1
        cand.next_eval_week = self.week + mc.evaluation_interval_weeks
        if elapsed > 0:   # users already in training at the start are mid-rhythm, not all in step
            cand.next_contact_week = self.week + 1 + int(cand.draw() * mode.contact_interval(elapsed))
            cand.next_eval_week = self.week + 1 + int(cand.draw() * mc.evaluation_interval_weeks)
        cand.last_eval_week = self.week
        cand.security = cfg.pathway.security0
        cand.n_placements += 1

    def _assign_mentor(self, cand: Candidate, mode: FollowupMode) -> None:
        """Give the placement a mentor (new, or the registry mentor already attached) and its subsidy."""
        mc = mode.cfg
        if cand.mentor is None:
            cand.mentor = self._new_mentor(cand.employer, self.streams["mentors"])
        mentor = cand.mentor
        mentor.candidate = cand
        mentor.candidates_mentored += 1
        if mc.subsidy_adjustable:
            mentor.subsidised_hours = mentor.hours_needed(cand.need_level, cand.hidden_revealed)
        else:
            mentor.subsidised_hours = mc.fixed_subsidy_hours
        mentor.binding_agreement = cand.draw() < mc.binding_agreement_share

    def _new_mentor(self, firm, rng) -> Mentor:
        mcfg = self.cfg.mentor
        is_leader = bool(rng.random() < mcfg.share_leader_is_mentor)
        competence = float(np.clip(rng.normal(mcfg.competence0, mcfg.competence0_sd), 0.0, 1.0))
        authority = 1.0 if is_leader else float(rng.uniform(mcfg.authority_min, 1.0))
        mentor = Mentor(self, employer=firm, is_leader=is_leader, competence=competence, authority=authority)
        self.mentors.append(mentor)
        return mentor

    # ---------------------------------------------------------------------------------------
    # the week
    # ---------------------------------------------------------------------------------------
    def step(self) -> None:
        self.week += 1
        week = self.week
        self.phase_arrivals_and_intake(week)
        self.phase_plan_week(week)
        self.phase_job_development(week)
        self.phase_work_training(week)
        self.phase_employment_and_followup(week)
        self.phase_hazards(week)
        self.phase_learning(week)
        self.phase_record(week)
        if week >= self.cfg.horizon_weeks:
            self.running = False

    # 1 -------------------------------------------------------------------------------------
    def phase_arrivals_and_intake(self, week: int) -> None:
        rng = self.streams["arrivals"]
        for _ in range(int(rng.poisson(self.cfg.population.inflow_per_week))):
            owner = self.advisers[int(rng.integers(len(self.advisers)))]
            if owner.caseload() >= self.cfg.office.caseload_cap:
                # the office gives a new user to the adviser with most room; nobody can refuse users
                owner = min(self.advisers, key=lambda a: a.caseload())
                if owner.caseload() >= self.cfg.office.caseload_cap:
                    self.counters["arrivals_above_cap"] += 1
            self._register(draw_user(self, rng, owner, entry_week=week))
        for cand, version, kind in self.calendar.pop(week, ()):
            if version != cand.sched_version:
                continue
            if kind == "review":
                self._review(cand)
            elif kind == "exit":
                cand.move_to(S.EXITED, "left_nav_followup")
            elif kind == "return":
                cand.move_to(S.POOL, "cooldown_over")
            elif kind == "job_loss":
                cand.move_to(S.JOB_LOST, "job_ended")
            elif kind == "own_job":
                cand.move_to(S.EMPLOYED, "own_job_search")
        # close-follow-up slots (hybrid)
        for adv in self.advisers:
            if adv.role != "hybrid" or adv.free_slots() <= 0 or not adv.pool:
                continue
            picks = [c for c in adv.pool.values() if self.policy.eligible_for_close(self, adv, c)]
            picks.sort(key=lambda c: (c.state_since, c.unique_id))
            for cand in picks[:adv.free_slots()]:
                self._assign_followup(cand, adv, "hybrid")
                cand.move_to(S.SCREEN, "selected_for_close_followup")
        # job specialists: heavy cases already at a workplace first, then the queue in order
        for cand in list(self.awaiting_js.values()):
            if cand.state != S.TRAINING:
                self.awaiting_js.pop(cand.unique_id, None)
                continue
            js = self._free_specialist()
            if js is None:
                break
            cand.move_to(S.TRANSFER_JS, "need_too_large")
            self._js_take(js, cand, in_training=True)
        while self.js_queue:
            js = self._free_specialist()
            if js is None:
                break
            cand = next(iter(self.js_queue.values()))
            self._js_take(js, cand, in_training=False)

    def _review(self, cand: Candidate) -> None:
        """Activity review of a user in ordinary follow-up (aktivitetskrav).

        The review is ordinary admin work: an adviser who has not been getting through the admin
        postpones it ("20 stykker uten aktivitetsplan" [001:780]).
        """
        intensity = cand.owner.ordinary_intensity
        if cand.draw() >= intensity:
            self.counters["reviews_postponed"] += 1
            self.schedule(cand, self.week + self.cfg.office.review_postpone_weeks, "review")
            return
        self.counters["reviews_done"] += 1
        action = self.policy.on_review(self, cand)
        if action == "sb":
            self.start_ordinary_placement(cand)
        elif action == "js":
            self.refer_to_js(cand, "referred_to_job_specialist")
        else:
            # more time per user means more frequent reviews (up to ordinary_intensity_cap)
            interval = self.cfg.policy.review_interval_weeks / max(1.0, intensity)
            self.schedule(cand, self.week + max(1, round(interval)), "review")

    # 2 -------------------------------------------------------------------------------------
    def phase_plan_week(self, week: int) -> None:
        interval = self.cfg.policy.network_interval_weeks
        network_week = interval > 0 and week % interval == 0 and self.cfg.followup.hybrid.network
        for cand in self.active.values():
            cand.close_hours_week = 0.0
            cand.contact_this_week = False
        for adv in self.all_advisers:
            adv.cocreative_weeks = 0
            adv.plan_week(week, network_week)
        self.network_week = network_week
        theta = self.cfg.policy.theta_thin
        for cand in self.active.values():
            if cand.close and cand.mode_name == "hybrid" and cand.state in (S.MAPPING, S.SEARCH, S.TRAINING):
                cand.close_hours_avg = 0.75 * cand.close_hours_avg + 0.25 * cand.close_hours_week
                cand.drifted = cand.close_hours_avg < theta
                if cand.drifted:
                    self.counters["hybrid_case_weeks_drifted"] += 1
                self.counters["hybrid_case_weeks"] += 1
            else:
                cand.drifted = False

    # 3 -------------------------------------------------------------------------------------
    def phase_job_development(self, week: int) -> None:
        stuck = self.cfg.pathway.stuck_weeks
        for cand in list(self.active.values()):
            st = cand.state
            if st in WAITING_FOR_ADVISER and week - cand.state_since > stuck:
                self._give_up_waiting(cand)
                continue
            if cand.start_week is None:
                cand.start_week = week
            if st == S.SCREEN:
                self._screen(cand)
            elif st == S.MAPPING:
                self._mapping(cand)
            elif st == S.SEARCH:
                self._search(cand)
            elif st == S.INTERVIEW:
                if cand.draw() < cand.grant.get("interview", 0.0):
                    if cand.draw() < self.cfg.labour_market.p_interview_success:
                        if cand.direct_hire:
                            self._hire_directly(cand)
                        else:
                            cand.move_to(S.STARTUP, "interview_ok")
                    else:
                        cand.move_to(S.SEARCH, "declined_after_interview")
                        if cand.mentor is not None:
                            cand.mentor.candidate = None
                        cand.reset_workplace()
            elif st == S.STARTUP:
                if cand.draw() < cand.grant.get("startup", 0.0):
                    cand.move_to(S.TRAINING, "startup_meeting")
                    self._setup_training(cand, self.modes[cand.mode_name])

    def _hire_directly(self, cand: Candidate) -> None:
        """Place then train: a paid job at once, with the adviser's follow-along support [001:593]."""
        mode = self.modes[cand.mode_name]
        mc = mode.cfg
        firm = cand.employer
        if cand.mentor is None and cand.draw() < mc.p_mentor:
            cand.mentor = self._new_mentor(firm, self.streams["mentors"])
            cand.mentor.candidate = cand
            cand.mentor.candidates_mentored += 1
            cand.mentor.subsidised_hours = (cand.mentor.hours_needed(cand.need_level, cand.hidden_revealed)
                                            if mc.subsidy_adjustable else mc.fixed_subsidy_hours)
        cand.mentor_kept = cand.mentor is not None
        firm.learn(True)
        if mc.post_followup_weeks > 0:
            cand.move_to(S.POST_FOLLOWUP, "hired_directly")
            cand.post_start = self.week
            cand.last_contact_week = self.week
        else:
            cand.move_to(S.EMPLOYED, "hired_directly")
            self._end_mentoring(cand, success=True, keep=False)

    def _give_up_waiting(self, cand: Candidate) -> None:
        """A step nobody had time for in ``stuck_weeks`` weeks is dropped (the adviser's time squeeze)."""
        if cand.state in (S.SCREEN, S.MAPPING):
            cand.move_to(S.POOL, "no_adviser_time")
        elif cand.state in (S.INTERVIEW, S.STARTUP):
            cand.move_to(S.SEARCH, "firm_withdrew_no_adviser_time")
            if cand.mentor is not None:
                cand.mentor.candidate = None
            cand.reset_workplace()
        elif cand.state == S.EVALUATION:
            cand.move_to(S.TRAINING, "evaluation_not_held")
            cand.next_eval_week = self.week + self.modes[cand.mode_name].cfg.evaluation_interval_weeks

    def _screen(self, cand: Candidate) -> None:
        if cand.draw() >= cand.grant.get("screen", 0.0):
            return
        decision = self.policy.screen(self, cand)
        cand.registered_need = cand.need_level   # the case meeting corrects the record
        if decision == "too_light":
            cand.move_to(S.POOL, "too_light")
        elif decision == "too_heavy":
            self._release_followup(cand, outcome="transfer_js")
            cand.move_to(S.TRANSFER_JS, "too_heavy")
        else:
            mode = self.modes[cand.mode_name]
            if mode.cfg.mapping_weeks > 0:
                cand.move_to(S.MAPPING, "accepted")
            else:
                cand.move_to(S.SEARCH, "accepted")

    def _mapping(self, cand: Candidate) -> None:
        mode = self.modes[cand.mode_name]
        cand.mapping_done += cand.grant.get("mapping", 0.0)
        if cand.mapping_done + 1e-9 < mode.cfg.mapping_weeks:
            return
        cand.interest_known = cand.draw() < self.cfg.population.p_interest_clear
        # thorough mapping brings some hidden needs out before the start [P3]
        pw = self.cfg.pathway
        depth = min(1.0, mode.cfg.mapping_weeks / pw.mapping_full_depth_weeks)
        if cand.hidden_need and not cand.hidden_revealed and cand.draw() < pw.p_reveal_at_mapping * depth:
            cand.reveal_hidden_need(self.week)
            if cand.state != S.MAPPING:
                return
        cand.move_to(S.SEARCH, "mapping_done")

    def _pick_firm(self, cand: Candidate, mode: FollowupMode):
        """Which firm the next contact goes to, and whether it is known or a registry mentor's."""
        mc = mode.cfg
        adv = cand.followup
        rng = self.streams["search"]
        if mc.p_reuse_registered > 0 and self.registry and rng.random() < mc.p_reuse_registered:
            ready = [m for m in self.registry if m.candidate is None and m.available_from_week <= self.week
                     and m.employer.has_room()]
            if ready:
                m = ready[int(rng.integers(len(ready)))]
                return m.employer, True, m
        if adv.known_firms and rng.random() < mc.use_known_firms:
            return adv.known_firms[int(rng.integers(len(adv.known_firms)))], True, None
        if mc.interest_based_search and cand.interest_known and self.firms_by_sector.get(cand.interest):
            pool = self.firms_by_sector[cand.interest]
            return pool[int(rng.integers(len(pool)))], False, None
        return self.firms[int(rng.integers(len(self.firms)))], False, None

    def _search(self, cand: Candidate) -> None:
        mode = self.modes[cand.mode_name]
        mc = mode.cfg
        rng = self.streams["search"]
        cand.search_weeks += 1
        cand.search_credit += cand.grant.get("search", 0.0) * mode.contacts_per_week(cand)
        subsidy = mc.subsidy_adjustable or mc.fixed_subsidy_hours > 0
        while cand.search_credit >= 1.0:
            cand.search_credit -= 1.0
            firm, known, reg_mentor = self._pick_firm(cand, mode)
            cand.n_contacts += 1
            firm.n_contacts += 1
            self.counters["employer_contacts"] += 1
            if firm.exploitative and rng.random() < mc.screen_exploitative:
                continue   # "hva skal til for å få jobb her?" reveals no intention to hire
            p = 0.0
            direct = False
            if firm.has_room():
                p = firm.acceptance_probability(subsidy_offered=subsidy, known=known,
                                                adviser_competence=cand.followup.competence,
                                                interest_match=firm.sector == cand.interest)
                if reg_mentor is not None:
                    p = min(0.95, p * self.cfg.mentor.registry_acceptance_mult)
                if mc.place_then_train:
                    ws = cand.draw() < mc.p_wage_subsidy
                    if cand.capability + mc.job_support_credit >= firm.hire_threshold(ws):
                        # ask for a paid job with follow-along support: the firm needs a post
                        direct = True
                        p *= firm.opening_probability(self.cfg.pathway.training_period_weeks)
                        cand.wage_subsidy = ws
            if rng.random() < p:
                cand.employer = firm
                cand.direct_hire = direct
                firm.placements += 1
                cand.match = self._match_quality(cand, firm)
                if reg_mentor is not None:
                    cand.mentor = reg_mentor
                    reg_mentor.candidate = cand
                if not known and firm not in cand.followup.known_firms:
                    cand.followup.known_firms.append(firm)   # the adviser's employer network grows [001:832]
                cand.move_to(S.INTERVIEW, "employer_accepts")
                return
            firm.n_refusals += 1
            cand.n_refusals += 1
            self.counters["employer_refusals"] += 1
        if cand.search_weeks >= mc.search_give_up_weeks:
            cand.move_to(S.POOL, "search_given_up")

    # 4 -------------------------------------------------------------------------------------
    def phase_work_training(self, week: int) -> None:
        pw = self.cfg.pathway
        for cand in list(self.active.values()):
            if cand.state != S.TRAINING:
                continue
            mode = self.modes[cand.mode_name]
            mc = mode.cfg
            if "contact" in cand.grant and cand.draw() < cand.grant["contact"]:
                cand.contact_this_week = True
                cand.last_contact_week = week
                cand.next_contact_week = week + mode.contact_interval(week - cand.training_start, cand)
                cand.contact_is_visit = None
                if cand.close and not cand.drifted:
                    cand.followup.cocreative_weeks += 1
                if cand.mentor is None and cand.draw() < mc.p_mentor * self.cfg.mentor.p_assign_later:
                    self._assign_mentor(cand, mode)   # a mentor chosen after the start [001:826-828]
                    self.log_event(cand, "mentor_assigned")
            cand.training_week(week)
            if cand.state != S.TRAINING:
                continue
            # readiness check: "hva skal til for å få jobb her?" [001:860], [001:916]
            if week >= cand.next_eval_week:
                cand.next_eval_week = week + mc.evaluation_interval_weeks
                if cand.wage_subsidy is None:   # negotiated once per workplace [001:454], [001:1002]
                    cand.wage_subsidy = cand.draw() < mc.p_wage_subsidy
                if cand.capability >= cand.employer.hire_threshold(cand.wage_subsidy):
                    cand.move_to(S.EVALUATION, "goal_reached")
                    continue
            # 13-week period boundary [001:1010], [001:1602]
            weeks_in = week - cand.training_start
            if weeks_in > 0 and week - cand.period_start >= pw.training_period_weeks:
                self._period_boundary(cand, mode, weeks_in)

    def _period_boundary(self, cand: Candidate, mode: FollowupMode, weeks_in: int) -> None:
        pw = self.cfg.pathway
        mc = mode.cfg
        gained = cand.capability - cand.capability_at_period_start
        stalled = gained < pw.stall_gain
        if weeks_in >= pw.max_training_weeks:
            if not mc.sets_job_goal and not cand.employer.exploitative and cand.draw() < pw.p_lockin:
                cand.move_to(S.LOCKIN, "permanent_wage_subsidy")
            else:
                cand.move_to(S.NOT_SUCCESSFUL, "max_training_reached")
            return
        if weeks_in >= pw.lockin_after_weeks and stalled and not cand.employer.exploitative:
            p = pw.p_lockin * (pw.goal_lockin_mult if mc.sets_job_goal else 1.0)
            if cand.draw() < p:
                cand.move_to(S.LOCKIN, "permanent_wage_subsidy")
                return
        p_extend = mc.p_extend * (pw.stalled_extend_mult if stalled else 1.0)
        if cand.draw() < p_extend:
            cand.period_start = self.week
            cand.capability_at_period_start = cand.capability
            self.log_event(cand, "period_extended")
        else:
            cand.move_to(S.NOT_SUCCESSFUL, "not_extended")

    # 5 -------------------------------------------------------------------------------------
    def phase_employment_and_followup(self, week: int) -> None:
        for cand in list(self.active.values()):
            if cand.state == S.EVALUATION:
                self._evaluation(cand)
            elif cand.state == S.POST_FOLLOWUP:
                self._post_followup(cand)

    def _evaluation(self, cand: Candidate) -> None:
        """Evaluation meeting [001:454]: wage subsidy, career guidance, apprenticeship, placement."""
        if self.week - cand.state_since > self.cfg.pathway.stuck_weeks:
            self._give_up_waiting(cand)
            return
        if cand.draw() >= cand.grant.get("evaluation", 0.0):
            return
        pw = self.cfg.pathway
        mode = self.modes[cand.mode_name]
        mc = mode.cfg
        if not cand.career_choice_made:   # one career conversation per workplace [001:454]
            cand.career_choice_made = True
            guidance = 1.0 if mc.career_guidance else pw.choice_without_guidance_mult
            if cand.age <= pw.apprentice_max_age and cand.draw() < pw.p_apprentice_at_eval * guidance:
                cand.move_to(S.APPRENTICE, "apprenticeship")
                return
            if cand.draw() < pw.p_education_at_eval * guidance:
                cand.move_to(S.EDUCATION, "education")
                return
        weeks = max(1, self.week - max(cand.last_eval_week, cand.training_start))
        cand.last_eval_week = self.week
        if cand.draw() < cand.employer.opening_probability(weeks):
            cand.mentor_kept = cand.mentor is not None and cand.draw() < mc.keep_mentor_after_hire
            if mc.post_followup_weeks > 0:
                cand.move_to(S.POST_FOLLOWUP, "hired")
                cand.post_start = self.week
                cand.last_contact_week = self.week
                if cand.close and not cand.followup.is_js:
                    cand.followup.n_close -= 1   # light post-hire follow-up frees the close slot
                    cand.close = False
                    self._close_episode_ended("employed")
            else:
                cand.move_to(S.EMPLOYED, "hired")
            return
        if cand.ready_since is None:
            cand.ready_since = self.week
        if mc.sets_job_goal and self.week - cand.ready_since >= self.cfg.pathway.move_on_after_weeks:
            # no post here: look for a workplace with a real chance of a job [001:798]
            cand.move_to(S.SEARCH, "no_opening_move_on")
            cand.reset_workplace()
            return
        cand.move_to(S.TRAINING, "no_opening_yet")
        cand.next_eval_week = self.week + mc.evaluation_interval_weeks

    def _post_followup(self, cand: Candidate) -> None:
        mode = self.modes[cand.mode_name]
        mc = mode.cfg
        if "post" in cand.grant and cand.draw() < cand.grant["post"]:
            cand.last_contact_week = self.week
        if cand.mentor is not None:
            hours = 0.5 * cand.mentor.hours_needed(cand.need_level, cand.hidden_revealed)
            self.ledger.book_mentor(self.week, 0, hours, 0.5 * cand.mentor.subsidised_hours)
        followed = self.week - cand.last_contact_week <= self.cfg.pathway.contact_window_weeks
        if cand.life() < cand.job_loss_hazard(followed_up=followed):
            cand.move_to(S.JOB_LOST, "job_ended")
        elif self.week - cand.post_start >= mc.post_followup_weeks:
            cand.move_to(S.RETAINED, "followup_ended")

    # 6 -------------------------------------------------------------------------------------
    def phase_hazards(self, week: int) -> None:
        cfg = self.cfg
        rng = self.streams["staff"]
        # firm leader changes (R13), one draw per firm every week (common random numbers)
        changed = np.flatnonzero(rng.random(len(self.firms)) < cfg.labour_market.leader_change_hazard)
        changed_firms = {self.firms[i].unique_id for i in changed}
        for i in changed:
            self.firms[i].leader_changes += 1
        # adviser turnover (R6), one draw per configured adviser every week
        turn = rng.random(cfg.office.n_advisers + cfg.office.n_job_specialists)
        for adv, u in zip(self.all_advisers, turn, strict=False):
            h = cfg.office.adviser_turnover_hazard
            if adv.over_budget:
                h *= cfg.office.overload_turnover_mult
            if u < h:
                self._adviser_turnover(adv)
        exit_p = cfg.population.pool_exit_hazard
        for cand in list(self.active.values()):
            if cand.state in BEFORE_WORKPLACE:
                # benefits end, disability benefit, moving away: not only while waiting in ordinary follow-up
                if cand.life() < exit_p:
                    cand.move_to(S.EXITED, "left_nav_followup")
                continue
            if cand.state == S.POST_FOLLOWUP and cand.employer is not None \
                    and cand.employer.unique_id in changed_firms:
                # T24: "hvis det hadde kommet en ny sjef ... tilbake på NAV" [001:1519]
                self.log_event(cand, "new_leader_at_firm")
                if cand.draw() < cfg.labour_market.p_end_on_leader_change:
                    cand.move_to(S.JOB_LOST, "new_leader")
                continue
            if cand.state != S.TRAINING:
                continue
            if cand.life() < cand.dropout_hazard():
                cand.move_to(S.DROPOUT, cand.dropout_cause())
                continue
            if cand.strain_weeks > cfg.labour_market.firm_patience_weeks and cand.draw() < cfg.labour_market.p_firm_ends_week:
                cand.move_to(S.NOT_SUCCESSFUL, "firm_ended")
                continue
            if cand.employer.unique_id in changed_firms:
                self.log_event(cand, "new_leader_at_firm")
                if cand.draw() < cfg.labour_market.p_end_on_leader_change:
                    cand.move_to(S.NOT_SUCCESSFUL, "new_leader")
                    continue
                cand.problem_weeks = max(cand.problem_weeks, 1)
            mentor = cand.mentor
            if mentor is not None and mentor.burned_out():
                self._mentor_withdraws(cand)

    def _mentor_withdraws(self, cand: Candidate) -> None:
        """A strained mentor gives up (R4); an adviser in contact may find a new one (T13)."""
        mentor = cand.mentor
        old_subsidy = mentor.subsidised_hours
        mentor.candidate = None
        mentor.subsidised_hours = 0.0
        mentor.available_from_week = self.week + self.cfg.mentor.burnout_rest_weeks
        cand.mentor = None
        self.counters["mentor_burnouts"] += 1
        binding = mentor.binding_agreement
        if cand.contact_this_week and cand.draw() < self.cfg.mentor.p_replace_mentor:
            new = self._new_mentor(cand.employer, self.streams["mentors"])
            new.candidate = cand
            new.candidates_mentored += 1
            new.subsidised_hours = old_subsidy
            if self.modes[cand.mode_name].cfg.subsidy_adjustable:
                new.subsidised_hours = new.hours_needed(cand.need_level, cand.hidden_revealed)
            cand.mentor = new
            self.log_event(cand, "mentor_replaced")
        elif cand.draw() < self.cfg.mentor.p_firm_ends_on_burnout * (
                self.cfg.mentor.binding_withdrawal_mult if binding else 1.0):
            cand.move_to(S.NOT_SUCCESSFUL, "mentor_burnout")
        else:
            self.log_event(cand, "mentor_withdrew")

    def _adviser_turnover(self, adv) -> None:
        """An adviser leaves; a new one takes the caseload with starting competence (R6)."""
        lc = self.cfg.learning
        adv.turnovers += 1
        self.counters["adviser_turnovers"] += 1
        adv.competence = lc.js_competence0 if adv.is_js else lc.adviser_competence0
        for cand in adv.cases.values():
            cand.security = max(0.0, cand.security - self.cfg.office.turnover_security_loss)
            self.log_event(cand, "adviser_replaced")

    # 7 -------------------------------------------------------------------------------------
    def phase_learning(self, week: int) -> None:
        cfg = self.cfg
        if self.network_week:
            self._network_session(week)
        for adv in self.all_advisers:
            adv.learn(adv.cocreative_weeks)
        hybrid = [a.competence for a in self.advisers if a.role == "hybrid" and a.n_close > 0]
        if hybrid and cfg.learning.office_spillover > 0:
            mean = sum(hybrid) / len(hybrid)
            for adv in self.advisers:
                if adv.role == "saksbehandler" and adv.competence < mean:
                    adv.competence += cfg.learning.office_spillover * (mean - adv.competence)

    def _network_session(self, week: int) -> None:
        """Mentor network gathering [001:448]: mentors of networked cases and registry mentors."""
        m = self.cfg.mentor
        rng = self.streams["network"]
        attendees = []
        for cand in self.active.values():
            mentor = cand.mentor
            if mentor is not None and cand.mode_name and self.modes[cand.mode_name].cfg.network:
                attendees.append(mentor)
        seen = {id(x) for x in attendees}
        attendees += [x for x in self.registry if id(x) not in seen and x.candidate is None]
        if not any(a.network_attended for a in self.advisers):
            return   # no adviser could run the session this time
        self.counters["network_sessions"] += 1
        for mentor in attendees:
            p = m.p_attend_binding if mentor.binding_agreement else m.p_attend_voluntary
            if rng.random() < p:
                mentor.attend_network()
                self.ledger.book_mentor(week, 1, m.network_session_hours)

    # 8 -------------------------------------------------------------------------------------
    def phase_record(self, week: int) -> None:
        self.stepped_candidate_weeks += len(self.active)
        row = {"week": week}
        for st in State:
            row[f"n_{st.name.lower()}"] = int(self.state_counts[st])
        row["js_queue"] = len(self.js_queue)
        row["mentors_active"] = sum(1 for c in self.active.values() if c.mentor is not None)
        row["registry_size"] = len(self.registry)
        row["close_cases"] = sum(a.n_close for a in self.advisers)
        row["js_cases"] = sum(len(a.cases) for a in self.job_specialists)
        row["adviser_competence_mean"] = float(np.mean([a.competence for a in self.advisers]))
        self.weekly_rows.append(row)

    # ---------------------------------------------------------------------------------------
    def run(self) -> InclusionModel:
        while self.running and self.week < self.cfg.horizon_weeks:
            self.step()
        return self
