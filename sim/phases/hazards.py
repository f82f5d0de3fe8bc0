"""Phase 6, hazards.

Firm leader changes (R13) and adviser turnover (R6, more likely in a week over budget [002:25]),
one draw per firm and per adviser position every week (common random numbers). Users before a
workplace may leave NAV follow-up. A new leader may end a placement or a job in post-hire
follow-up ("tilbake på NAV" [001:1519]). For users in work training: dropout (``Candidate.
dropout_hazard``), a firm that ends a placement strained beyond its patience [001:1549], and a
mentor who gives up (``sim.mentoring.withdraw``).
"""

from __future__ import annotations

import numpy as np

from domain.states import BEFORE_WORKPLACE, State
from sim import mentoring, pathway
from sim.mentoring import Withdrawal
from sim.tally import Tally


def run(model, week: int) -> None:
    cfg = model.cfg
    market = cfg.labour_market
    rng = model.streams["staff"]
    # firm leader changes (R13), one draw per firm every week (common random numbers)
    changed = np.flatnonzero(rng.random(len(model.firms)) < market.leader_change_hazard)
    changed_firms = {model.firms[i].unique_id for i in changed}
    for i in changed:
        model.firms[i].leader_changes += 1
    # adviser turnover (R6), one draw per configured position every week
    draws = rng.random(cfg.office.n_advisers + cfg.office.n_job_specialists)
    for adviser, u in zip(model.staff.all_advisers, draws, strict=False):
        hazard = cfg.office.adviser_turnover_hazard
        if adviser.over_budget:
            hazard *= cfg.office.overload_turnover_mult
        if u < hazard:
            _adviser_leaves(model, adviser)
    exit_p = cfg.population.pool_exit_hazard
    for cand in list(model.pathways.active.values()):
        if cand.state in BEFORE_WORKPLACE:
            # benefits end, disability benefit, moving away: not only while waiting in ordinary follow-up
            if cand.life() < exit_p:
                pathway.move(model, cand, State.EXITED, "left_nav_followup")
            continue
        if cand.state == State.POST_FOLLOWUP and cand.employer is not None \
                and cand.employer.unique_id in changed_firms:
            # T24: "hvis det hadde kommet en ny sjef ... tilbake på NAV" [001:1519]
            model.events.note(week, cand, "new_leader_at_firm")
            if cand.draw() < market.p_end_on_leader_change:
                pathway.move(model, cand, State.JOB_LOST, "new_leader")
            continue
        if cand.state != State.TRAINING:
            continue
        if cand.life() < cand.dropout_hazard():
            pathway.move(model, cand, State.DROPOUT, cand.dropout_cause())
            continue
        if cand.strain_weeks > market.firm_patience_weeks and cand.draw() < market.p_firm_ends_week:
            pathway.move(model, cand, State.NOT_SUCCESSFUL, "firm_ended")
            continue
        if cand.employer.unique_id in changed_firms:
            model.events.note(week, cand, "new_leader_at_firm")
            if cand.draw() < market.p_end_on_leader_change:
                pathway.move(model, cand, State.NOT_SUCCESSFUL, "new_leader")
                continue
            cand.problem_weeks = max(cand.problem_weeks, 1)
        if cand.mentor is not None and cand.mentor.burned_out():
            outcome = mentoring.withdraw(model, cand)
            if outcome is Withdrawal.FIRM_ENDS:
                pathway.move(model, cand, State.NOT_SUCCESSFUL, outcome.value)
            else:
                model.events.note(week, cand, outcome.value)


def _adviser_leaves(model, adviser) -> None:
    """An adviser leaves; a new one takes the cases with starting competence (R6)."""
    adviser.replaced()
    model.counters[Tally.ADVISER_TURNOVERS] += 1
    loss = model.cfg.office.turnover_security_loss
    for cand in adviser.cases.values():
        cand.security = max(0.0, cand.security - loss)
        model.events.note(model.week, cand, "adviser_replaced")
