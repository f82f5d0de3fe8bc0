"""Phase 8, record: the week's stocks by state and office indicators (one row of the weekly table).

Hours by role and activity are already in the time ledger (phase 2) and go into the weekly table
when the run is turned into tables (``sim.tables``).
"""

from __future__ import annotations

import numpy as np

from domain.states import State


def run(model, week: int) -> None:
    pathways = model.pathways
    staff = model.office
    model.stepped_candidate_weeks += len(pathways.active)
    row = {"week": week}
    for state in State:
        row[state.column] = int(pathways.state_counts[state])
    row["js_queue"] = len(staff.queue)
    row["mentors_active"] = sum(1 for c in pathways.active.values() if c.mentor is not None)
    row["registry_size"] = len(model.mentor_pool.registry)
    row["close_cases"] = sum(a.n_close for a in staff.advisers)
    row["js_cases"] = sum(len(a.cases) for a in staff.specialists)
    row["adviser_competence_mean"] = float(np.mean([a.competence for a in staff.advisers]))
    model.weekly_rows.append(row)
