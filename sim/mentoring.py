"""The mentor lifecycle: a mentor is found, supports a pathway, is registered, rests, or gives up.

* :func:`mentor_found`, :func:`recruit_mentor`: at start-up (or at a later contact) the adviser
  recruits a mentor with the firm, if the way of working does and the firm has someone; the
  briefing, the subsidy (to need or fixed [001:1000], [001:1004]) and a binding network agreement
  are practices that take the adviser's hours;
* :func:`review_subsidy`, :func:`keep_after_hire`: an adjustable subsidy is raised at a contact
  after a hidden need shows; at a hire the mentor may go on [001:452];
* :func:`end_mentoring`, :func:`register`: the pathway at the workplace ended; after a success
  the adviser may register the mentor for reuse [001:456] (when its hours are granted); the mentor
  rests ``registry_pause_weeks`` before a new candidate;
* :func:`lose_mentor`: a strained mentor gives up (R4), moves or leaves the firm (R12), or was the
  leader who left (R13); an adviser in contact may find a new one (T13), or the firm may end the
  placement;
* :func:`ready_registry_mentors`, :func:`attach_registry_mentor`, :func:`drop_proposed_mentor`:
  search proposes a registry mentor's firm; the mentor goes back if the interview fails.
"""

from __future__ import annotations

from enum import Enum

from agents.mentor import Mentor
from domain.rng import MentorDraw, standard_normal, uniform
from domain.states import State


class MentorPool:
    """Every mentor of the run, and the registry of proven mentors."""

    def __init__(self):
        self.all: list[Mentor] = []
        self.registry: list[Mentor] = []


class Withdrawal(Enum):
    REPLACED = "mentor_replaced"        # an adviser in contact found a new mentor
    FIRM_ENDS = "mentor_lost"           # the firm ends the placement
    NOT_REPLACED = "mentor_withdrew"    # the placement goes on without a mentor


def new_mentor(model, cand) -> Mentor:
    """A colleague or the leader at the user's firm, found for ``cand``: its draws come from its own
    counter-based stream (``domain.rng.Streams.mentor_key``: the user and how many mentors the user
    had before), so the user's n-th mentor is the same under every policy."""
    rules = model.cfg.mentor
    key = model.streams.mentor_key(cand.serial, cand.n_mentors)
    cand.n_mentors += 1
    is_leader = uniform(key, MentorDraw.IS_LEADER) < rules.share_leader_is_mentor
    competence = min(1.0, max(0.0, rules.competence0 + rules.competence0_sd
                              * standard_normal(uniform(key, MentorDraw.COMPETENCE))))
    authority = 1.0 if is_leader else rules.authority_min + (1.0 - rules.authority_min) * uniform(key, MentorDraw.AUTHORITY)
    mentor = Mentor(model, employer=cand.employer, is_leader=is_leader, competence=competence, authority=authority,
                    settings=rules, kappa_mentor=model.cfg.learning.kappa_mentor, key=key)
    model.mentor_pool.all.append(mentor)
    return mentor


def recruit_mentor(model, cand, mode, briefing_hours: float, network_agreement: bool = True) -> None:
    """Give the placement a mentor (new, or the registry mentor already attached) and its subsidy.

    ``briefing_hours``: the adviser's time spent explaining the role and planning with the mentor
    (a briefed mentor starts more competent [001:866], [001:880]); the subsidy is set to the user's
    need where the way of working assesses it, else the fixed rate [001:1000], [001:1004]; where
    the way of working has a network and asks for it, the mentor may sign a binding agreement to
    take part [001:1234-1246].
    """
    settings = mode.settings
    rules = model.cfg.mentor
    if cand.mentor is None:
        cand.mentor = new_mentor(model, cand)
    mentor = cand.mentor
    mentor.candidate = cand
    mentor.candidates_mentored += 1
    depth = min(1.0, briefing_hours / rules.full_briefing_hours)
    mentor.competence = min(1.0, mentor.competence + rules.briefing_competence_gain * depth)
    if settings.subsidy_assessment_hours > 0:
        mentor.subsidised_hours = mentor.hours_needed(cand.need_level, cand.hidden_revealed)
    else:
        mentor.subsidised_hours = settings.fixed_subsidy_hours
    if network_agreement and settings.network and settings.network_agreement_hours > 0:
        mentor.binding_agreement = cand.draw() < rules.p_sign_agreement


def mentor_found(model, cand, mode) -> bool:
    """Whether recruiting a mentor succeeds: the way of working recruits, the firm has someone, the user agrees."""
    if mode.settings.mentor_recruitment_hours <= 0:
        return False
    return (cand.draw() < model.cfg.mentor.p_mentor_available
            and cand.draw() >= model.cfg.population.p_refuse_mentor)


def review_subsidy(cand, mode) -> None:
    """At a contact after a hidden need showed: an adjustable subsidy is raised to the new need [001:1004]."""
    if cand.subsidy_review_pending and cand.mentor is not None and mode.settings.subsidy_assessment_hours > 0:
        cand.mentor.subsidised_hours = max(cand.mentor.subsidised_hours, cand.mentor.hours_needed(cand.need_level, True))
        cand.subsidy_review_pending = False


def keep_after_hire(model, cand, mode) -> bool:
    """At a hire: the mentor goes on if the adviser arranges it and the mentor is not worn out [001:452]."""
    if cand.mentor is None or mode.settings.mentor_continuation_hours <= 0:
        return False
    return cand.draw() < model.cfg.mentor.p_continue_after_hire * (1.0 - cand.mentor.strain)


def end_mentoring(model, cand, success: bool) -> None:
    """The workplace pathway ended: the mentor is freed; after a success the adviser may register them."""
    mentor = cand.mentor
    if mentor is None:
        return
    rules = model.cfg.mentor
    mentor.release(rules.registry_pause_weeks, model.week)
    mentor.strain = 0.0
    mode = cand.mode
    adviser = cand.pathway_adviser or cand.last_pathway_adviser
    if (success and mode is not None and mode.settings.registry_hours > 0 and not mentor.in_registry
            and adviser is not None and cand.draw() < rules.p_register_after_success):
        adviser.pending_registrations.append((mentor, mode.settings.registry_hours))
    cand.mentor = None
    cand.mentor_kept = False   # natural support lives on only as the firm's inclusion competence


def register(model, mentor) -> None:
    """The adviser's registration is done: the mentor is in the registry for later candidates [001:456]."""
    if not mentor.in_registry:
        mentor.in_registry = True
        model.mentor_pool.registry.append(mentor)


def lose_mentor(model, cand, rest_weeks: int) -> Withdrawal:
    """The mentor stops (burnout R4, moving away, a new leader who was the mentor): an adviser in
    contact this week may find a new one (T13), or the firm may end the placement."""
    rules = model.cfg.mentor
    mentor = cand.mentor
    old_subsidy = mentor.subsidised_hours
    mentor.release(rest_weeks, model.week)
    cand.mentor = None
    cand.mentor_kept = False
    cand.security = max(0.0, cand.security - rules.loss_security_drop)   # the relationship is gone [001:904]
    if cand.contact_this_week and cand.draw() < rules.p_replace_mentor:
        # not recruit_mentor: no start-up meeting; the replacement keeps the old subsidy unless it is set to need
        replacement = new_mentor(model, cand)
        replacement.candidate = cand
        replacement.candidates_mentored += 1
        replacement.subsidised_hours = old_subsidy
        if cand.mode.settings.subsidy_assessment_hours > 0:
            replacement.subsidised_hours = replacement.hours_needed(cand.need_level, cand.hidden_revealed)
        cand.mentor = replacement
        return Withdrawal.REPLACED
    p_end = rules.p_firm_ends_on_burnout * (rules.binding_withdrawal_mult if mentor.binding_agreement else 1.0)
    if cand.state != State.POST_FOLLOWUP and cand.draw() < p_end:
        return Withdrawal.FIRM_ENDS
    return Withdrawal.NOT_REPLACED


def ready_registry_mentors(pool: MentorPool, week: int) -> list[Mentor]:
    """Registered mentors free to take a new candidate at a firm with room."""
    return [m for m in pool.registry
            if m.candidate is None and m.available_from_week <= week and m.employer.has_room()]


def attach_registry_mentor(cand, mentor: Mentor) -> None:
    """The firm of a registry mentor took the candidate: the mentor comes with it."""
    cand.mentor = mentor
    mentor.candidate = cand


def drop_proposed_mentor(cand) -> None:
    """The placement did not start: a mentor proposed with the firm is free again."""
    if cand.mentor is not None:
        cand.mentor.candidate = None
