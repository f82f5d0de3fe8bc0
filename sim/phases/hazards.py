"""Phase 6, hazards.

Firm leader changes (R13) and adviser turnover (R6, more likely in a week over budget or with a
job-specialist-like load [002:25]), one draw per firm and per adviser position every week, keyed by
the firm or position and the week (common random numbers, ``domain.rng.StaffDraw``). A new leader
may end a placement or a job at the firm, whoever follows it up ("tilbake på NAV" [001:1519]), and a leader who was the mentor leaves that role. Users before a workplace
may leave NAV follow-up. For users at a workplace (work training and its evaluation): dropout
(``agents.candidate.dropout_hazard``, summed over the weeks at a workplace against the user's own
threshold: cumulative-hazard inversion, ``domain.rng.BY_CUMULATIVE_HAZARD``), a firm that ends a
placement strained beyond its patience [001:1549], and a mentor who gives up (R4) or moves on (R12)
(``sim.mentoring.lose_mentor``).
These hazards are drawn for all users at once (counter-based draws: the same whatever the order).
"""

from __future__ import annotations

import numpy as np

from agents.candidate import life_shocks
from agents.work_training import workplace_hazards
from domain.rng import LifeEvent, StaffDraw, uniforms, week_positions
from domain.states import AT_WORKPLACE, BEFORE_WORKPLACE, State
from sim import mentoring, pathway
from sim.mentoring import Withdrawal
from sim.tally import Tally

#: Jobs (and subsidised positions) a new leader can end; work training is handled with its hazards.
JOBS = (State.EMPLOYED, State.RETAINED, State.LOCKIN, State.POST_FOLLOWUP)


def run(model, week: int) -> None:
    cfg = model.cfg
    market = cfg.labour_market
    # firm leader changes (R13), one draw per firm every week, keyed by firm and week (common random numbers)
    changed = np.flatnonzero(uniforms(model.firm_keys, week_positions(week, StaffDraw.LEADER_CHANGE))
                             < market.leader_change_hazard)
    changed_firms = {model.firms[i].unique_id for i in changed}
    for i in changed:
        model.firms[i].leader_changes += 1
    # adviser turnover (R6), one draw per position every week, keyed by office, position and week
    position = week_positions(week, StaffDraw.ADVISER_LEAVES)
    for office, keys in zip(model.offices, model.post_keys, strict=True):
        draws = uniforms(keys, position).tolist()
        for adviser, u in zip(office.staff.all_advisers, draws, strict=True):
            hazard = cfg.office.adviser_turnover_hazard
            if adviser.over_budget or adviser.js_like:
                hazard *= cfg.office.overload_turnover_mult
            if u < hazard:
                _adviser_leaves(model, adviser)
    if len(changed):
        # the users in work training at each changed firm, found in one pass over the active pathways
        at_firm: dict[int, list] = {uid: [] for uid in changed_firms}
        for cand in model.pathways.active.values():
            if cand.employer is not None and cand.state in AT_WORKPLACE and cand.employer.unique_id in at_firm:
                at_firm[cand.employer.unique_id].append(cand)
        for i in changed:
            firm = model.firms[i]
            _new_leader(model, firm, week, at_firm[firm.unique_id])
    active = list(model.pathways.active.values())
    # benefits end, disability benefit, moving away: not only while waiting in ordinary follow-up
    before = [cand for cand in active if cand.state in BEFORE_WORKPLACE]
    if before:
        leaving = life_shocks(before, (LifeEvent.EXIT,), week)[:, 0] < cfg.population.pool_exit_hazard
        for i in leaving.nonzero()[0].tolist():
            pathway.move(model, before[i], State.EXITED, "left_nav_followup")
    at_workplace = [cand for cand in active if cand.state in AT_WORKPLACE]
    if at_workplace:
        _workplace_hazards(model, at_workplace, week)


def _workplace_hazards(model, users: list, week: int) -> None:
    """Dropout, a firm out of patience [001:1549], a mentor who burns out (R4) or moves on (R12):
    every user's hazards at once (``agents.work_training.workplace_hazards``), then what follows
    for the few it happens to."""
    cfg = model.cfg
    hit = workplace_hazards(users, week, model.candidate_settings)
    for i in (hit.dropout | hit.firm_ends | hit.burnout | hit.mentor_leaves).nonzero()[0].tolist():
        cand = users[i]
        if cand.state not in AT_WORKPLACE:
            continue     # moved earlier this week by another user's event
        if hit.dropout[i]:
            pathway.move(model, cand, State.DROPOUT, cand.dropout_cause())
        elif hit.firm_ends[i]:
            pathway.move(model, cand, State.NOT_SUCCESSFUL, "firm_ended")
        elif cand.mentor is None:
            continue     # the mentor went earlier this week (another user's move at the same firm)
        elif hit.burnout[i]:
            model.counters[Tally.MENTOR_BURNOUTS] += 1
            _mentor_stops(model, cand, cfg.mentor.burnout_rest_weeks, "mentor_burnout", week)
        else:
            model.counters[Tally.MENTOR_DEPARTURES] += 1
            _mentor_stops(model, cand, 0, "mentor_left_firm", week)


def _new_leader(model, firm, week: int, at_firm: list | None = None) -> None:
    """T24: a new leader may end every placement and job at the firm; a leader who mentored stops [001:1519].

    ``at_firm``: the users in work training there (found by the caller; all active pathways if None)."""
    market = model.cfg.labour_market
    if at_firm is None:
        at_firm = [c for c in model.pathways.active.values() if c.employer is firm and c.state in AT_WORKPLACE]
    for cand in at_firm + list(firm.employees.values()):
        if cand.employer is not firm:
            continue
        model.events.note(week, cand, "new_leader_at_firm")
        if cand.draw() < market.p_end_on_leader_change:
            ended = State.NOT_SUCCESSFUL if cand.state in AT_WORKPLACE else State.JOB_LOST
            pathway.move(model, cand, ended, "new_leader")
            continue
        if cand.mentor is not None and cand.mentor.is_leader:
            _mentor_stops(model, cand, 0, "mentor_was_the_leader", week)
        elif cand.state in AT_WORKPLACE:
            cand.problem_weeks = max(cand.problem_weeks, 1)


def _mentor_stops(model, cand, rest_weeks: int, cause: str, week: int) -> None:
    outcome = mentoring.lose_mentor(model, cand, rest_weeks)
    if outcome is Withdrawal.FIRM_ENDS:
        pathway.move(model, cand, State.NOT_SUCCESSFUL, cause)
    else:
        model.events.note(week, cand, f"{cause}_{outcome.value}")


def _adviser_leaves(model, adviser) -> None:
    """An adviser leaves (R6): the cases' security drops, and the new adviser has firm contacts to
    rebuild and every case to take over (handover hours) [001:732], [001:1032]."""
    keep = round(len(adviser.known_firms) * model.cfg.office.turnover_known_firms_kept)
    adviser.replaced(keep)
    model.counters[Tally.ADVISER_TURNOVERS] += 1
    loss = model.cfg.office.turnover_security_loss
    for cand in adviser.cases.values():
        cand.security = max(0.0, cand.security - loss)
        cand.close_hours_avg = 0.0      # case knowledge goes with the adviser
        model.events.note(model.week, cand, "adviser_replaced")
