"""The users on the ordinary caseloads outside the target group: every one a person, their state in columns.

An office's ordinary advisers have ``office.caseload_ordinary`` users each; a share
``office.target_share`` of them are in the target group (``agents.candidate``), the rest are
these users. Each takes a *place* on an adviser's caseload; when a user leaves (a job, or NAV
follow-up ends), a new user takes the place, so every caseload keeps its size and its casework
(``office.admin_hours_per_case`` for each user, in the adviser's week: ``agents.week_plan``).

What happens to them follows from the follow-up they get (``docs/odd.md``, "The users outside the
target group"), by the rules of ordinary follow-up the target group's users in it have:

* an activity review is due every ``review_interval_weeks`` of the policy (aktivitetskrav
  [001:834]); it is held with the adviser's share of casework done as its chance (``ordinary
  intensity``, capped at 1), else postponed ``office.review_postpone_weeks`` and counted as missed:
  a user without an activity plan [001:780]; after a held review, the next comes sooner when the
  adviser has more time (``review_interval_weeks / intensity``, as for the target group);
* the user's own job search succeeds each week with ``population.own_job_hazard``, scaled by
  capability squared and by the adviser's ordinary intensity (EVID C2), and divided by
  ``1 + ordinary_users.missed_review_effect`` for each review missed since the last one held
  (EVID C4: one missed meeting, unemployment 5 % longer);
* the user leaves NAV follow-up without a job with ``population.pool_exit_hazard``.

Their state lives in columns owned by :class:`OrdinaryUsers`, one row per person; the weekly rules
run over their rows in one compiled loop (numba: numpy's cost per call on a few hundred users a week
was larger than the arithmetic), and every draw is counter-based, keyed by the user's place and
turn in it and by the week (``domain.rng.Streams.ordinary_keys``, ``OrdinaryDraw``), so the same
user meets the same shocks under every policy. Each person is also a Mesa agent,
:class:`OrdinaryUser`, made once when the user arrives: a view of their row, for inspection.
"""

from __future__ import annotations

from dataclasses import dataclass

import mesa
import numpy as np
from numba import njit
from scipy.special import ndtri

from domain.rng import DRAWS_PER_WEEK, OrdinaryDraw, uniform_at, uniforms

#: A user's state: on an adviser's caseload, left for a job, or left NAV follow-up without one.
ON_CASELOAD, JOB, LEFT = 0, 1, 2


@dataclass(frozen=True)
class OrdinaryRules:
    """The numbers the users' weekly rules read (from the config: ``OrdinaryRules.of``)."""

    own_job_hazard: float
    exit_hazard: float
    review_interval_weeks: int
    review_postpone_weeks: int
    missed_review_effect: float
    capability_mean: float
    capability_sd: float

    @classmethod
    def of(cls, cfg) -> OrdinaryRules:
        own = cfg.ordinary_users
        return cls(cfg.population.own_job_hazard, cfg.population.pool_exit_hazard, cfg.policy.review_interval_weeks,
                   cfg.office.review_postpone_weeks, own.missed_review_effect, own.capability_mean, own.capability_sd)


@dataclass
class OrdinaryRecords:
    """Every user outside the target group at the end of a run, one entry per person (plain arrays)."""

    place: np.ndarray          # the caseload place (numbered in the region; a world's merged records number on)
    office: np.ndarray         # the NAV office of the place
    first: np.ndarray          # bool: on the caseload at the start (the place's first user)
    capability: np.ndarray
    entry_week: np.ndarray
    state: np.ndarray          # ON_CASELOAD, JOB or LEFT at the end
    end_week: np.ndarray       # the week the user left (-1: still on the caseload)
    reviews_held: np.ndarray
    reviews_missed: np.ndarray
    weeks_without_plan: np.ndarray   # weeks with a review overdue

    @classmethod
    def merged(cls, parts: list[OrdinaryRecords]) -> OrdinaryRecords:
        """The records of a world's regions as one (places numbered on, region after region)."""
        if len(parts) == 1:
            return parts[0]
        offset, places = 0, []
        for part in parts:
            places.append(part.place + offset)
            offset += int(part.place.max()) + 1 if len(part.place) else 0
        return cls(np.concatenate(places), *(np.concatenate([getattr(p, name) for p in parts])
                                             for name in cls.__dataclass_fields__ if name != "place"))


class OrdinaryUsers:
    """The users outside the target group of one labour-market region: their columns and weekly rules.

    ``place_adviser[p]`` is the index (in the model's list of ordinary advisers) of the adviser whose
    caseload holds place ``p``, ``place_office[p]`` its office; ``keys(places, turns)`` gives the
    users' stream keys (``domain.rng.Streams.ordinary_keys``).
    """

    def __init__(self, model, place_adviser: np.ndarray, place_office: np.ndarray, keys, rules: OrdinaryRules):
        self.model = model
        self.rules = rules
        self.keys_of = keys
        self.place_adviser = np.asarray(place_adviser, dtype=np.int64)
        self.place_office = np.asarray(place_office, dtype=np.int64)
        n_places = len(self.place_adviser)
        self.n = 0
        capacity = max(16, 2 * n_places)
        self.place = np.zeros(capacity, np.int64)
        self.turn = np.zeros(capacity, np.int64)        # the user's turn in the place (0: there at the start)
        self.key = np.zeros(capacity, np.uint64)
        self.capability = np.zeros(capacity)
        self.entry_week = np.zeros(capacity, np.int64)
        self.state = np.zeros(capacity, np.int8)
        self.end_week = np.full(capacity, -1, np.int64)
        self.next_review = np.zeros(capacity, np.int64)
        self.missed_since_review = np.zeros(capacity, np.int64)
        self.reviews_held = np.zeros(capacity, np.int64)
        self.reviews_missed = np.zeros(capacity, np.int64)
        self.weeks_without_plan = np.zeros(capacity, np.int64)
        self.turns = np.zeros(n_places, np.int64)       # users the place has had
        self.current = self._arrive(np.arange(n_places), week=0)   # the row of each place's user now
        self.agents: list[OrdinaryUser] = [OrdinaryUser(model, self, row) for row in range(self.n)]

    # -- the weekly rules ----------------------------------------------------------------------
    def week(self, week: int, intensity: np.ndarray) -> None:
        """One week of every user on a caseload (``intensity[a]``: the ordinary intensity of adviser ``a``,
        its share of casework done): the rules over the users' rows, in one compiled loop (:func:`_week`);
        a new user takes the place of each who left."""
        rules = self.rules
        gone = _week(week, self.current, self.place, self.key, self.capability, self.next_review,
                     self.missed_since_review, self.reviews_held, self.reviews_missed, self.weeks_without_plan,
                     self.state, self.end_week, self.place_adviser, np.asarray(intensity, dtype=np.float64),
                     rules.own_job_hazard, rules.exit_hazard, rules.review_interval_weeks, rules.review_postpone_weeks,
                     rules.missed_review_effect)
        if len(gone):
            places = self.place[gone]
            new = self._arrive(places, week)
            self.current[places] = new
            self.agents.extend(OrdinaryUser(self.model, self, row) for row in new.tolist())

    def _arrive(self, places: np.ndarray, week: int) -> np.ndarray:
        """New users in ``places`` from ``week`` on (their turn in the place is the place's next); their rows."""
        k = len(places)
        if self.n + k > len(self.place):
            self._grow(self.n + k)
        rows = np.arange(self.n, self.n + k)
        self.n += k
        turns = self.turns[places]
        self.turns[places] += 1
        keys = self.keys_of(places, turns)
        u = uniforms(keys[:, None], np.array([OrdinaryDraw.CAPABILITY, OrdinaryDraw.FIRST_REVIEW],
                                             dtype=np.int64)[None, :])
        rules = self.rules
        self.place[rows] = places
        self.turn[rows] = turns
        self.key[rows] = keys
        self.capability[rows] = np.clip(rules.capability_mean + rules.capability_sd * ndtri(u[:, 0]), 0.02, 0.95)
        self.entry_week[rows] = week
        self.next_review[rows] = week + 1 + (u[:, 1] * rules.review_interval_weeks).astype(np.int64)
        return rows

    def _grow(self, needed: int) -> None:
        size = max(needed, 2 * len(self.place))
        for name in ("place", "turn", "key", "capability", "entry_week", "state", "end_week", "next_review",
                     "missed_since_review", "reviews_held", "reviews_missed", "weeks_without_plan"):
            old = getattr(self, name)
            grown = np.full(size, -1 if name == "end_week" else 0, dtype=old.dtype)
            grown[:len(old)] = old
            setattr(self, name, grown)

    # -- what the run keeps ---------------------------------------------------------------------
    def overdue(self) -> int:
        """Users on a caseload with an activity review overdue now."""
        return int(np.count_nonzero(self.missed_since_review[self.current]))

    def records(self) -> OrdinaryRecords:
        n = self.n
        return OrdinaryRecords(self.place[:n].copy(), self.place_office[self.place[:n]], self.turn[:n] == 0,
                               self.capability[:n].copy(), self.entry_week[:n].copy(), self.state[:n].copy(),
                               self.end_week[:n].copy(), self.reviews_held[:n].copy(), self.reviews_missed[:n].copy(),
                               self.weeks_without_plan[:n].copy())


_REVIEW_HELD, _JOB, _EXIT = int(OrdinaryDraw.REVIEW_HELD), int(OrdinaryDraw.JOB), int(OrdinaryDraw.EXIT)


@njit(cache=True)
def _week(week, rows, place, key, capability, next_review, missed_since_review, reviews_held, reviews_missed,
          weeks_without_plan, state, end_week, place_adviser, intensity, own_job_hazard, exit_hazard, interval,
          postpone, missed_review_effect):
    """The week of the users in ``rows`` (the rules of the module's docstring), their columns changed in
    place; the rows of the users who left (a job, or NAV follow-up ended)."""
    gone = np.empty(len(rows), np.int64)
    n_gone = 0
    first = week * DRAWS_PER_WEEK
    for i in range(len(rows)):
        r = rows[i]
        level = intensity[place_adviser[place[r]]]
        k = key[r]
        if next_review[r] <= week:
            if uniform_at(k, np.uint64(first + _REVIEW_HELD)) < min(1.0, level):
                reviews_held[r] += 1
                missed_since_review[r] = 0
                next_review[r] = week + max(1, int(np.rint(interval / max(1.0, level))))
            else:
                reviews_missed[r] += 1
                missed_since_review[r] += 1
                next_review[r] = week + postpone
        if missed_since_review[r] > 0:
            weeks_without_plan[r] += 1
        hazard = own_job_hazard * (capability[r] / 0.5) ** 2 * level / (1.0 + missed_review_effect) ** missed_since_review[r]
        if uniform_at(k, np.uint64(first + _JOB)) < hazard:
            state[r] = JOB
        elif uniform_at(k, np.uint64(first + _EXIT)) < exit_hazard:
            state[r] = LEFT
        else:
            continue
        end_week[r] = week
        gone[n_gone] = r
        n_gone += 1
    return gone[:n_gone]


class OrdinaryUser(mesa.Agent):
    """A user outside the target group, as a Mesa agent: a view of the user's row in :class:`OrdinaryUsers`."""

    def __init__(self, model, users: OrdinaryUsers, row: int):
        super().__init__(model)
        self.users = users
        self.row = row

    @property
    def adviser(self):
        """The ordinary adviser whose caseload the user is (or was) on."""
        return self.model.staff.advisers[int(self.users.place_adviser[self.users.place[self.row]])]

    def __getattr__(self, name: str):
        # the user's columns: capability, entry_week, state, end_week, reviews_held, reviews_missed, ...
        users = self.__dict__.get("users")
        if users is None or name.startswith("_") or not isinstance(getattr(users, name, None), np.ndarray) \
                or name in ("place_adviser", "place_office", "current", "turns"):
            raise AttributeError(name)
        return getattr(users, name)[self.row].item()


__all__ = ["JOB", "LEFT", "ON_CASELOAD", "OrdinaryRecords", "OrdinaryRules", "OrdinaryUser", "OrdinaryUsers"]
