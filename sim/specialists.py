"""Job specialists: referrals, the queue, taking over heavy cases, and hidden needs that change a case.

A user referred by an activity review (or turned away as too heavy by a case meeting) waits in
the queue (state TRANSFER_JS) until a job specialist has room under the caseload cap; a heavy case
already at a workplace is taken over there, at once if a job specialist has room, else first when
one has (T3 [001:776], [001:792]). The job specialist starts with mapping (if the way of working
maps) or goes straight to job search.
"""

from __future__ import annotations

from domain.states import State
from scenarios.policies import PolicyError
from sim import pathway, caseholding


def request_transfer(model, cand, cause: str) -> None:
    """T3: hand a case that proves too heavy to a job specialist (immediately, or when one has room)."""
    staff = cand.nav_office.staff
    if not staff.has_specialists:
        raise PolicyError(f"policy {model.policy.name!r} handed a case to a job specialist, but the office has none")
    if cand.state == State.TRAINING:
        specialist = staff.free_specialist()
        if specialist is None:
            staff.awaiting_in_training[cand.unique_id] = cand
            return
        pathway.move(model, cand, State.TRANSFER_JS, cause)
        take_case(model, specialist, cand, in_training=True)
    else:
        pathway.move(model, cand, State.TRANSFER_JS, cause)


def take_case(model, specialist, cand, in_training: bool) -> None:
    """A job specialist takes a case: at the workplace it is in, or from the queue (intake)."""
    cand.nav_office.staff.awaiting_in_training.pop(cand.unique_id, None)
    mode = model.modes[model.policy.specialist_mode]
    caseholding.assign(cand, specialist, mode, model.week, model.counters)
    if in_training and cand.employer is not None:
        cand.employer.placements += 1   # released when it left TRAINING
        pathway.move(model, cand, State.TRAINING, "job_specialist_takes_over")
        cand.next_contact_week = model.week
    else:
        cand.mapping_done = 0.0
        cand.search_weeks = 0
        cand.search_credit = 0.0
        first = State.MAPPING if mode.settings.mapping_weeks > 0 else State.SEARCH
        pathway.move(model, cand, first, "job_specialist_intake")


def take_waiting_cases(model) -> None:
    """Phase 1: in each office, job specialists with room take heavy cases at a workplace first, then
    the queue in order."""
    for office in model.offices:
        _take_waiting_cases(model, office.staff)


def _take_waiting_cases(model, staff) -> None:
    for cand in list(staff.awaiting_in_training.values()):
        if cand.state != State.TRAINING:
            staff.awaiting_in_training.pop(cand.unique_id, None)
            continue
        specialist = staff.free_specialist()
        if specialist is None:
            break
        pathway.move(model, cand, State.TRANSFER_JS, "need_too_large")
        take_case(model, specialist, cand, in_training=True)
    while staff.queue:
        specialist = staff.free_specialist()
        if specialist is None:
            break
        take_case(model, specialist, next(iter(staff.queue.values())), in_training=False)


def hidden_need_revealed(model, cand) -> None:
    """A hidden need shows (R9): the case gets heavier, and the policy may hand it to a job specialist."""
    model.events.note(model.week, cand, "hidden_need_revealed")
    cand.reveal_hidden_need()
    if model.policy.refer_when_need_revealed(cand, cand.nav_office.staff):
        request_transfer(model, cand, cause="need_too_large")
