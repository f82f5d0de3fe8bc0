"""Time ledger: every adviser and mentor hour is booked to an activity, every unmet hour is recorded.

Hours are stored per week in small numpy arrays indexed by (role, activity). Demand that does
not fit in an adviser's weekly budget is booked as *unmet* under the activity it was for; it is
never silently dropped.
"""

from __future__ import annotations

import numpy as np

ACTIVITIES = ("admin", "candidate_meetings", "employer_contact", "mentor_followup", "network", "travel")
ADVISER_ROLES = ("saksbehandler", "hybrid", "jobbspesialist")
MENTOR_ACTIVITIES = ("mentor_support", "mentor_network")

A = {name: i for i, name in enumerate(ACTIVITIES)}
R = {name: i for i, name in enumerate(ADVISER_ROLES)}
MA = {name: i for i, name in enumerate(MENTOR_ACTIVITIES)}


class TimeLedger:
    def __init__(self, horizon_weeks: int):
        shape = (horizon_weeks + 1, len(ADVISER_ROLES), len(ACTIVITIES))
        self.hours = np.zeros(shape)
        self.unmet = np.zeros(shape)
        self.mentor_hours = np.zeros((horizon_weeks + 1, len(MENTOR_ACTIVITIES)))
        self.mentor_subsidised_hours = np.zeros(horizon_weeks + 1)
        self.adviser_weeks = np.zeros((horizon_weeks + 1, len(ADVISER_ROLES)), dtype=np.int64)
        self.adviser_weeks_over = np.zeros((horizon_weeks + 1, len(ADVISER_ROLES)), dtype=np.int64)
        self.adviser_weeks_js_like = np.zeros(horizon_weeks + 1, dtype=np.int64)
        self.admin_backlog = np.zeros((horizon_weeks + 1, len(ADVISER_ROLES)))
        self.pressure_sum = np.zeros((horizon_weeks + 1, len(ADVISER_ROLES)))

    def book(self, week: int, role: int, activity: int, hours: float) -> None:
        if hours < 0:
            raise ValueError(f"negative hours booked: {hours}")
        self.hours[week, role, activity] += hours

    def book_adviser_week(self, week: int, role: int, booked: list[float], unmet: list[float], pressure: float,
                          over_budget: bool, js_like: bool, backlog: float) -> None:
        """One adviser's week: hours and unmet hours by activity, load indicators."""
        if min(booked) < 0 or min(unmet) < 0:
            raise ValueError(f"negative hours booked: {booked} / unmet {unmet}")
        self.hours[week, role] += booked
        self.unmet[week, role] += unmet
        self.adviser_weeks[week, role] += 1
        self.pressure_sum[week, role] += pressure
        if over_budget:
            self.adviser_weeks_over[week, role] += 1
        if js_like:
            self.adviser_weeks_js_like[week] += 1
        self.admin_backlog[week, role] += backlog

    def book_unmet(self, week: int, role: int, activity: int, hours: float) -> None:
        if hours < 0:
            raise ValueError(f"negative unmet hours booked: {hours}")
        self.unmet[week, role, activity] += hours

    def book_mentor(self, week: int, activity: int, hours: float, subsidised: float = 0.0) -> None:
        if hours < 0 or subsidised < 0:
            raise ValueError("negative mentor hours booked")
        self.mentor_hours[week, activity] += hours
        self.mentor_subsidised_hours[week] += subsidised
