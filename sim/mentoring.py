"""The mentor lifecycle: a mentor is found, supports a pathway, is registered, rests, or gives up.

* :func:`assign_mentor`: a placement gets a mentor (a new colleague or leader at the firm, or the
  registry mentor proposed with the firm) and its subsidy: adjusted to the need, or fixed
  [001:1000], [001:1004]; at start-up also whether the mentor signs a binding network agreement;
* :func:`end_mentoring`: the pathway at the workplace ended: a mentor of a successful pathway may
  join the registry for reuse [001:456]; the mentor rests ``registry_pause_weeks`` before a new
  candidate;
* :func:`withdraw`: a strained mentor gives up (R4) and rests ``burnout_rest_weeks``; an adviser
  in contact may find a new one (T13), or the firm may end the placement;
* :func:`ready_registry_mentors`, :func:`attach_registry_mentor`, :func:`drop_proposed_mentor`:
  search proposes a registry mentor's firm; the mentor goes back if the interview fails.
"""

from __future__ import annotations

from enum import Enum

import numpy as np

from agents.mentor import Mentor
from sim.tally import Tally


class MentorPool:
    """Every mentor of the run, and the registry of proven mentors."""

    def __init__(self):
        self.all: list[Mentor] = []
        self.registry: list[Mentor] = []


class Withdrawal(Enum):
    REPLACED = "mentor_replaced"        # an adviser in contact found a new mentor
    FIRM_ENDS = "mentor_burnout"        # the firm ends the placement
    NOT_REPLACED = "mentor_withdrew"    # the placement goes on without a mentor


def new_mentor(model, firm) -> Mentor:
    """A colleague or the leader at ``firm`` (drawn from the ``mentors`` stream)."""
    rules = model.cfg.mentor
    rng = model.streams["mentors"]
    is_leader = bool(rng.random() < rules.share_leader_is_mentor)
    competence = float(np.clip(rng.normal(rules.competence0, rules.competence0_sd), 0.0, 1.0))
    authority = 1.0 if is_leader else float(rng.uniform(rules.authority_min, 1.0))
    mentor = Mentor(model, employer=firm, is_leader=is_leader, competence=competence, authority=authority,
                    settings=rules, kappa_mentor=model.cfg.learning.kappa_mentor)
    model.mentor_pool.all.append(mentor)
    return mentor


def assign_mentor(model, cand, mode, network_agreement: bool = True) -> None:
    """Give the placement a mentor (new, or the registry mentor already attached) and its subsidy.

    ``network_agreement``: the start-up meeting also settles whether the mentor signs a binding
    agreement to take part in the mentor network [001:1234-1246] (not so in a direct hire).
    """
    settings = mode.settings
    if cand.mentor is None:
        cand.mentor = new_mentor(model, cand.employer)
    mentor = cand.mentor
    mentor.candidate = cand
    mentor.candidates_mentored += 1
    if settings.subsidy_adjustable:
        mentor.subsidised_hours = mentor.hours_needed(cand.need_level, cand.hidden_revealed)
    else:
        mentor.subsidised_hours = settings.fixed_subsidy_hours
    if network_agreement:
        mentor.binding_agreement = cand.draw() < settings.binding_agreement_share


def end_mentoring(model, cand, success: bool) -> None:
    """The workplace pathway ended: the mentor is freed (and may be registered after a success)."""
    mentor = cand.mentor
    if mentor is None:
        return
    rules = model.cfg.mentor
    mentor.release(rules.registry_pause_weeks, model.week)
    mentor.strain = 0.0
    if success and cand.mode is not None and cand.mode.settings.register_mentors and not mentor.in_registry:
        if cand.draw() < rules.p_register_after_success:
            mentor.in_registry = True
            model.mentor_pool.registry.append(mentor)
    cand.mentor = None
    cand.mentor_kept = False   # natural support lives on only as the firm's inclusion competence


def withdraw(model, cand) -> Withdrawal:
    """A strained mentor gives up (R4); an adviser in contact this week may find a new one (T13)."""
    rules = model.cfg.mentor
    mentor = cand.mentor
    old_subsidy = mentor.subsidised_hours
    mentor.release(rules.burnout_rest_weeks, model.week)
    cand.mentor = None
    model.counters[Tally.MENTOR_BURNOUTS] += 1
    if cand.contact_this_week and cand.draw() < rules.p_replace_mentor:
        # not assign_mentor: the replacement keeps the old subsidy unless it is adjusted to need, and
        # no network agreement is negotiated in the middle of a placement
        replacement = new_mentor(model, cand.employer)
        replacement.candidate = cand
        replacement.candidates_mentored += 1
        replacement.subsidised_hours = old_subsidy
        if cand.mode.settings.subsidy_adjustable:
            replacement.subsidised_hours = replacement.hours_needed(cand.need_level, cand.hidden_revealed)
        cand.mentor = replacement
        return Withdrawal.REPLACED
    p_end = rules.p_firm_ends_on_burnout * (rules.binding_withdrawal_mult if mentor.binding_agreement else 1.0)
    if cand.draw() < p_end:
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
