"""Employment spells read from the event table."""

from __future__ import annotations

import pandas as pd

from analysis.spells import employed_at, employment_spells, weeks_employed


def _events(rows):
    return pd.DataFrame(rows, columns=["candidate_id", "week", "from_state", "to_state"])


def test_spells_start_and_end_at_the_moves_in_and_out_of_a_job():
    events = _events([(1, 0, "POOL", "TRAINING"), (2, 3, "TRAINING", "TRAINING"),        # a note: no move
                      (1, 10, "EVALUATION", "EMPLOYED"), (1, 20, "EMPLOYED", "POST_FOLLOWUP"),
                      (1, 30, "POST_FOLLOWUP", "JOB_LOST"), (1, 50, "EVALUATION", "EMPLOYED")])
    spells = employment_spells(events, horizon=60)
    assert spells.values.tolist() == [[1, 10, 30], [1, 50, 61]]
    starts = pd.Series([0, 0], index=[1, 2])
    assert weeks_employed(spells, starts, 78).tolist() == [31.0, 0.0]
    assert weeks_employed(spells, pd.Series([25], index=[1]), 10).tolist() == [5.0]
    assert employed_at(spells, pd.Series([25, 25], index=[1, 2])).tolist() == [True, False]
    assert employed_at(spells, pd.Series([30, 60], index=[1, 1])).tolist() == [False, True]


def test_the_users_with_a_spell_are_the_users_ever_hired_in_a_run():
    from domain.config import from_dict
    from sim.tables import run_model

    result = run_model(from_dict({"policy": {"name": "jobbspesialist"}, "seed": 3}))
    spells = employment_spells(result.events, horizon=result.meta["config"]["horizon_weeks"])
    hired = set(result.candidates.loc[result.candidates["first_job_week"].notna(), "candidate_id"])
    assert hired and set(spells["candidate_id"]) == hired
    first = spells.groupby("candidate_id")["start"].min()
    expected = result.candidates.set_index("candidate_id")["first_job_week"].dropna().astype(int)
    assert first.sort_index().tolist() == expected.loc[first.index].sort_index().tolist()
