"""Phase 8, record: the week's stocks by state and office indicators (one row of the weekly table).

Hours by role and activity are already in the time ledger (phase 2) and go into the weekly table
when the run is turned into tables (``sim.tables``).
"""

from __future__ import annotations

import numpy as np

from domain.schema import WEEKLY_INDICATORS
from domain.states import State


def run(model, week: int) -> None:
    pathways = model.pathways
    staff = model.staff
    model.stepped_candidate_weeks += len(pathways.active)
    row = {"week": week}
    for state in State:
        row[state.column] = int(pathways.state_counts[state])
    indicators = (
        sum(len(office.staff.queue) for office in model.offices),             # users waiting for a job specialist
        sum(1 for c in pathways.active.values() if c.mentor is not None),     # mentors at work
        len(model.mentor_pool.registry),                                       # mentors in the registry
        sum(a.n_close for a in staff.advisers),                                # close-follow-up slots in use
        sum(len(a.cases) for a in staff.specialists),                          # job specialists' cases
        float(np.mean([a.competence for a in staff.advisers])),                # ordinary advisers' competence
    )
    row.update(zip(WEEKLY_INDICATORS, indicators, strict=True))
    model.weekly_rows.append(row)
