"""Phase 2, advisers plan the week.

Each adviser lists the week's demand (casework for the caseload plus backlog, and the items of
every case followed under its way of working) and divides the weekly hours (``agents.adviser``;
every adviser's week at once, ``agents.week_plan``);
granted hours and unmet demand go into the time ledger. A mentor network session is due every
``mentor.network_interval_weeks`` weeks where a way of working has a network [001:448]. A close
case whose moving average of granted hours falls below its way of working's ``drift_below_hours``
has drifted: this week it is worked the ordinary way (reactive, no co-creation, none of the close
practices) [001:684], [001:930].
"""

from __future__ import annotations

from domain.states import State
from sim import mentoring
from sim.tally import Tally

#: States in which a close case can drift (the adviser's own work with the case, not waiting).
DRIFT_STATES = (State.MAPPING, State.SEARCH, State.TRAINING)


def run(model, week: int) -> None:
    interval = model.cfg.mentor.network_interval_weeks
    model.network_week = interval > 0 and week % interval == 0 and model.has_mentor_network
    for office in model.offices:
        office.ia_hours_left = model.cfg.office.ia_hours_week
    active = model.pathways.active
    for cand in active.values():
        cand.close_hours_week = 0.0
        cand.contact_this_week = False
    advisers = model.staff.all_advisers
    for adviser in advisers:
        adviser.cocreative_weeks = 0
    planned = model.planner.plan(advisers, week, model.network_week, model.cfg.mentor.network_session_hours)
    model.ledger.book_adviser_weeks(week, planned)
    for adviser, adviser_week in zip(advisers, planned.advisers, strict=True):
        adviser.last_week = adviser_week       # what a viewer of the run shows of this adviser's week
        for mentor in adviser_week.registered_mentors:
            mentoring.register(model, mentor)
    ordinary = model.modes[model.policy.ordinary_mode]
    counters = model.counters
    for cand in active.values():
        drifted = False
        if cand.close and cand.state in DRIFT_STATES:      # most cases are not close: tested first
            threshold = cand.mode.settings.drift_below_hours
            if threshold > 0:
                cand.close_hours_avg = 0.75 * cand.close_hours_avg + 0.25 * cand.close_hours_week
                drifted = cand.close_hours_avg < threshold
                if drifted:
                    counters[Tally.CLOSE_CASE_WEEKS_DRIFTED] += 1
                counters[Tally.CLOSE_CASE_WEEKS] += 1
        cand.drifted = drifted
        cand.week_mode = ordinary if drifted else cand.mode
