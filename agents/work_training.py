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
them with numpy, and writes the new state back: the agents stay the users' identity and state,
the arithmetic is done per week, not per user. Every draw is counter-based (a user's shock of a
kind in a week, ``domain.rng.LifeShocks``; the follow-up's draws, ``domain.rng.WeeklyDraw``), so
it does not depend on the order of the users or on what else was drawn.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from agents import mentor as mentor_rules
from agents.candidate import life_shocks, weekly_draws
from agents.time_budget import Work
from domain.rng import LifeEvent, WeeklyDraw
from domain.terms import NEED_INDEX

#: The user's own shocks a week of work training reads, in this order.
LIFE_KINDS = (LifeEvent.SERVICES, LifeEvent.PROBLEM, LifeEvent.CONFLICT, LifeEvent.CRISIS, LifeEvent.STALL)
#: The follow-up's draws of a week of work training, in this order.
DRAW_KINDS = (WeeklyDraw.CRISIS_RESOLVED, WeeklyDraw.PROBLEM_DETECTED, WeeklyDraw.MENTOR_HANDLES,
              WeeklyDraw.MENTOR_CALLS, WeeklyDraw.CALL_REACHED, WeeklyDraw.CALL_RESOLVES)


@dataclass(slots=True)
class TrainingWeeks:
    """What a week of work training produced that the simulation records, one entry per trainee."""

    mentor_hours: np.ndarray        # mentor hours delivered (0 without a mentor)
    mentor_subsidised: np.ndarray   # subsidised hours the mentor holds this week
    crisis_started: np.ndarray      # bool
    called: np.ndarray              # bool: the mentor called the adviser about a problem
    call_answered: np.ndarray       # bool


def _trainee_row(cand, mode) -> tuple:
    """The numbers of one trainee the rules read (the columns of :data:`_COLUMNS`)."""
    settings = mode.settings
    adviser = cand.pathway_adviser
    grant = cand.grant
    return (cand.contact_this_week, settings.proactive and not cand.drifted, settings.proactive,
            settings.onsite_support, settings.co_creation and not cand.drifted,
            adviser.followup_quality if adviser is not None else 1.0, adviser.competence if adviser is not None else 0.0,
            cand.crisis, cand.problem_weeks, cand.mental_health, cand.barriers, cand.match, cand.capability,
            cand.security, cand.last_contact_week, cand.period_start, cand.strain_weeks,
            NEED_INDEX[cand.need_level], cand.hidden_revealed, grant.get(Work.CRISIS, 0.0),
            grant.get(Work.ON_CALL, 0.0), cand.employer.conflict_probability())


_COLUMNS = ("contact", "proactive", "proactive_mode", "onsite_support", "co_creation", "quality", "adviser_competence",
            "crisis", "problem_weeks", "mental_health", "barriers", "match", "capability", "security",
            "last_contact_week", "period_start", "strain_weeks", "need_index", "hidden_revealed", "crisis_hours",
            "on_call_hours", "conflict_p")


def train_week(trainees: list, modes: list, week: int, settings) -> TrainingWeeks:
    """Phase 4's rules for users in TRAINING (``modes[i]``: the way ``trainees[i]`` is worked this week)."""
    n = len(trainees)
    if n == 0:
        empty = np.zeros(0)
        return TrainingWeeks(empty, empty, empty.astype(bool), empty.astype(bool), empty.astype(bool))
    pathway, rules, learning = settings.pathway, settings.mentor, settings.learning
    col = dict(zip(_COLUMNS, np.array([_trainee_row(c, m) for c, m in zip(trainees, modes, strict=True)],
                                      dtype=float).T, strict=True))
    contact = col["contact"] > 0
    proactive = contact & (col["proactive"] > 0)
    crisis, problem_weeks, quality = col["crisis"] > 0, col["problem_weeks"], col["quality"]
    services_u, problem_u, conflict_u, crisis_u, stall_u = life_shocks(trainees, LIFE_KINDS, week).T
    resolve_u, detect_u, mentor_u, calls_u, reached_u, call_resolves_u = weekly_draws(trainees, DRAW_KINDS, week).T

    # mentor support
    mentors = [c.mentor for c in trainees]
    has_mentor = np.fromiter((m is not None for m in mentors), bool, n)
    at = np.flatnonzero(has_mentor)
    with_mentor = [mentors[i] for i in at]
    m_competence, m_authority, m_subsidised, m_strain, m_peer_until = np.array(
        [(m.competence, m.authority, m.subsidised_hours, m.strain, m.peer_support_until) for m in with_mentor],
        dtype=float).reshape(-1, 5).T
    needed = mentor_rules.hours_needed(rules, learning.kappa_mentor, mentor_rules.need_hours_table(rules)[col["need_index"][at].astype(int)],
                                       col["hidden_revealed"][at], m_competence)
    delivered, unpaid, effect = mentor_rules.support(rules, needed, m_subsidised, m_competence, m_authority)
    mentor_effect = np.zeros(n)
    mentor_effect[at] = effect
    onsite = np.where(contact, col["onsite_support"] * quality, 0.0)
    support = 1.0 - (1.0 - mentor_effect) * (1.0 - onsite)

    # a crisis ends, helped by the adviser's crisis hours (and coordinated health services)
    hours = col["crisis_hours"]
    resolve_p = pathway.p_crisis_resolve_unaided + (pathway.p_crisis_resolve - pathway.p_crisis_resolve_unaided) * hours
    services_p = pathway.p_services_respond + (pathway.p_services_coordinated - pathway.p_services_respond) * hours
    resolve_p = np.where((col["mental_health"] > 0) & (services_u >= services_p), 0.0, resolve_p)
    resolved = crisis & (resolve_u < resolve_p)
    # a small problem: defused by a proactive contact, the mentor, or the mentor's call to the adviser
    in_problem = ~crisis & (problem_weeks > 0)
    detect_w = learning.detect_competence_weight
    detect_p = learning.p_detect_proactive * (1.0 - detect_w + detect_w * col["adviser_competence"]) * quality
    handled = proactive & (detect_u < detect_p)
    mentor_p = np.zeros(n)
    mentor_p[at] = rules.handle_problem_weight * m_competence * m_authority
    fresh = np.zeros(n, bool)
    fresh[at] = m_peer_until >= week     # fresh from the mentor network [001:1192]
    mentor_p = np.where(fresh, np.minimum(1.0, mentor_p * rules.network_problem_solving_mult), mentor_p)
    handled |= has_mentor & (mentor_u < mentor_p)
    called = in_problem & ~handled & has_mentor & (calls_u < pathway.p_mentor_calls)
    # the call gets through if the adviser kept time and is reachable
    answered = called & (reached_u < col["on_call_hours"] * pathway.p_reachable)
    handled |= answered & (call_resolves_u < pathway.p_call_resolves * quality)
    problem_weeks = np.where(in_problem, np.where(handled, 0, problem_weeks + 1), problem_weeks)
    escalated = in_problem & ~handled & (problem_weeks > pathway.escalation_weeks)
    # a new problem or conflict
    calm = ~crisis & ~in_problem
    problem_p = pathway.p_problem_week * (1.0 + pathway.problem_barrier_mult * col["barriers"]) \
        * (1.0 + pathway.problem_poor_match * (1.0 - col["match"]))
    problem_weeks = np.where(calm & ((problem_u < problem_p) | (conflict_u < col["conflict_p"])), 1, problem_weeks)
    # a crisis out of the blue
    crisis_p = pathway.p_crisis_week * np.where(col["mental_health"] > 0, pathway.crisis_mental_health_mult, 1.0)
    started = escalated | (~crisis & ~escalated & (crisis_u < crisis_p))
    in_crisis = (crisis & ~resolved) | started
    problem_weeks = np.where(started, 0, problem_weeks)

    # progress [001:1412], [001:1903]
    capability = col["capability"]
    match_mult = pathway.progress_mult_poor_match + (1.0 - pathway.progress_mult_poor_match) * col["match"]
    support_mult = pathway.progress_mult_no_support + (1.0 - pathway.progress_mult_no_support) * support
    progress = ~in_crisis & (stall_u >= pathway.p_stall_week)
    capability = np.where(progress, capability + pathway.progress_rate * match_mult * support_mult * (1.0 - capability),
                          capability)
    # security ("trygghetsperson" [001:808])
    recent = (week - col["last_contact_week"]) <= pathway.contact_window_weeks
    target = pathway.security_base + pathway.security_support_weight * np.maximum(mentor_effect, onsite) \
        + pathway.security_contact_weight * recent
    if not pathway.long_term_signal and pathway.period_end_weeks > 0:
        into_period = (week - col["period_start"]) % pathway.training_period_weeks
        target = target - pathway.period_end_insecurity * (
            into_period >= pathway.training_period_weeks - pathway.period_end_weeks)
    security = np.clip(col["security"] + pathway.security_adjust * (target - col["security"]), 0.0, 1.0)
    # the mentor's strain and learning
    hard = in_crisis[at] + rules.strain_weight_problem * (problem_weeks[at] > 0) \
        + rules.strain_weight_unpaid * unpaid / max(rules.goodwill_hours, 1e-9)
    m_strain = mentor_rules.strain_after(rules, m_strain, hard, np.where(contact[at], quality[at], 0.0))
    m_competence = mentor_rules.competence_after(rules, m_competence, col["co_creation"][at] * contact[at] > 0)
    # the firm's patience [001:1549]
    over_strained = np.zeros(n, bool)
    over_strained[at] = m_strain > settings.labour_market.firm_strain_mentor_level
    strained = in_crisis | (problem_weeks > 1) | over_strained
    strain_weeks = np.where(strained, col["strain_weeks"] + 1, np.maximum(0, col["strain_weeks"] - 1))

    # the new state, back into the agents
    for cand, weeks_with_problem, cap, sec, weeks_strained in zip(
            trainees, problem_weeks.astype(int).tolist(), capability.tolist(), security.tolist(),
            strain_weeks.astype(int).tolist(), strict=True):
        cand.problem_weeks = weeks_with_problem
        cand.capability = cap
        cand.security = sec
        cand.strain_weeks = weeks_strained
    for mentor, strain, competence in zip(with_mentor, m_strain.tolist(), m_competence.tolist(), strict=True):
        mentor.strain = strain
        mentor.competence = competence
    for i in np.flatnonzero(resolved & ~started).tolist():
        trainees[i].crisis = False
        trainees[i].crisis_known_week = None
    proactive_mode = col["proactive_mode"] > 0
    for i in np.flatnonzero(started).tolist():
        trainees[i].start_crisis(week, proactive_contact=bool(contact[i] and proactive_mode[i]))
    hours_delivered = np.zeros(n)
    hours_delivered[at] = delivered
    subsidised = np.zeros(n)
    subsidised[at] = m_subsidised
    return TrainingWeeks(hours_delivered, subsidised, started, called, answered)
