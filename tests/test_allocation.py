"""The weekly time allocation of an adviser (phase 2)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from agents.time_budget import Demand, allocate_by_tier, python_sum, split_budget
from domain.terms import Activity


def item(hours, tier):
    return Demand(None, "x", Activity.ADMIN, hours, tier)


def test_tiers_are_served_in_order_and_a_tier_that_does_not_fit_is_shared():
    items = [item(4, 2), item(2, 1), item(6, 2), item(5, 4)]
    granted = allocate_by_tier(items, 7.0)
    assert granted[1] == 2.0                   # tier 1 first, in full
    assert granted[0] == pytest.approx(2.0)    # tier 2 gets 5 of 10 hours: half each
    assert granted[2] == pytest.approx(3.0)
    assert granted[3] == 0.0                   # search tier gets nothing


@given(st.lists(st.tuples(st.floats(0, 20), st.integers(1, 4)), max_size=30), st.floats(0, 60))
def test_allocation_never_negative_never_above_demand_or_budget(spec, budget):
    items = [item(h, t) for h, t in spec]
    granted = allocate_by_tier(items, budget)
    assert all(0.0 <= g <= it.hours + 1e-9 for g, it in zip(granted, items))
    assert sum(granted) <= budget + 1e-6
    if sum(it.hours for it in items) <= budget:
        assert sum(granted) == pytest.approx(sum(it.hours for it in items))


def test_leader_support_protects_close_cases():
    # 37.5 h, admin floor 20, close cases want 10, ordinary work wants 15: 17.5 h to share
    full = split_budget(37.5, 20.0, 10.0, 15.0, leader_support=1.0)
    none = split_budget(37.5, 20.0, 10.0, 15.0, leader_support=0.0)
    assert full.close == pytest.approx(10.0) and full.ordinary == pytest.approx(7.5)
    assert none.close == pytest.approx(2.5) and none.ordinary == pytest.approx(15.0)


@given(st.floats(0, 60), st.floats(0, 60), st.floats(0, 40), st.floats(0, 40), st.floats(0, 1))
def test_split_budget_is_feasible(budget, floor, close, ordinary, ls):
    split = split_budget(budget, floor, close, ordinary, ls)
    g_floor, g_close, g_ord = split.admin_floor, split.close, split.ordinary
    assert min(g_floor, g_close, g_ord) >= 0
    assert g_floor + g_close + g_ord <= budget + 1e-9
    assert g_close <= close + 1e-9 and g_ord <= ordinary + 1e-9
    # nothing is left idle while demand is unmet
    if g_floor + g_close + g_ord < budget - 1e-9:
        assert g_floor >= floor - 1e-9 and g_close >= close - 1e-9 and g_ord >= ordinary - 1e-9


@given(st.lists(st.floats(0, 50), max_size=40))
def test_the_compiled_plan_sums_hours_as_python_does(values):
    # the compiled week plan must book exactly what Python's sum gives (compensated, in order), or the
    # plan would drift from the one Python made item by item in the last bits
    assert python_sum(np.array(values, dtype=np.float64)) == sum(values)
