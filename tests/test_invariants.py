"""Invariants checked every week: nobody lost or duplicated, one state each, caps, hours >= 0."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from conftest import small_config
from domain.states import ACTIVE_STATES, ALLOWED, PLACEMENT_STATES, State
from sim.model import InclusionModel

POLICIES = ["saksbehandler", "hybrid", "jobbspesialist", "brobygger"]


def check_invariants(m: InclusionModel) -> None:
    cands = m.candidates
    ids = [c.unique_id for c in cands]
    assert len(ids) == len(set(ids))                                      # none lost, none duplicated
    assert [c.serial for c in cands] == list(range(len(cands)))
    counts = Counter(c.state for c in cands)
    for st in State:
        assert m.pathways.state_counts[st] == counts.get(st, 0), st      # stocks match states
    assert set(m.pathways.active) == {c.unique_id for c in cands if c.state in ACTIVE_STATES}
    for c in cands:
        if c.state in ACTIVE_STATES:
            assert c.pathway_adviser is not None and c.unique_id in c.pathway_adviser.cases
            assert c.mode is not None
        if c.state == State.POOL:
            assert c.unique_id in c.caseload_adviser.pool
    slots = m.cfg.office.hybrid_slots
    cap = m.cfg.office.caseload_cap
    start = max(m.cfg.office.caseload_ordinary, 0)
    advisers = m.staff.advisers
    if min(a.caseload() for a in advisers) < cap:       # while anyone has room, arrivals go there
        assert all(a.caseload() <= max(cap, start + 1) for a in advisers)
    for adv in advisers:
        assert set(adv.pool) == {c.unique_id for c in cands if c.caseload_adviser is adv and c.state == State.POOL}
        assert adv.n_close == sum(1 for c in adv.cases.values() if c.close)
        assert 0 <= adv.n_close <= adv.close_slots <= slots
        assert all(c.state in ACTIVE_STATES for c in adv.cases.values())
    for js in m.staff.specialists:
        assert len(js.cases) <= m.cfg.office.js_caseload_cap                # IPS caseload cap
    placed = Counter(c.employer.unique_id for c in cands if c.state in PLACEMENT_STATES and c.employer)
    for f in m.firms:
        assert f.placements == placed.get(f.unique_id, 0)
        assert 0 <= f.placements <= f.capacity
    for mentor in m.mentor_pool.all:
        if mentor.candidate is not None:
            assert mentor.candidate.mentor is mentor
    led = m.ledger
    assert (led.hours >= 0).all() and (led.unmet >= 0).all() and (led.mentor_hours >= 0).all()
    assert np.isfinite(led.hours).all()


@pytest.mark.parametrize("policy", POLICIES)
def test_invariants_hold_every_week(policy):
    m = InclusionModel(small_config(policy={"name": policy}, horizon_weeks=78,
                                    population={"inflow_per_week": 0.5}))
    check_invariants(m)
    for _ in range(m.cfg.horizon_weeks):
        m.step()
        check_invariants(m)


def test_ordinary_caseload_cap_sends_new_users_to_advisers_with_room():
    m = InclusionModel(small_config(office={"caseload_cap": 41}, population={"inflow_per_week": 3.0,
                                                                             "pool_exit_hazard": 0.0}))
    for _ in range(30):
        m.step()
        loads = [a.caseload() for a in m.staff.advisers]
        assert max(loads) <= 41 or min(loads) >= 41
    assert m.counters["arrivals_above_cap"] > 0          # the office filled up and said so


def test_default_model_needs_no_arguments():
    m = InclusionModel()
    assert m.cfg.office.n_advisers == 12 and m.cfg.horizon_weeks == 156
    for _ in range(4):
        m.step()
    assert m.week == 4 and len(m.candidates) >= 12 * round(70 * 0.25)
    check_invariants(m)


@pytest.mark.parametrize("policy", POLICIES)
def test_event_log_replays_to_the_final_states(policy):
    m = InclusionModel(small_config(policy={"name": policy}, horizon_weeks=104)).run()
    state = {c.serial: State.POOL for c in m.candidates}
    for row in m.events.rows:
        assert State(row.from_state) == state[row.candidate], row
        assert row.from_state == row.to_state or State(row.to_state) in ALLOWED[State(row.from_state)], row
        state[row.candidate] = State(row.to_state)
    assert all(state[c.serial] == c.state for c in m.candidates)
