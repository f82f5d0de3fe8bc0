"""Candidate: a user with complex support needs on an adviser's caseload ("bruker -> kandidat -> ansatt").

The user's state and the rules that concern one user at a time (brief 1.5, 6, 7):

* hidden needs show after start [001:1034] and raise the support the case needs;
* a crisis: a proactive contact knows at once, a reactive adviser only after a lag [001:1666];
* the weekly dropout hazard combines need level, mentor presence, problems, crises, insecurity
  and match (brief 6.3), summed over the weeks at a workplace against the user's own threshold
  (cumulative-hazard inversion, ``domain.rng.BY_CUMULATIVE_HAZARD``); the hazards of an own job
  and of losing a job.

The week of work training (support, problems, crises, progress, security) is applied to every
user in it at once, over arrays (``agents.work_training``). The simulation moves a user between
pathway states (``sim.pathway``) and records what happened.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass, field, fields
from itertools import takewhile

import mesa
import numpy as np
from numba import njit

from domain.params import numbers_of
from domain.rng import LifeEvent, uniforms, week_positions
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
    #: the same sections' numbers, as the compiled rules read them (``domain.params.numbers_of``): a
    #: copy taken here, so a setting changed after the model is built would not reach them
    numbers: dict = field(init=False, compare=False, repr=False)

    def __post_init__(self):
        object.__setattr__(self, "numbers", {name: numbers_of(getattr(self, name))
                                             for name in ("pathway", "mentor", "learning", "labour_market")})


def life_shocks(cands: list, kinds, week: int) -> np.ndarray:
    """The users' own shocks of ``kinds`` in ``week`` (a row per user, a column per kind), as each
    user's ``life(kind, week)`` gives them."""
    return _draws([c.life.key for c in cands], kinds, week)


def weekly_draws(cands: list, kinds, week: int) -> np.ndarray:
    """The follow-up's draws of ``kinds`` (``domain.rng.WeeklyDraw``) for the users in ``week``."""
    return _draws([c.weekly_key for c in cands], kinds, week)


def _draws(keys: list[int], kinds, week: int) -> np.ndarray:
    """The draws of ``kinds`` in ``week`` of the streams with these keys (a row per key)."""
    return uniforms(np.array(keys, dtype=np.uint64)[:, None], week_positions(week, kinds)[None, :])


@njit(cache=True)
def dropout_hazard(pathway, h0: float, unsupported: bool, crisis: bool, problem: bool, security: float,
                   match: float) -> float:
    """The weekly dropout hazard at a workplace (brief 6.3): ``h0``, the need level's base hazard,
    higher without a mentor or on-site support (``unsupported``), in a crisis or else with a small
    problem, with insecurity and with a poor match (compiled; ``.py_func`` for one user in Python)."""
    h = h0
    if unsupported:
        h *= pathway.m_no_mentor
    if crisis:
        h *= 1.0 + pathway.c_crisis
    elif problem:
        h *= 1.0 + pathway.c_problem
    h *= 1.0 + pathway.c_insecure * (1.0 - security)
    h *= 1.0 + pathway.c_poor_match * (1.0 - match)
    return min(h, 1.0)


class JobHistory:
    """What a user's job spells say about a week (a candidate, or its record at the end of a run)."""

    __slots__ = ()

    def employed_at(self, week: int) -> bool:
        """In an ordinary job that week."""
        return any(spell.covers(week) and not spell.permanent_subsidy for spell in self.job_spells)

    def subsidised_at(self, week: int) -> bool:
        """In a position on a permanent wage subsidy that week."""
        return any(spell.covers(week) and spell.permanent_subsidy for spell in self.job_spells)


class Candidate(mesa.Agent, JobHistory):
    #: Every attribute of a candidate, stored in the object itself rather than in a per-object dict:
    #: a national world holds about 200,000 candidates, and their hot numbers packed together cost
    #: fewer cache misses (12 offices: 2.66 -> 2.40 s a run). An attribute left out would still work,
    #: in Mesa's dict; ``tests/test_world.py`` checks that none is.
    __slots__ = (
        # identity, streams and settings
        "serial", "draw", "life", "weekly_key", "search_key", "n_mentors", "settings",
        "dropout_threshold", "dropout_hazard_sum", "n_dropout_thresholds",
        # attributes
        "need_level", "need_level0", "registered_need", "age", "barriers", "mental_health", "hidden_need",
        "hidden_revealed", "capability", "interest", "interest_known", "study_motivation", "max_fte", "entry_week",
        "caseload_adviser",
        # pathway state
        "state", "state_since", "mode", "pathway_adviser", "last_pathway_adviser", "close", "ever_close",
        "first_close_week", "ever_js", "job_in_close_episode", "transferred_from_close", "week_mode",
        "schedule_version", "grant", "hours", "close_hours_week", "close_hours_avg", "drifted",
        # the current pathway (reset_pathway) and workplace (reset_workplace)
        "mapping_done", "training_start", "period_start", "capability_at_period_start", "next_contact_week",
        "last_contact_week", "contact_is_visit", "next_eval_week", "last_eval_week", "security", "post_start",
        "mentor_kept", "contact_this_week", "subsidy_review_pending", "employer", "mentor", "match", "search_weeks",
        "search_credit", "ready_since", "strain_weeks", "problem_weeks", "crisis", "crisis_known_week",
        "wage_subsidy", "wage_subsidy_wanted", "career_choice_made", "direct_hire",
        # outcomes
        "first_job_week", "job_spells", "n_dropouts", "n_not_successful", "n_job_lost", "n_placements", "n_contacts",
        "n_refusals", "n_transfers", "start_week", "lockin_week", "queue_since", "wait_weeks",
    )

    def __init__(self, model, *, serial: int, draw, life, weekly_key: int, search_key: int, need_level: str, age: int, barriers: int,
                 mental_health: bool, hidden_need: bool, capability: float, interest: str, study_motivation: float,
                 entry_week: int, caseload_adviser, registered_need: str, max_fte: float, settings: CandidateSettings):
        super().__init__(model)
        self.serial = serial
        #: next uniform(0,1) of this user's process stream (what the follow-up decides)
        self.draw = draw
        #: this user's own shocks: ``life(kind, week)``, the same under every policy (``domain.rng.LifeShocks``)
        self.life = life
        #: key of this user's stream of weekly draws for the rules over arrays (``domain.rng.WeeklyDraw``)
        self.weekly_key = weekly_key
        #: key of this user's employer search: the n-th contact's draws (``domain.rng.SearchDraw``)
        self.search_key = search_key
        #: mentors found for this user so far (the next one's key: ``domain.rng.Streams.mentor_key``)
        self.n_mentors = 0
        #: dropout by cumulative-hazard inversion (``domain.rng.BY_CUMULATIVE_HAZARD``): the user's
        #: current Exp(1) threshold (the ``n_dropout_thresholds``-th of the life stream), and the
        #: dropout hazard summed over the weeks at a workplace since the last threshold was crossed
        #: (``agents.work_training.workplace_hazards``); kept across placements, never reset otherwise
        self.n_dropout_thresholds = 0
        self.dropout_threshold = life.threshold(LifeEvent.DROPOUT, 0)
        self.dropout_hazard_sum = 0.0
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

    def record(self) -> UserRecord:
        """What the run tables and KPIs keep of this user: a copy that needs nothing else of the run."""
        return UserRecord(*_RECORDED(self), self.nav_office.index, list(self.hours), list(self.job_spells))

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

    def start_crisis(self, week: int, proactive_contact: bool) -> None:
        """A crisis: a proactive contact knows at once, otherwise the adviser learns of it after a lag."""
        self.crisis = True
        self.problem_weeks = 0
        lag = 0 if proactive_contact else self.mode.crisis_lag(self)
        self.crisis_known_week = week + lag

    # -- hazards ------------------------------------------------------------------------------
    def dropout_hazard(self) -> float:
        """This week's dropout hazard (:func:`dropout_hazard`)."""
        return dropout_hazard.py_func(self.settings.pathway, by_need_level(self.settings.pathway, "h0_drop", self.need_level),
                                      self.unsupported(), self.crisis, self.problem_weeks > 0, self.security, self.match)

    def unsupported(self) -> bool:
        """Neither a mentor nor the adviser's on-site support at the workplace this week."""
        return self.mentor is None and not (self.contact_this_week and self.mode.settings.onsite_support > 0.0)

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


@dataclass(slots=True)
class UserRecord(JobHistory):
    """A user at the end of a run, as the run tables and KPIs read them (``Candidate.record``): plain
    values that travel between processes and outlive the model."""

    serial: int
    need_level0: str
    need_level: str
    age: int
    barriers: int
    hidden_need: bool
    capability: float
    entry_week: int
    state: State
    first_job_week: int | None
    start_week: int | None
    ever_close: bool
    first_close_week: int | None
    ever_js: bool
    job_in_close_episode: bool
    transferred_from_close: bool
    n_placements: int
    n_dropouts: int
    n_not_successful: int
    n_job_lost: int
    n_contacts: int
    n_refusals: int
    n_transfers: int
    wait_weeks: int
    lockin_week: int | None
    office_index: int              # the NAV office the user belongs to
    hours: list[float]             # adviser hours booked to the user, by activity
    job_spells: list[JobSpell]


#: A candidate's attributes a record copies as they are: the fields of ``UserRecord`` before ``office_index``.
_RECORDED = operator.attrgetter(*takewhile(lambda name: name != "office_index", (f.name for f in fields(UserRecord))))
