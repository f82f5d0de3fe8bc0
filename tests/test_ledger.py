"""The time ledger books every planned adviser's week under its role, and refuses negative hours."""

from __future__ import annotations

import numpy as np
import pytest

from agents.week_plan import PlannedWeek
from domain.terms import ACTIVITIES, ROLE_INDEX, ROLES, Role
from sim.ledger import TimeLedger


def _planned(roles: list[Role], booked, unmet=None, over=None) -> PlannedWeek:
    n = len(roles)
    booked = np.asarray(booked, dtype=float)
    return PlannedWeek(advisers=[], roles=np.array([ROLE_INDEX[r] for r in roles], dtype=np.int64), booked=booked,
                       unmet=np.zeros_like(booked) if unmet is None else np.asarray(unmet, dtype=float),
                       pressure=np.linspace(0.5, 1.5, n), over_budget=np.array(over or [False] * n),
                       js_like=np.array([False, True, False][:n]), backlog=np.arange(n, dtype=float))


def test_the_weeks_of_one_role_are_added_in_the_advisers_order():
    # floating point shows the order: from -1e16, adding 1e16, 1 and 1 gives 2; adding 1, 1 and then
    # 1e16 (or the three summed first) gives 0
    booked = np.zeros((3, len(ACTIVITIES)))
    booked[:, 0] = [1e16, 1.0, 1.0]
    ledger = TimeLedger(horizon_weeks=1)
    ledger.hours[1, ROLE_INDEX[Role.HYBRID], 0] = -1e16        # as if booked earlier in the week
    ledger.book_adviser_weeks(1, _planned([Role.HYBRID] * 3, booked))
    assert ledger.hours[1, ROLE_INDEX[Role.HYBRID], 0] == 2.0


@pytest.mark.parametrize("week", [-1, 3])
def test_a_week_outside_the_ledger_is_refused(week):
    ledger = TimeLedger(horizon_weeks=2)
    with pytest.raises(IndexError, match=f"week {week} is outside the ledger's weeks 0-2"):
        ledger.book_adviser_weeks(week, _planned([Role.HYBRID], np.ones((1, len(ACTIVITIES)))))


def test_arrays_of_other_lengths_are_refused():
    planned = _planned([Role.HYBRID, Role.HYBRID], np.ones((2, len(ACTIVITIES))))
    planned.backlog = planned.backlog[:1]
    with pytest.raises(ValueError, match="2 advisers"):
        TimeLedger(horizon_weeks=2).book_adviser_weeks(1, planned)


def test_each_adviser_week_is_added_under_its_role():
    rng = np.random.default_rng(1)
    roles = [Role.HYBRID, Role.JOBBSPESIALIST, Role.HYBRID]
    booked = rng.random((3, len(ACTIVITIES))) * 10
    ledger = TimeLedger(horizon_weeks=4)
    ledger.book_adviser_weeks(2, _planned(roles, booked, over=[True, False, True]))
    hybrid, specialist = ROLE_INDEX[Role.HYBRID], ROLE_INDEX[Role.JOBBSPESIALIST]
    assert ledger.hours[2, hybrid].tolist() == (booked[0] + booked[2]).tolist()   # added in the advisers' order
    assert ledger.hours[2, specialist].tolist() == booked[1].tolist()
    assert ledger.adviser_weeks[2].tolist() == [roles.count(role) for role in ROLES]
    assert ledger.adviser_weeks_over[2, hybrid] == 2 and ledger.adviser_weeks_js_like[2] == 1
    assert ledger.pressure_sum[2, hybrid] == pytest.approx(0.5 + 1.5)
    assert ledger.admin_backlog[2, hybrid] == 0.0 + 2.0
    assert not ledger.hours[[0, 1, 3, 4]].any()          # other weeks untouched


def test_negative_hours_are_refused_with_the_adviser_row():
    booked = np.ones((2, len(ACTIVITIES)))
    booked[1, 3] = -0.5
    ledger = TimeLedger(horizon_weeks=2)
    with pytest.raises(ValueError, match="negative hours booked: .*-0.5"):
        ledger.book_adviser_weeks(1, _planned([Role.SAKSBEHANDLER, Role.HYBRID], booked))
    assert not ledger.hours.any()                        # nothing booked


def test_no_advisers_book_nothing():
    ledger = TimeLedger(horizon_weeks=1)
    ledger.book_adviser_weeks(1, _planned([], np.zeros((0, len(ACTIVITIES)))))
    assert not ledger.adviser_weeks.any()
