"""Time ledger: every adviser and mentor hour is booked to an activity, every unmet hour is recorded.

Hours are stored per week in numpy arrays indexed by (role, activity) (``domain.terms``). Demand
that does not fit in an adviser's weekly budget is booked as *unmet* under the activity it was for;
it is never silently dropped.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from domain.terms import ACTIVITIES, MENTOR_ACTIVITIES, ROLES, MentorActivity


class TimeLedger:
    def __init__(self, horizon_weeks: int):
        shape = (horizon_weeks + 1, len(ROLES), len(ACTIVITIES))
        self.hours = np.zeros(shape)
        self.unmet = np.zeros(shape)
        self.mentor_hours = np.zeros((horizon_weeks + 1, len(MENTOR_ACTIVITIES)))
        self.mentor_subsidised_hours = np.zeros(horizon_weeks + 1)
        self.adviser_weeks = np.zeros((horizon_weeks + 1, len(ROLES)), dtype=np.int64)
        self.adviser_weeks_over = np.zeros((horizon_weeks + 1, len(ROLES)), dtype=np.int64)
        self.adviser_weeks_js_like = np.zeros(horizon_weeks + 1, dtype=np.int64)
        self.admin_backlog = np.zeros((horizon_weeks + 1, len(ROLES)))
        self.pressure_sum = np.zeros((horizon_weeks + 1, len(ROLES)))
        self.ia_hours = np.zeros(horizon_weeks + 1)   # the IA adviser's hours with the office's close cases

    @classmethod
    def total(cls, ledgers: list[TimeLedger]) -> TimeLedger:
        """The ledgers of several regions of a world as one: every hour and count added up."""
        merged = cls.__new__(cls)
        for name in vars(ledgers[0]):
            setattr(merged, name, np.sum([getattr(ledger, name) for ledger in ledgers], axis=0))
        return merged

    def book_adviser_weeks(self, week: int, planned) -> None:
        """The planned weeks of advisers (an ``agents.week_plan.PlannedWeek``): hours and unmet hours by
        role and activity, load indicators; added adviser by adviser, in the advisers' order."""
        n = len(planned.roles)
        if n == 0:
            return
        # the booking is compiled, and compiled code does not check its indexes: check them here
        if not 0 <= week < self.hours.shape[0]:
            raise IndexError(f"week {week} is outside the ledger's weeks 0-{self.hours.shape[0] - 1}")
        if planned.roles.min() < 0 or planned.roles.max() >= len(ROLES):
            raise IndexError(f"role index {planned.roles.tolist()}: the ledger's roles are 0-{len(ROLES) - 1}")
        shape = (n, len(ACTIVITIES))
        if planned.booked.shape != shape or planned.unmet.shape != shape or any(
                len(column) != n for column in (planned.pressure, planned.over_budget, planned.js_like, planned.backlog)):
            raise ValueError(f"a planned week of {n} advisers with arrays of other lengths")
        if planned.booked.min() < 0 or planned.unmet.min() < 0:
            bad = int(np.flatnonzero((planned.booked.min(axis=1) < 0) | (planned.unmet.min(axis=1) < 0))[0])
            raise ValueError(f"negative hours booked: {planned.booked[bad].tolist()} / unmet {planned.unmet[bad].tolist()}")
        _book(week, planned.roles, planned.booked, planned.unmet, planned.pressure, planned.over_budget,
              planned.js_like, planned.backlog, self.hours, self.unmet, self.adviser_weeks, self.pressure_sum,
              self.adviser_weeks_over, self.adviser_weeks_js_like, self.admin_backlog)

    def book_ia(self, week: int, hours: float) -> None:
        if hours < 0:
            raise ValueError("negative IA hours booked")
        self.ia_hours[week] += hours

    def book_mentor(self, week: int, activity: MentorActivity, hours: float, subsidised: float = 0.0) -> None:
        if hours < 0 or subsidised < 0:
            raise ValueError("negative mentor hours booked")
        self.mentor_hours[week, activity] += hours
        self.mentor_subsidised_hours[week] += subsidised


@njit(cache=True)
def _book(week, roles, booked, unmet, pressure, over_budget, js_like, backlog, hours, unmet_hours, adviser_weeks,
          pressure_sum, adviser_weeks_over, adviser_weeks_js_like, admin_backlog):
    """:meth:`TimeLedger.book_adviser_weeks` for one week, adviser after adviser (the sums come out
    as when each adviser's week was booked on its own; one compiled call instead of a dozen numpy
    operations per adviser, which were 3.5 % of a run of the default office)."""
    for a in range(roles.shape[0]):
        role = roles[a]
        hours[week, role] += booked[a]
        unmet_hours[week, role] += unmet[a]
        adviser_weeks[week, role] += 1
        pressure_sum[week, role] += pressure[a]
        if over_budget[a]:
            adviser_weeks_over[week, role] += 1
        if js_like[a]:
            adviser_weeks_js_like[week] += 1
        admin_backlog[week, role] += backlog[a]
