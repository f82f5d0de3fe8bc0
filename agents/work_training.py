"""A week of work training, for every user in it at once: the candidates' and mentors' rules over arrays.

The rules (brief 1.5, 6, 7):

* work capability grows with support (mentor hours x competence x authority, plus the adviser's
  own on-site support), faster with a good interest match [001:834], and stalls now and then
  [001:1893];
* small problems arise (more with barriers, a poor match, conflicts at an uninformed workplace);
  a proactive contact or a competent mentor may defuse one, or the mentor calls the adviser;
  unnoticed, it becomes a crisis [001:922], [004:31]; a reactive adviser learns of a crisis only
  after a lag [001:1666]; a crisis of a user with mental-health needs waits for health services
  unless the adviser coordinates them [001:1562];
* a sense of security rises with mentor and adviser contact and falls before an uncertain
  period boundary [001:808], [001:1586];
* the mentor's strain grows in hard weeks and competence with practice (``agents.mentor``); the
  firm's patience wears in strained weeks [001:1549].

:func:`train_week` reads the trainees' state from the agents once, applies the rules to all of
them in one compiled loop (``numba``: numpy's per-call cost on a few dozen users a week was larger
than the arithmetic), and writes the new state back: the agents stay the users' identity and
state. Every draw is counter-based (a user's shock of a kind in a week, ``domain.rng.LifeShocks``;
the follow-up's draws, ``domain.rng.WeeklyDraw``), computed for all trainees at once, so nothing
depends on the order of the users or on what else was drawn.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np
from numba import njit

from agents import mentor as mentor_rules
from agents import candidate as candidate_rules
from agents.candidate import life_shocks, weekly_draws
from agents.followup import period_ends
from agents.time_budget import Work
from domain.rng import LifeEvent, WeeklyDraw, week_hazard
from agents.row_packing import RowFormat
from domain.terms import NEED_INDEX, NEED_LEVELS, by_need_level

#: The user's own shocks a week of work training reads, in this order.
LIFE_KINDS = (LifeEvent.SERVICES, LifeEvent.PROBLEM, LifeEvent.CONFLICT, LifeEvent.CRISIS, LifeEvent.STALL)
#: The follow-up's draws of a week of work training, in this order.
DRAW_KINDS = (WeeklyDraw.CRISIS_RESOLVED, WeeklyDraw.PROBLEM_DETECTED, WeeklyDraw.MENTOR_HANDLES,
              WeeklyDraw.MENTOR_CALLS, WeeklyDraw.CALL_REACHED, WeeklyDraw.CALL_RESOLVES)


class Trainee(IntEnum):
    """The columns of a trainee's row (:func:`_trainee_row`)."""

    CONTACT = 0              # the adviser's contact took place this week
    PROACTIVE = 1            # the way of working is proactive and the case has not drifted
    PROACTIVE_MODE = 2       # the way of working is proactive
    ONSITE_SUPPORT = 3       # the adviser's own support at the workplace during a contact
    CO_CREATION = 4          # the adviser works with the mentor (and the case has not drifted)
    QUALITY = 5              # the adviser's follow-up quality (1 within budget)
    ADVISER_COMPETENCE = 6
    CRISIS = 7
    PROBLEM_WEEKS = 8
    MENTAL_HEALTH = 9
    BARRIERS = 10
    MATCH = 11
    CAPABILITY = 12
    SECURITY = 13
    LAST_CONTACT_WEEK = 14
    PERIOD_START = 15
    STRAIN_WEEKS = 16
    NEED_HOURS = 17          # the mentor's hours for the user's need level
    HIDDEN_REVEALED = 18
    CRISIS_HOURS = 19        # share of the crisis work granted
    ON_CALL_HOURS = 20       # share of the on-call time granted
    CONFLICT_P = 21          # the workplace's weekly chance of a conflict
    TRAINING_START = 22
    PERIOD_WEEKS = 23        # the way of working's period length
    NEXT_EVAL_WEEK = 24      # the next week a contact checks readiness for a job
    HAS_MENTOR = 25
    MENTOR_COMPETENCE = 26
    MENTOR_AUTHORITY = 27
    MENTOR_SUBSIDISED = 28   # subsidised hours the mentor holds
    MENTOR_STRAIN = 29
    MENTOR_PEER_UNTIL = 30   # last week of the lift from a mentor network session


@dataclass(slots=True)
class TrainingWeeks:
    """What a week of work training produced that the simulation records, one entry per trainee."""

    mentor_hours: np.ndarray        # mentor hours delivered (0 without a mentor)
    mentor_subsidised: np.ndarray   # subsidised hours the mentor holds this week
    crisis_started: np.ndarray      # bool
    called: np.ndarray              # bool: the mentor called the adviser about a problem
    call_answered: np.ndarray       # bool
    readiness_check: np.ndarray     # bool: a contact took place and a readiness check is due
    period_end: np.ndarray          # bool: the work-training period ends this week


#: A trainee's row as the rules read it (:func:`_trainee_row`): its own numbers, then its mentor's.
TRAINEE_ROW = RowFormat(len(Trainee))
_OWN_COLUMNS = RowFormat(Trainee.HAS_MENTOR)
_MENTOR_COLUMNS = RowFormat(len(Trainee) - Trainee.HAS_MENTOR)
_NO_MENTOR = _MENTOR_COLUMNS.pack(False, 0.0, 0.0, 0.0, 0.0, -1)


def _trainee_row(cand, mode, need_hours: tuple) -> bytes:
    """The numbers of one trainee the rules read, in the order of :class:`Trainee` (packed, ``TRAINEE_ROW``)."""
    settings = mode.settings
    adviser = cand.pathway_adviser
    grant = cand.grant
    mentor = cand.mentor
    return _OWN_COLUMNS.pack(
        cand.contact_this_week, settings.proactive and not cand.drifted, settings.proactive,
        settings.onsite_support, settings.co_creation and not cand.drifted,
        adviser.followup_quality if adviser is not None else 1.0, adviser.competence if adviser is not None else 0.0,
        cand.crisis, cand.problem_weeks, cand.mental_health, cand.barriers, cand.match, cand.capability,
        cand.security, cand.last_contact_week, cand.period_start, cand.strain_weeks,
        need_hours[NEED_INDEX[cand.need_level]], cand.hidden_revealed, grant.get(Work.CRISIS, 0.0),
        grant.get(Work.ON_CALL, 0.0), cand.employer.conflict_probability(), cand.training_start, mode.period_weeks,
        cand.next_eval_week) + (
        _MENTOR_COLUMNS.pack(True, mentor.competence, mentor.authority, mentor.subsidised_hours, mentor.strain,
                             mentor.peer_support_until) if mentor is not None else _NO_MENTOR)


def train_week(trainees: list, modes: list, week: int, settings) -> TrainingWeeks:
    """Phase 4's rules for users in TRAINING (``modes[i]``: the way ``trainees[i]`` is worked this week)."""
    mentor_section = settings.mentor
    need_hours = tuple(by_need_level(mentor_section, "hours_needed", level) for level in NEED_LEVELS)
    rows = TRAINEE_ROW.matrix([_trainee_row(c, m, need_hours) for c, m in zip(trainees, modes, strict=True)])
    life = life_shocks(trainees, LIFE_KINDS, week)
    draws = weekly_draws(trainees, DRAW_KINDS, week)
    (problem_weeks, capability, security, strain_weeks, resolved, started, called, answered, mentor_hours,
     mentor_strain, mentor_competence) = _train(week, settings.numbers["pathway"], settings.numbers["mentor"],
                                                settings.numbers["learning"], settings.numbers["labour_market"],
                                                rows, life, draws)
    # the new state, back into the agents
    for cand, weeks_with_problem, cap, sec, weeks_strained in zip(
            trainees, problem_weeks.tolist(), capability.tolist(), security.tolist(), strain_weeks.tolist(), strict=True):
        cand.problem_weeks = weeks_with_problem
        cand.capability = cap
        cand.security = sec
        cand.strain_weeks = weeks_strained
    has_mentor = rows[:, Trainee.HAS_MENTOR] > 0
    for i, strain, competence in zip(has_mentor.nonzero()[0].tolist(), mentor_strain[has_mentor].tolist(),
                                     mentor_competence[has_mentor].tolist(), strict=True):
        mentor = trainees[i].mentor
        mentor.strain = strain
        mentor.competence = competence
    for i in resolved.nonzero()[0].tolist():
        trainees[i].crisis = False
        trainees[i].crisis_known_week = None
    proactive_contact = (rows[:, Trainee.CONTACT] > 0) & (rows[:, Trainee.PROACTIVE_MODE] > 0)
    for i in started.nonzero()[0].tolist():
        trainees[i].start_crisis(week, proactive_contact=bool(proactive_contact[i]))
    return TrainingWeeks(mentor_hours, np.where(has_mentor, rows[:, Trainee.MENTOR_SUBSIDISED], 0.0), started, called,
                         answered, *_due(week, rows))


@njit(cache=True)
def _train(week, pathway_numbers, mentor_numbers, learning_numbers, market_numbers, rows, life, draws):
    """The week of every trainee (a row of ``rows``, its shocks in ``life`` by ``LIFE_KINDS``, its
    draws in ``draws`` by ``DRAW_KINDS``): the rules of the module's docstring, user by user. The
    settings come as records of their sections' numbers (``domain.params.numbers_of``)."""
    pathway, mentor, learning, market = pathway_numbers[0], mentor_numbers[0], learning_numbers[0], market_numbers[0]
    n = rows.shape[0]
    problem_weeks = np.zeros(n, np.int64)
    capability = np.zeros(n)
    security = np.zeros(n)
    strain_weeks = np.zeros(n, np.int64)
    resolved = np.zeros(n, np.bool_)
    started = np.zeros(n, np.bool_)
    called = np.zeros(n, np.bool_)
    answered = np.zeros(n, np.bool_)
    mentor_hours = np.zeros(n)
    mentor_strain = np.zeros(n)
    mentor_competence = np.zeros(n)
    for i in range(n):
        row = rows[i]
        services_u, problem_u, conflict_u, crisis_u, stall_u = life[i, 0], life[i, 1], life[i, 2], life[i, 3], life[i, 4]
        contact = row[Trainee.CONTACT] > 0
        proactive = contact and row[Trainee.PROACTIVE] > 0
        quality = row[Trainee.QUALITY]
        has_mentor = row[Trainee.HAS_MENTOR] > 0
        m_competence = row[Trainee.MENTOR_COMPETENCE]
        m_authority = row[Trainee.MENTOR_AUTHORITY]
        crisis = row[Trainee.CRISIS] > 0
        weeks_with_problem = int(row[Trainee.PROBLEM_WEEKS])
        match = row[Trainee.MATCH]
        # mentor support
        mentor_effect = 0.0
        unpaid = 0.0
        if has_mentor:
            needed = mentor_rules.hours_needed(mentor, learning.kappa_mentor, row[Trainee.NEED_HOURS],
                                               row[Trainee.HIDDEN_REVEALED] > 0, m_competence)
            delivered, unpaid, mentor_effect = mentor_rules.support(mentor, needed, row[Trainee.MENTOR_SUBSIDISED],
                                                                    m_competence, m_authority)
            mentor_hours[i] = delivered
        onsite = row[Trainee.ONSITE_SUPPORT] * quality if contact else 0.0
        support = 1.0 - (1.0 - mentor_effect) * (1.0 - onsite)
        # problems and crises
        if crisis:
            hours = row[Trainee.CRISIS_HOURS]
            resolve_p = pathway.p_crisis_resolve_unaided \
                + (pathway.p_crisis_resolve - pathway.p_crisis_resolve_unaided) * hours
            if row[Trainee.MENTAL_HEALTH] > 0:
                # health and support services are slow to act unless the adviser coordinates them [001:1562]
                services_p = pathway.p_services_respond \
                    + (pathway.p_services_coordinated - pathway.p_services_respond) * hours
                if services_u >= services_p:
                    resolve_p = 0.0
            if draws[i, 0] < resolve_p:
                crisis = False
                resolved[i] = True
        else:
            if weeks_with_problem > 0:
                handled = False
                if proactive:
                    w = learning.detect_competence_weight
                    detect_p = learning.p_detect_proactive * (1.0 - w + w * row[Trainee.ADVISER_COMPETENCE]) * quality
                    handled = draws[i, 1] < detect_p
                if not handled and has_mentor:
                    handle_p = mentor.handle_problem_weight * m_competence * m_authority
                    if row[Trainee.MENTOR_PEER_UNTIL] >= week:   # fresh from the mentor network [001:1192]
                        handle_p = min(1.0, handle_p * mentor.network_problem_solving_mult)
                    handled = draws[i, 2] < handle_p
                if not handled and has_mentor and draws[i, 3] < pathway.p_mentor_calls:
                    # the mentor calls NAV; the call gets through if the adviser kept time and is reachable
                    called[i] = True
                    answered[i] = draws[i, 4] < row[Trainee.ON_CALL_HOURS] * pathway.p_reachable
                    handled = answered[i] and draws[i, 5] < pathway.p_call_resolves * quality
                if handled:
                    weeks_with_problem = 0
                else:
                    weeks_with_problem += 1
                    if weeks_with_problem > pathway.escalation_weeks:
                        started[i] = True
            else:
                problem_p = pathway.p_problem_week * (1.0 + pathway.problem_barrier_mult * row[Trainee.BARRIERS]) \
                    * (1.0 + pathway.problem_poor_match * (1.0 - match))
                if problem_u < problem_p or conflict_u < row[Trainee.CONFLICT_P]:
                    weeks_with_problem = 1
            if not started[i]:
                crisis_p = pathway.p_crisis_week
                if row[Trainee.MENTAL_HEALTH] > 0:
                    crisis_p *= pathway.crisis_mental_health_mult
                started[i] = crisis_u < crisis_p
            if started[i]:
                crisis = True
                weeks_with_problem = 0
        # progress [001:1412], [001:1903]
        cap = row[Trainee.CAPABILITY]
        if not crisis and stall_u >= pathway.p_stall_week:
            match_mult = pathway.progress_mult_poor_match + (1.0 - pathway.progress_mult_poor_match) * match
            support_mult = pathway.progress_mult_no_support + (1.0 - pathway.progress_mult_no_support) * support
            cap += pathway.progress_rate * match_mult * support_mult * (1.0 - cap)
        capability[i] = cap
        # security ("trygghetsperson" [001:808])
        recent = 1.0 if week - row[Trainee.LAST_CONTACT_WEEK] <= pathway.contact_window_weeks else 0.0
        target = pathway.security_base + pathway.security_support_weight * max(mentor_effect, onsite) \
            + pathway.security_contact_weight * recent
        if not pathway.long_term_signal and pathway.period_end_weeks > 0:
            into_period = (week - int(row[Trainee.PERIOD_START])) % pathway.training_period_weeks
            if into_period >= pathway.training_period_weeks - pathway.period_end_weeks:
                target -= pathway.period_end_insecurity
        sec = row[Trainee.SECURITY]
        sec += pathway.security_adjust * (target - sec)
        security[i] = min(1.0, max(0.0, sec))
        # the mentor's strain and learning
        strain = row[Trainee.MENTOR_STRAIN]
        if has_mentor:
            hard = (1.0 if crisis else 0.0) + (mentor.strain_weight_problem if weeks_with_problem > 0 else 0.0)
            if unpaid > 0:
                hard += mentor.strain_weight_unpaid * unpaid / max(mentor.goodwill_hours, 1e-9)
            strain = mentor_rules.strain_after(mentor, strain, hard, quality if contact else 0.0)
            mentor_strain[i] = strain
            mentor_competence[i] = mentor_rules.competence_after(mentor, m_competence,
                                                                 contact and row[Trainee.CO_CREATION] > 0)
        # the firm's patience [001:1549]
        strained = crisis or weeks_with_problem > 1 or (has_mentor and strain > market.firm_strain_mentor_level)
        weeks_strained = int(row[Trainee.STRAIN_WEEKS])
        strain_weeks[i] = weeks_strained + 1 if strained else max(0, weeks_strained - 1)
        problem_weeks[i] = weeks_with_problem
    return (problem_weeks, capability, security, strain_weeks, resolved, started, called, answered, mentor_hours,
            mentor_strain, mentor_competence)


@njit(cache=True)
def _due(week, rows):
    """Per trainee: a contact took place and a readiness check is due; the period ends this week
    (``agents.followup.period_ends``)."""
    n = rows.shape[0]
    readiness_check = np.zeros(n, np.bool_)
    period_end = np.zeros(n, np.bool_)
    for i in range(n):
        row = rows[i]
        readiness_check[i] = row[Trainee.CONTACT] > 0 and week >= row[Trainee.NEXT_EVAL_WEEK]
        period_end[i] = period_ends(week, row[Trainee.TRAINING_START], row[Trainee.PERIOD_START],
                                    row[Trainee.PERIOD_WEEKS])
    return readiness_check, period_end


# --- the hazards at a workplace ------------------------------------------------------------------

@dataclass(slots=True)
class WorkplaceHazards:
    """What happens this week to each user at a workplace (bool per user; at most one is true)."""

    dropout: np.ndarray       # the user gives up (``agents.candidate.dropout_hazard``)
    firm_ends: np.ndarray     # the firm, strained beyond its patience, ends the placement [001:1549]
    burnout: np.ndarray       # the mentor gives up (R4)
    mentor_leaves: np.ndarray  # the mentor moves on from the firm (R12)


#: A user's row for the hazards at a workplace (:func:`_hazards`).
_HAZARD_ROW = RowFormat(11)


def workplace_hazards(users: list, week: int, settings) -> WorkplaceHazards:
    """This week's hazards of users in work training or at its evaluation, all at once.

    Dropout by cumulative-hazard inversion (``domain.rng.BY_CUMULATIVE_HAZARD``): the week's dropout
    hazard is added to each user's sum, and a user whose sum exceeds the user's threshold drops out;
    the sum then starts again against the user's next threshold (also when another user's event
    moves the user first this week, as a week's shock would have been spent)."""
    h0 = tuple(by_need_level(settings.pathway, "h0_drop", level) for level in NEED_LEVELS)
    rows = _HAZARD_ROW.matrix([
        _HAZARD_ROW.pack(h0[NEED_INDEX[c.need_level]], c.unsupported(), c.crisis, c.problem_weeks > 0, c.security, c.match,
                         c.strain_weeks, c.mentor is not None, c.mentor.strain if c.mentor is not None else 0.0,
                         c.dropout_hazard_sum, c.dropout_threshold)
        for c in users])
    draws = weekly_draws(users, (WeeklyDraw.FIRM_ENDS, WeeklyDraw.MENTOR_LEAVES), week)
    dropout, firm_ends, burnout, leaves, hazard_sum = _hazards(
        settings.numbers["pathway"], settings.numbers["mentor"], settings.numbers["labour_market"], rows, draws)
    for cand, total in zip(users, hazard_sum.tolist(), strict=True):
        cand.dropout_hazard_sum = total
    for i in dropout.nonzero()[0].tolist():
        cand = users[i]
        cand.n_dropout_thresholds += 1
        cand.dropout_threshold = cand.life.threshold(LifeEvent.DROPOUT, cand.n_dropout_thresholds)
    return WorkplaceHazards(dropout, firm_ends, burnout, leaves)


@njit(cache=True)
def _hazards(pathway_numbers, mentor_numbers, market_numbers, rows, draws):
    """Per user (a row: base hazard, unsupported, crisis, problem, security, match, strain weeks, has
    a mentor, the mentor's strain, the dropout hazard summed so far, the dropout threshold): dropout,
    else the firm ends, else the mentor burns out or leaves; and each user's new dropout hazard sum
    (0 after a dropout: the next threshold starts from nothing)."""
    pathway, mentor, market = pathway_numbers[0], mentor_numbers[0], market_numbers[0]
    n = rows.shape[0]
    dropout = np.zeros(n, np.bool_)
    firm_ends = np.zeros(n, np.bool_)
    burnout = np.zeros(n, np.bool_)
    leaves = np.zeros(n, np.bool_)
    hazard_sum = np.zeros(n)
    for i in range(n):
        h0, unsupported, crisis, problem, security, match, strain_weeks, has_mentor, strain, total, threshold = rows[i]
        total += week_hazard(candidate_rules.dropout_hazard(pathway, h0, unsupported > 0, crisis > 0, problem > 0,
                                                            security, match))
        if total > threshold:
            dropout[i] = True
            total = 0.0
        elif strain_weeks > market.firm_patience_weeks and draws[i, 0] < market.p_firm_ends_week:
            firm_ends[i] = True
        elif has_mentor > 0:
            if strain > mentor.burnout_threshold:
                burnout[i] = True
            elif draws[i, 1] < mentor.leave_firm_hazard:
                leaves[i] = True
        hazard_sum[i] = total
    return dropout, firm_ends, burnout, leaves, hazard_sum
