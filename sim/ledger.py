"""Time ledger: every adviser and mentor hour is booked to an activity, every unmet hour is recorded.

Hours are stored per week in numpy arrays indexed by (role, activity) (``domain.terms``). Demand
that does not fit in an adviser's weekly budget is booked as *unmet* under the activity it was for;
it is never silently dropped.
"""

from __future__ import annotations

import numpy as np

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

    def book_adviser_week(self, week: int, adviser_week) -> None:
        """One adviser's week (an ``agents.week_plan.AdviserWeek``): hours and unmet hours, load indicators."""
        booked, unmet = adviser_week.booked, adviser_week.unmet
        if min(booked) < 0 or min(unmet) < 0:
            raise ValueError(f"negative hours booked: {booked} / unmet {unmet}")
        role = ROLES.index(adviser_week.role)
        self.hours[week, role] += booked
        self.unmet[week, role] += unmet
        self.adviser_weeks[week, role] += 1
        self.pressure_sum[week, role] += adviser_week.pressure
        if adviser_week.over_budget:
            self.adviser_weeks_over[week, role] += 1
        if adviser_week.js_like:
            self.adviser_weeks_js_like[week] += 1
        self.admin_backlog[week, role] += adviser_week.backlog

    def book_ia(self, week: int, hours: float) -> None:
        if hours < 0:
            raise ValueError("negative IA hours booked")
        self.ia_hours[week] += hours

    def book_mentor(self, week: int, activity: MentorActivity, hours: float, subsidised: float = 0.0) -> None:
        if hours < 0 or subsidised < 0:
            raise ValueError("negative mentor hours booked")
        self.mentor_hours[week, activity] += hours
        self.mentor_subsidised_hours[week] += subsidised
