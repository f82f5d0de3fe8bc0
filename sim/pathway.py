"""Moving a user between pathway states: the one place a state changes, and what follows from it.

:func:`move` checks the transition against the state machine (``domain.states.ALLOWED``), writes
the event row, keeps the stocks and memberships right (who is stepped, who is on which caseload,
who waits for a job specialist, which firm places are taken), records outcomes (first job, job
spells, dropouts, ...), ends the follow-up and the mentoring of a pathway that is over, and makes
what entering the new state starts (post-hire follow-up, a fresh search, ordinary follow-up with
its reviews, a rest, the end of a job without follow-up).
"""

from __future__ import annotations

import numpy as np

from agents.candidate import JobSpell
from domain.states import (ACTIVE_STATES, AT_WORKPLACE, EMPLOYED_STATES, OFF_CASELOAD, PLACEMENT_STATES, RESTING,
                           SUCCESS, State, check_transition)
from sim import mentoring, caseholding
from domain.rng import LifeEvent
from sim.calendar import Due

#: In a job at the firm (ordinary or permanently subsidised).
WORKING_AT_FIRM = frozenset({State.EMPLOYED, State.POST_FOLLOWUP, State.RETAINED, State.LOCKIN})
#: Back to search from these states: the workplace (and a mentor proposed with it) is left behind.
LEAVING_A_WORKPLACE = frozenset({State.INTERVIEW, State.STARTUP, State.EVALUATION})


class Pathways:
    """Every user of the run, the stocks by state, and the users stepped every week."""

    def __init__(self):
        self.candidates: list = []
        self.state_counts = np.zeros(len(State), dtype=np.int64)
        self.active: dict[int, object] = {}    # users in an active state, by id, in order of entry


def register(model, cand) -> None:
    """A new user on an ordinary adviser's caseload, in ordinary follow-up."""
    model.pathways.candidates.append(cand)
    model.pathways.state_counts[State.POOL] += 1
    cand.caseload_adviser.on_caseload[cand.unique_id] = cand
    enter_pool(model, cand)


def enter_pool(model, cand) -> None:
    """Ordinary follow-up: the next activity review, and the chance of leaving or finding a job alone."""
    cand.caseload_adviser.pool[cand.unique_id] = cand
    cand.mode = None
    cand.pathway_adviser = None
    week = model.week
    population = model.cfg.population
    wait = 1 + int(cand.draw() * model.cfg.policy.review_interval_weeks)
    model.calendar.schedule(cand, week + wait, Due.REVIEW)
    schedule_shock(model, cand, LifeEvent.EXIT, population.pool_exit_hazard, Due.EXIT)
    schedule_shock(model, cand, LifeEvent.OWN_JOB, cand.own_job_hazard(cand.caseload_adviser.ordinary_intensity),
                   Due.OWN_JOB)


def schedule_shock(model, cand, kind: LifeEvent, weekly_p: float, due: Due) -> None:
    """Put the week of the user's next shock of ``kind`` (below ``weekly_p``) in the calendar."""
    week = cand.life.first_week(kind, model.week, weekly_p)
    if week is not None:
        model.calendar.schedule(cand, week, due)


def move(model, cand, new: State, cause: str) -> None:
    """Move ``cand`` to ``new``; every consequence of the change happens here."""
    old = cand.state
    check_transition(old, new, f"candidate {cand.serial}", cause)
    week = model.week
    pathways = model.pathways
    model.events.transition(week, cand, old, new, cause)
    pathways.state_counts[old] -= 1
    pathways.state_counts[new] += 1
    cand.schedule_version += 1
    uid = cand.unique_id
    # who is stepped, and memberships
    if new in ACTIVE_STATES:
        pathways.active[uid] = cand
    else:
        pathways.active.pop(uid, None)
    if old == State.POOL:
        cand.caseload_adviser.pool.pop(uid, None)
    if old == State.TRANSFER_JS:
        cand.nav_office.staff.queue.pop(uid, None)
        if cand.queue_since is not None:
            cand.wait_weeks += week - cand.queue_since
            cand.queue_since = None
    if new in OFF_CASELOAD:
        cand.caseload_adviser.on_caseload.pop(uid, None)
    else:
        cand.caseload_adviser.on_caseload[uid] = cand
    # leaving the follow-up of an adviser
    if cand.pathway_adviser is not None and new not in ACTIVE_STATES:
        caseholding.release(cand, new, model.counters)
    # firm capacity
    if old in PLACEMENT_STATES and new not in PLACEMENT_STATES and cand.employer is not None:
        cand.employer.placements -= 1
    _record_outcome(model, cand, old, new)
    if cand.employer is not None:   # who works at the firm (a new leader can end their jobs)
        if new in WORKING_AT_FIRM:
            cand.employer.employees[uid] = cand
        elif old in WORKING_AT_FIRM:
            cand.employer.employees.pop(uid, None)
    # the end of a workplace pathway teaches the firm and frees (or registers) the mentor
    if old in AT_WORKPLACE and new not in AT_WORKPLACE and new != State.TRANSFER_JS:
        success = new in SUCCESS
        if cand.employer is not None:
            cand.employer.learn(success)
        if not (new == State.POST_FOLLOWUP and cand.mentor_kept):
            mentoring.end_mentoring(model, cand, success)
    if old == State.POST_FOLLOWUP and cand.mentor is not None:
        mentoring.end_mentoring(model, cand, success=(new == State.RETAINED))
    _enter(model, cand, old, new)
    cand.set_state(new, week)


def _record_outcome(model, cand, old: State, new: State) -> None:
    week = model.week
    if new in (State.EMPLOYED, State.POST_FOLLOWUP) and old not in EMPLOYED_STATES:
        if cand.first_job_week is None:
            cand.first_job_week = week
        if cand.close and not cand.pathway_adviser.is_specialist:
            cand.job_in_close_episode = True    # the job started while in a hybrid slot
        subsidy_weeks = model.cfg.pathway.wage_subsidy_weeks if cand.wage_subsidy else 0
        cand.job_spells.append(JobSpell(week, None, subsidy_weeks, cand.max_fte))
    elif new == State.JOB_LOST:
        cand.n_job_lost += 1
        if cand.job_spells and cand.job_spells[-1].end is None:
            cand.job_spells[-1].end = week
    elif new == State.DROPOUT:
        cand.n_dropouts += 1
    elif new == State.NOT_SUCCESSFUL:
        cand.n_not_successful += 1
    elif new == State.LOCKIN:   # a paid position on a permanent wage subsidy [001:1519-1521]
        cand.lockin_week = week
        cand.job_spells.append(JobSpell(week, None, 0, cand.max_fte, permanent_subsidy=True))
    elif new == State.TRANSFER_JS:
        cand.n_transfers += 1
        cand.queue_since = week
        cand.nav_office.staff.queue[cand.unique_id] = cand
        schedule_shock(model, cand, LifeEvent.EXIT, model.cfg.population.pool_exit_hazard, Due.EXIT)


def _enter(model, cand, old: State, new: State) -> None:
    """What entering ``new`` starts: follow-up after hire, a fresh search, ordinary follow-up, a rest."""
    week = model.week
    if new == State.POST_FOLLOWUP:
        cand.post_start = week
        cand.last_contact_week = week
        caseholding.free_close_slot(cand, model.counters)   # light post-hire follow-up frees a close slot
    elif new == State.SEARCH and old in LEAVING_A_WORKPLACE:
        mentoring.drop_proposed_mentor(cand)
        cand.reset_workplace()
    elif new == State.POOL:
        cand.reset_pathway()
        enter_pool(model, cand)
    elif new in RESTING:
        cand.reset_pathway()
        model.calendar.schedule(cand, week + max(1, model.cfg.pathway.reentry_cooldown_weeks), Due.RETURN)
    elif new in (State.EMPLOYED, State.RETAINED):
        schedule_shock(model, cand, LifeEvent.JOB_LOSS, cand.job_loss_hazard(followed_up=False), Due.JOB_LOSS)
    elif new == State.LOCKIN:
        schedule_shock(model, cand, LifeEvent.JOB_LOSS, model.cfg.pathway.lockin_end_hazard, Due.JOB_LOSS)
