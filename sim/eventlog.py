"""The event log: one row per change of state, and per event that changes no state.

A row is (week, candidate serial, from-state, to-state, cause). Events that change no state (a
crisis, a hidden need showing, a period extended, a mentor replaced, a new leader, an adviser
replaced) have from-state = to-state.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True)
class EventRow:
    week: int
    candidate: int     # the candidate's serial number
    from_state: int
    to_state: int
    cause: str


class EventLog:
    def __init__(self, record: bool = True):
        self.record = record    # False: keep no rows (stocks and KPIs are unaffected)
        self.rows: list[EventRow] = []

    def transition(self, week: int, cand, old: int, new: int, cause: str) -> None:
        if self.record:
            self.rows.append(EventRow(week, cand.serial, int(old), int(new), cause))

    def note(self, week: int, cand, cause: str) -> None:
        """An event that changes no state."""
        if self.record:
            self.rows.append(EventRow(week, cand.serial, int(cand.state), int(cand.state), cause))

    def __len__(self) -> int:
        return len(self.rows)

    @classmethod
    def merged(cls, logs: list[EventLog]) -> EventLog:
        """The logs of several regions of a world as one, in week order (within a week, region by
        region, each in its own order)."""
        merged = cls(record=logs[0].record)
        merged.rows = sorted((row for log in logs for row in log.rows), key=lambda row: row.week)
        return merged
