"""Phase 1, arrivals and intake.

The users outside the target group have their week first (``agents.caseload``: reviews as their
adviser's casework allows, own jobs, exits, a new user in each place left), on last week's share of
casework done, as the target group's reviews below.
New target-group users arrive (Poisson) and join a random adviser's caseload, or the adviser with
most room when that one is full. Calendar entries due this week fire: activity reviews, exits from
NAV follow-up, returns after a rest, job losses of users employed without follow-up, jobs found
without a pathway. At a review, the policy decides what it starts (nothing, a quick ordinary
placement, a referral to a job specialist); a review the adviser had no casework time for is
postponed [001:780]. Hybrid advisers with free slots select users for close follow-up, longest
waiting first; job specialists with room take heavy cases at a workplace, then the queue.
"""

from __future__ import annotations

import numpy as np

from domain.states import State
from domain.terms import ReviewAction
from scenarios.policies import PolicyError
from scenarios.office_agents import draw_user
from sim import pathway, placement, specialists, caseholding
from sim.calendar import Due
from sim.tally import Tally


def run(model, week: int) -> None:
    _arrivals(model, week)
    # the users outside the target group: reviews as the casework allows, own jobs, exits, a new user in a place left
    model.ordinary.week(week, np.array([adviser.ordinary_intensity for adviser in model.staff.advisers]))
    for cand, what in model.calendar.due(week):
        if what is Due.REVIEW:
            _review(model, cand)
        elif what is Due.EXIT:
            pathway.move(model, cand, State.EXITED, "left_nav_followup")
        elif what is Due.RETURN:
            pathway.move(model, cand, State.POOL, "cooldown_over")
        elif what is Due.JOB_LOSS:
            ended = "subsidised_position_ended" if cand.state == State.LOCKIN else "job_ended"
            pathway.move(model, cand, State.JOB_LOST, ended)
        elif what is Due.OWN_JOB:
            pathway.move(model, cand, State.EMPLOYED, "own_job_search")
    _select_close_cases(model)
    specialists.take_waiting_cases(model)


def _arrivals(model, week: int) -> None:
    for office in model.offices:
        _arrivals_at(model, office.staff.advisers, week)


def _arrivals_at(model, advisers: list, week: int) -> None:
    """New target-group users at one office, each on an ordinary adviser's caseload."""
    rng = model.streams["arrivals"]
    cap = model.cfg.office.caseload_cap
    for _ in range(int(rng.poisson(model.cfg.population.inflow_per_week))):
        adviser = advisers[int(rng.integers(len(advisers)))]
        if adviser.caseload() >= cap:
            # the office gives a new user to the adviser with most room; nobody can refuse users
            adviser = min(advisers, key=lambda a: a.caseload())
            if adviser.caseload() >= cap:
                model.counters[Tally.ARRIVALS_ABOVE_CAP] += 1
        cand = draw_user(model, rng, serial=len(model.pathways.candidates), caseload_adviser=adviser,
                         entry_week=week, population=model.cfg.population, sector_mix=model.sector_mix,
                         streams=model.streams, settings=model.candidate_settings,
                         horizon_weeks=model.cfg.horizon_weeks)
        pathway.register(model, cand)


def _review(model, cand) -> None:
    """Activity review of a user in ordinary follow-up (aktivitetskrav).

    The review is ordinary casework: an adviser who has not been getting through it postpones the
    review ("20 stykker uten aktivitetsplan" [001:780]).
    """
    intensity = cand.caseload_adviser.ordinary_intensity
    if cand.draw() >= intensity:
        model.counters[Tally.REVIEWS_POSTPONED] += 1
        model.calendar.schedule(cand, model.week + model.cfg.office.review_postpone_weeks, Due.REVIEW)
        return
    model.counters[Tally.REVIEWS_DONE] += 1
    staff = cand.nav_office.staff
    action = model.policy.review(cand, staff)
    if action is ReviewAction.ORDINARY_PLACEMENT:
        placement.start_ordinary_placement(model, cand)
    elif action is ReviewAction.REFER_TO_SPECIALIST:
        if not staff.has_specialists:
            raise PolicyError(f"policy {model.policy.name!r} referred a user to a job specialist, but the office has "
                              "none under it (set specialist_mode and office.n_job_specialists > 0)")
        pathway.move(model, cand, State.TRANSFER_JS, "referred_to_job_specialist")
    else:
        # more time per user means more frequent reviews (up to ordinary_intensity_cap)
        interval = model.cfg.policy.review_interval_weeks / max(1.0, intensity)
        model.calendar.schedule(cand, model.week + max(1, round(interval)), Due.REVIEW)


def _select_close_cases(model) -> None:
    """Hybrid advisers fill free close-follow-up slots from their own pool, longest waiting first.

    An adviser takes a new close case only while the workload allows (uptake falls with workload,
    more so without the leader's backing [001:1981], [001:225]).
    """
    if not model.policy.uses_close_followup:
        return
    mode = model.modes[model.policy.close_mode]
    office = model.cfg.office
    limit = office.close_uptake_pressure * (0.8 + 0.4 * office.leader_support)
    for adviser in model.staff.advisers:
        if adviser.free_slots() <= 0 or not adviser.pool or adviser.pressure >= limit or adviser.js_like:
            continue
        picks = [c for c in adviser.pool.values() if model.policy.eligible_for_close(adviser, c)]
        picks.sort(key=lambda c: (c.state_since, c.unique_id))
        for cand in picks[:adviser.free_slots()]:
            caseholding.assign(cand, adviser, mode, model.week, model.counters)
            pathway.move(model, cand, State.SCREEN, "selected_for_close_followup")
