"""The weekly time allocation of an adviser (phase 2)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from agents.time_budget import allocate, python_sum, split


def allocate_by_tier(items, available):
    """The hours granted to items given as (hours, tier)."""
    hours = np.array([h for h, _ in items], dtype=np.float64)
    tiers = np.array([t for _, t in items], dtype=np.int64)
    return allocate(hours, tiers, available).tolist()


def test_tiers_are_served_in_order_and_a_tier_that_does_not_fit_is_shared():
    items = [(4.0, 2), (2.0, 1), (6.0, 2), (5.0, 4)]
    granted = allocate_by_tier(items, 7.0)
    assert granted[1] == 2.0                   # tier 1 first, in full
    assert granted[0] == pytest.approx(2.0)    # tier 2 gets 5 of 10 hours: half each
    assert granted[2] == pytest.approx(3.0)
    assert granted[3] == 0.0                   # search tier gets nothing


@given(st.lists(st.tuples(st.floats(0, 20), st.integers(1, 4)), max_size=30), st.floats(0, 60))
def test_allocation_never_negative_never_above_demand_or_budget(spec, budget):
    granted = allocate_by_tier(spec, budget)
    assert all(0.0 <= g <= hours + 1e-9 for g, (hours, _) in zip(granted, spec))
    assert sum(granted) <= budget + 1e-6
    if sum(hours for hours, _ in spec) <= budget:
        assert sum(granted) == pytest.approx(sum(hours for hours, _ in spec))


def test_leader_support_protects_close_cases():
    # 37.5 h, admin floor 20, close cases want 10, ordinary work wants 15: 17.5 h to share
    _, full_close, full_ordinary = split(37.5, 20.0, 10.0, 15.0, 1.0)
    _, none_close, none_ordinary = split(37.5, 20.0, 10.0, 15.0, 0.0)
    assert full_close == pytest.approx(10.0) and full_ordinary == pytest.approx(7.5)
    assert none_close == pytest.approx(2.5) and none_ordinary == pytest.approx(15.0)


@given(st.floats(0, 60), st.floats(0, 60), st.floats(0, 40), st.floats(0, 40), st.floats(0, 1))
def test_split_budget_is_feasible(budget, floor, close, ordinary, ls):
    g_floor, g_close, g_ord = split(budget, floor, close, ordinary, ls)
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
