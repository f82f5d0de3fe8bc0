"""Phase 8, record: the week's stocks by state and office indicators (one row of the weekly table).

Hours by role and activity are already in the time ledger (phase 2) and go into the weekly table
when the run is turned into tables (``sim.tables``).
"""

from __future__ import annotations

import numpy as np

from domain.schema import ADVISER_COMPETENCE_MEAN, WEEKLY_INDICATORS
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
        model.ordinary.overdue(),                                              # other users without a plan
    )
    row.update(zip(WEEKLY_INDICATORS, indicators, strict=True))
    model.weekly_rows.append(row)


def merged_rows(regions: list[list[dict]], advisers: list[int]) -> list[dict]:
    """The weekly rows of several regions of a world (``regions[r]``, whose region has ``advisers[r]``
    ordinary advisers) as the world's: stocks and counts added up, the advisers' mean competence
    weighted by their number."""
    merged = []
    for rows in zip(*regions, strict=True):
        row = {name: sum(r[name] for r in rows) for name in rows[0]}
        row["week"] = rows[0]["week"]
        row[ADVISER_COMPETENCE_MEAN] = sum(r[ADVISER_COMPETENCE_MEAN] * n for r, n in zip(rows, advisers, strict=True)) \
            / sum(advisers)
        merged.append(row)
    return merged
