"""Every adviser's week planned at once: demand items, the budget split, allocation by tier, booking.

The rules are those of ``agents.adviser`` (what an adviser's week holds), ``agents.followup`` (what
one case needs under its way of working: :func:`agents.followup.case_demands`) and
``agents.time_budget`` (the floor, the close cases' share, tiers served in order). This module reads
the numbers they need from the advisers and their cases into arrays once a week, runs the plan of
every adviser in one compiled loop (``numba``), and writes back what the agents keep: each case's
grant fractions and hours, each adviser's load indicators. Python did the same one demand item at a
time, and that was the largest part of a run.

The plan is the same to the last bit as the one Python made item by item: items are made, summed
(as Python's ``sum`` does, :func:`agents.time_budget.python_sum`), granted and booked in the same
order. An adviser's own items (registering a proven mentor, taking over a case, the case meeting, a
network session, casework above the floor) come from Python, after the cases' items of their class.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum

import numpy as np
from numba import njit

from agents.followup import MAX_ITEMS_PER_CASE, case_demands
from agents.time_budget import LAST, REGULAR, URGENT, WORK_KINDS, Work, allocate, larger, python_sum, smaller, split, work_code
from domain.params import records_of
from agents.row_packing import RowFormat
from domain.states import State
from domain.terms import ACTIVITIES, ROLE_INDEX, Activity, Role


@dataclass
class AdviserWeek:
    """One adviser's planned week, as a viewer of the run shows it (the time ledger books the same
    numbers as the arrays of a :class:`PlannedWeek`)."""

    role: Role
    booked: list[float]      # hours by activity
    unmet: list[float]       # demand not met, by activity
    pressure: float          # demand / budget this week
    over_budget: bool
    js_like: bool            # close cases asked for more than office.js_like_load_share of the week
    backlog: float           # casework carried into next week
    registered_mentors: list = field(default_factory=list)   # mentors whose registration was done this week


@dataclass
class PlannedWeek:
    """The planned weeks of a list of advisers: each adviser's (``advisers``, in the same order), and
    what the time ledger books of them as arrays, a row per adviser."""

    advisers: list[AdviserWeek]
    roles: np.ndarray        # the ledger index of each adviser's role (``domain.terms.ROLE_INDEX``)
    booked: np.ndarray       # hours by adviser and activity
    unmet: np.ndarray        # demand not met, by adviser and activity
    pressure: np.ndarray     # demand / budget this week
    over_budget: np.ndarray  # bool
    js_like: np.ndarray      # bool
    backlog: np.ndarray      # casework carried into next week


class Case(IntEnum):
    """The columns of a case's row (:func:`_case_row`)."""

    MODE = 0                 # the way of working's place among the run's (``FollowupMode.index``)
    STATE = 1
    CLOSE = 2                # followed closely now
    HAS_MENTOR = 3
    MENTOR_COMPETENCE = 4
    INFORMS_COLLEAGUES = 5   # the firm tells colleagues about the placement
    CRISIS = 6
    CRISIS_KNOWN_WEEK = 7    # -1: the adviser does not know of a crisis
    TRAINING_START = 8
    PERIOD_START = 9
    WAGE_SUBSIDY_WANTED = 10
    NEXT_CONTACT_WEEK = 11
    CONTACT_IS_VISIT = 12
    CAREER_CHOICE_MADE = 13


class Desk(IntEnum):
    """The columns of an adviser's row: what the plan reads of the adviser and its office's rules."""

    TRAVEL = 0               # hours per workplace visit
    COMPETENCE = 1
    ORDINARY_INTENSITY = 2
    IS_SPECIALIST = 3
    HOURS_WEEK = 4
    FLOOR = 5                # casework that comes first (capped)
    ADMIN = 6                # casework this week, backlog included
    NEW_ADMIN = 7            # casework of this week's caseload
    LEADER_SUPPORT = 8
    MEMORY = 9               # weight of the past in the load averages
    PRESSURE = 10
    ADMIN_DONE = 11
    BACKLOG_CARRY = 12
    INTENSITY_CAP = 13
    JS_LIKE_SHARE = 14


class Load(IntEnum):
    """The columns of an adviser's result row."""

    DEMAND = 0
    OVER_BUDGET = 1
    PRESSURE = 2
    ADMIN_DONE = 3
    ORDINARY_INTENSITY = 4
    BACKLOG = 5
    JS_LIKE = 6


class Grant(IntEnum):
    """The columns of a grant: hours granted to one item of a case."""

    CASE = 0                 # the case's row
    WORK = 1                 # work code
    ACTIVITY = 2
    HOURS = 3                # hours granted
    FRACTION = 4             # share of the item's hours granted


class Own(IntEnum):
    """The columns of an adviser's own item (not a case's)."""

    CLOSE = 0                # counted with the close cases' work
    KIND = 1                 # work code
    ACTIVITY = 2
    HOURS = 3
    TIER = 4


@dataclass(slots=True)
class OwnItem:
    """Python's side of an adviser's own item: what it is for."""

    kind: Work
    subject: object | None   # the mentor to register, or the case taken over


#: A case's row as the plan reads it (:func:`_case_row`).
CASE_ROW = RowFormat(len(Case))


def _case_row(cand) -> bytes:
    """The numbers of one case the demand rules read, in the order of :class:`Case` (packed, ``CASE_ROW``)."""
    mentor = cand.mentor
    employer = cand.employer
    known = cand.crisis_known_week
    return CASE_ROW.pack(cand.mode.index, cand.state, cand.close, mentor is not None,
                         mentor.competence if mentor is not None else 0.0,
                         employer.informs_colleagues if employer is not None else True, cand.crisis,
                         known if known is not None else -1, cand.training_start, cand.period_start,
                         cand.wage_subsidy_wanted, cand.next_contact_week, bool(cand.contact_is_visit),
                         cand.career_choice_made)


class WeekPlanner:
    """Plans advisers' weeks under the run's ways of working (``modes``: ``FollowupMode`` by index)."""

    def __init__(self, modes: list):
        self.modes = sorted(modes, key=lambda mode: mode.index)
        if [mode.index for mode in self.modes] != list(range(len(self.modes))):
            raise ValueError("the ways of working must be numbered 0, 1, ... (FollowupMode.index)")
        self.settings = records_of([mode.settings for mode in self.modes])   # a record per way of working
        self.terms = np.array([(mode.close, mode.kappa_adviser, mode.kappa_mentor, mode.period_weeks,
                                mode.wage_subsidy_hours) for mode in self.modes], dtype=np.float64)

    def plan(self, advisers: list, week: int, network_week: bool, network_session_hours: float) -> PlannedWeek:
        """Plan the week of each of ``advisers`` (phase 2); returns their planned weeks, in the same order."""
        cases: list = []
        rows: list = []
        case_ranges = [0]
        own: list[OwnItem] = []
        own_rows: list = []
        own_ranges = [0]
        desks = []
        for adviser in advisers:
            desks.append(self._desk(adviser, week, network_week, network_session_hours, cases, rows, own, own_rows))
            case_ranges.append(len(cases))
            own_ranges.append(len(own))
        case_matrix = CASE_ROW.matrix(rows)
        own_matrix = np.array(own_rows, dtype=np.float64).reshape(len(own_rows), len(Own))
        booked, unmet, load, grants, n_grants, close_hours, own_granted = _plan(
            week, self.settings, self.terms, np.array(desks, dtype=np.float64).reshape(len(desks), len(Desk)),
            np.array(case_ranges, dtype=np.int64), case_matrix, np.array(own_ranges, dtype=np.int64), own_matrix)
        # what the cases keep: a fraction of each kind of work granted, hours by activity
        granted_to = grants[:n_grants]
        for case, code, activity, granted, fraction in zip(
                granted_to[:, Grant.CASE].astype(np.int64).tolist(), granted_to[:, Grant.WORK].astype(np.int64).tolist(),
                granted_to[:, Grant.ACTIVITY].astype(np.int64).tolist(), granted_to[:, Grant.HOURS].tolist(),
                granted_to[:, Grant.FRACTION].tolist()):
            cand = cases[case]
            cand.hours[activity] += granted
            cand.grant[WORK_KINDS[code]] = fraction
        close = np.flatnonzero(case_matrix[:, Case.CLOSE] > 0)
        for i, hours in zip(close.tolist(), close_hours[close].tolist()):
            cases[i].close_hours_week += hours
        pressure = load[:, Load.DEMAND] / np.array([adviser.hours_week for adviser in advisers], dtype=np.float64)
        weeks = [self._settle(adviser, week_booked, week_unmet, adviser_load, adviser_pressure, own[start:end],
                              own_granted[start:end], own_matrix[start:end], network_week)
                 for adviser, week_booked, week_unmet, adviser_load, adviser_pressure, start, end in zip(
                     advisers, booked.tolist(), unmet.tolist(), load.tolist(), pressure.tolist(), own_ranges[:-1],
                     own_ranges[1:], strict=True)]
        return PlannedWeek(weeks, np.array([ROLE_INDEX[adviser.role] for adviser in advisers], dtype=np.int64), booked,
                           unmet, pressure, load[:, Load.OVER_BUDGET] > 0,
                           load[:, Load.JS_LIKE] > 0, load[:, Load.BACKLOG])

    @staticmethod
    def _desk(adviser, week: int, network_week: bool, network_session_hours: float, cases: list, rows: list,
              own: list, own_rows: list) -> tuple:
        """Read one adviser's cases (their rows into ``rows``) and own items; the adviser's row (:class:`Desk`)."""
        office = adviser.settings
        travel = adviser.travel_hours
        specialist = adviser.is_specialist
        own_cases = list(adviser.cases.values())
        for cand in own_cases:
            cand.grant.clear()
            if cand.contact_is_visit is None and cand.state == _TRAINING and week >= cand.next_contact_week:
                cand.contact_is_visit = cand.draw() < cand.mode.settings.visit_share
        cases.extend(own_cases)
        rows.extend(map(_case_row, own_cases))

        def add(kind: Work, subject, close: bool, activity: Activity, hours: float, tier: int) -> None:
            own.append(OwnItem(kind, subject))
            own_rows.append((close, work_code(kind), activity, hours, tier))

        for mentor, hours in adviser.pending_registrations:
            add(Work.REGISTRY, mentor, True, Activity.ADMIN, hours, REGULAR)
        adviser.pending_handovers = {uid: c for uid, c in adviser.pending_handovers.items() if uid in adviser.cases}
        for cand in adviser.pending_handovers.values():
            add(Work.HANDOVER, cand, cand.close or specialist, Activity.CANDIDATE_MEETINGS, office.handover_hours, URGENT)
        has_close = adviser.n_close > 0 or (specialist and adviser.cases)
        if has_close and not specialist and office.case_meeting_hours > 0:
            add(Work.CASE_MEETING, None, True, Activity.ADMIN, office.case_meeting_hours, REGULAR)
        if network_week and adviser.n_close > 0:
            add(Work.NETWORK, None, True, Activity.NETWORK, network_session_hours, REGULAR)
            add(Work.NETWORK, None, True, Activity.TRAVEL, travel, REGULAR)
        new_admin = adviser.admin_demand()
        admin = new_admin + adviser.admin_backlog   # undone casework does not go away
        floor = admin if specialist else office.admin_floor_share * admin
        # urgent case work (crises, meetings already set) can always get some of the week
        floor = min(floor, office.admin_floor_cap_share * adviser.hours_week)
        if admin - floor > 0:
            add(Work.ADMIN, None, False, Activity.ADMIN, admin - floor, LAST)
        return (travel, adviser.competence, adviser.ordinary_intensity, specialist, adviser.hours_week, floor, admin,
                new_admin, office.leader_support, office.load_memory, adviser.pressure, adviser.admin_done,
                office.admin_backlog_carry, office.ordinary_intensity_cap, office.js_like_load_share)

    @staticmethod
    def _settle(adviser, booked: list, unmet: list, load: list, pressure: float, own: list, granted: np.ndarray,
                own_matrix: np.ndarray, network_week: bool) -> AdviserWeek:
        """Write the plan's results into the adviser; registrations and handovers whose hours were
        granted in full are done (close items first, as they were booked)."""
        adviser.over_budget = load[Load.OVER_BUDGET] > 0
        adviser.pressure = load[Load.PRESSURE]
        adviser.admin_done = load[Load.ADMIN_DONE]
        adviser.admin_backlog = load[Load.BACKLOG]
        if not adviser.is_specialist:
            adviser.ordinary_intensity = load[Load.ORDINARY_INTENSITY]
        adviser.js_like = load[Load.JS_LIKE] > 0
        registered: list = []
        attended = False
        # only registrations, handovers and network sessions are settled here (most weeks have none)
        settled = [i for i, item in enumerate(own) if item.kind in _SETTLED_WORK]
        for i in sorted(settled, key=lambda i: own_matrix[i, Own.CLOSE] == 0):   # close items first
            item, hours, given = own[i], own_matrix[i, Own.HOURS], granted[i]
            if item.kind == Work.NETWORK and given > 0.5 * hours:
                attended = True
            if item.kind in (Work.REGISTRY, Work.HANDOVER) and given >= hours - 1e-9:   # done once granted in full
                if item.kind == Work.REGISTRY:
                    adviser.pending_registrations = [(m, h) for m, h in adviser.pending_registrations
                                                     if m is not item.subject]
                    registered.append(item.subject)
                else:
                    adviser.pending_handovers.pop(item.subject.unique_id, None)
        adviser.network_attended = network_week and adviser.n_close > 0 and attended
        return AdviserWeek(role=adviser.role, booked=booked, unmet=unmet, pressure=pressure,
                           over_budget=adviser.over_budget, js_like=adviser.js_like, backlog=adviser.admin_backlog,
                           registered_mentors=registered)


#: An adviser's own items whose grant :meth:`WeekPlanner._settle` acts on.
_SETTLED_WORK = frozenset({Work.REGISTRY, Work.HANDOVER, Work.NETWORK})
#: The columns of a way of working's terms (:attr:`WeekPlanner.terms`).
_CLOSE, _KAPPA_ADVISER, _KAPPA_MENTOR, _PERIOD_WEEKS, _WAGE_SUBSIDY_HOURS = range(5)
_TRAINING = State.TRAINING
_ADMIN_WORK = work_code(Work.ADMIN)
_ADMIN_ACTIVITY = int(Activity.ADMIN)
_N_ACTIVITIES = len(ACTIVITIES)
_N_LOADS = len(Load)
_N_GRANT_COLUMNS = len(Grant)


@njit(cache=True)
def _plan(week, settings, terms, desks, case_ranges, cases, own_ranges, own):
    """Every adviser's week (a row of ``desks``; its cases are rows ``case_ranges[a]:case_ranges[a+1]``
    of ``cases``, its own items rows ``own_ranges[a]:own_ranges[a+1]`` of ``own``): demand items,
    the split of the budget, allocation by tier and booking, as ``agents.adviser`` describes them.

    Returns the hours booked and unmet (adviser x activity), each adviser's load (:class:`Load`),
    the grants (rows: case, work code, activity, hours granted, fraction granted, in booking order;
    the first ``n_grants`` are used), the hours granted to each close case, and the hours granted to
    each own item."""
    n_advisers = desks.shape[0]
    booked = np.zeros((n_advisers, _N_ACTIVITIES))
    unmet = np.zeros((n_advisers, _N_ACTIVITIES))
    load = np.zeros((n_advisers, _N_LOADS))
    grants = np.empty((cases.shape[0] * MAX_ITEMS_PER_CASE, _N_GRANT_COLUMNS))
    n_grants = 0
    close_hours = np.zeros(cases.shape[0])
    own_granted = np.zeros(own.shape[0])
    for a in range(n_advisers):
        desk = desks[a]
        travel = desk[Desk.TRAVEL]
        specialist = desk[Desk.IS_SPECIALIST] > 0
        capacity = (case_ranges[a + 1] - case_ranges[a]) * MAX_ITEMS_PER_CASE + own_ranges[a + 1] - own_ranges[a]
        # the items of each class (close cases, ordinary work): work code, activity, hours, tier; and whose
        close_items = np.empty((capacity, 4))
        close_source = np.empty(capacity, np.int64)       # a case's row, or -1 - an own item's row
        ordinary_items = np.empty((capacity, 4))
        ordinary_source = np.empty(capacity, np.int64)
        n_close = 0
        n_ordinary = 0
        for k in range(case_ranges[a], case_ranges[a + 1]):
            row = cases[k]
            mode = int(row[Case.MODE])
            term = terms[mode]
            close_class = term[_CLOSE] > 0 or specialist
            start = n_close if close_class else n_ordinary
            end = case_demands(settings[mode], term[_KAPPA_ADVISER], term[_KAPPA_MENTOR], term[_PERIOD_WEEKS],
                               term[_WAGE_SUBSIDY_HOURS], week, travel, desk[Desk.COMPETENCE],
                               desk[Desk.ORDINARY_INTENSITY], int(row[Case.STATE]), row[Case.HAS_MENTOR] > 0,
                               row[Case.MENTOR_COMPETENCE], row[Case.INFORMS_COLLEAGUES] > 0, row[Case.CRISIS] > 0,
                               row[Case.CRISIS_KNOWN_WEEK], row[Case.TRAINING_START], row[Case.PERIOD_START],
                               row[Case.WAGE_SUBSIDY_WANTED] > 0, row[Case.NEXT_CONTACT_WEEK],
                               row[Case.CONTACT_IS_VISIT] > 0, row[Case.CAREER_CHOICE_MADE] > 0,
                               close_items if close_class else ordinary_items, np.int64(start))
            if close_class:
                close_source[start:end] = k
                n_close = end
            else:
                ordinary_source[start:end] = k
                n_ordinary = end
        for e in range(own_ranges[a], own_ranges[a + 1]):
            if own[e, Own.CLOSE] > 0:
                close_items[n_close, :] = own[e, 1:]
                close_source[n_close] = -1 - e
                n_close += 1
            else:
                ordinary_items[n_ordinary, :] = own[e, 1:]
                ordinary_source[n_ordinary] = -1 - e
                n_ordinary += 1
        hours_week = desk[Desk.HOURS_WEEK]
        floor = desk[Desk.FLOOR]
        admin = desk[Desk.ADMIN]
        close_demand = python_sum(close_items[:n_close, 2])
        ordinary_demand = python_sum(ordinary_items[:n_ordinary, 2])
        granted_floor, granted_close, granted_ordinary = split(hours_week, floor, close_demand, ordinary_demand,
                                                               desk[Desk.LEADER_SUPPORT])
        week_booked = booked[a]
        week_unmet = unmet[a]
        week_booked[_ADMIN_ACTIVITY] = granted_floor
        admin_granted = granted_floor
        for close_class in (True, False):
            items = close_items[:n_close] if close_class else ordinary_items[:n_ordinary]
            source = close_source if close_class else ordinary_source
            granted = allocate(items[:, 2], items[:, 3].astype(np.int64),
                               granted_close if close_class else granted_ordinary)
            for j in range(items.shape[0]):
                code = int(items[j, 0])
                activity = int(items[j, 1])
                hours = items[j, 2]
                given = granted[j]
                week_booked[activity] += given
                if code == _ADMIN_WORK:
                    admin_granted += given
                    continue
                if hours > given:
                    week_unmet[activity] += hours - given
                k = source[j]
                if k < 0:                   # an adviser's own item: Python settles it
                    own_granted[-1 - k] = given
                    continue
                if hours > 0:
                    grants[n_grants, Grant.CASE] = k
                    grants[n_grants, Grant.WORK] = code
                    grants[n_grants, Grant.ACTIVITY] = activity
                    grants[n_grants, Grant.HOURS] = given
                    # an item and its travel share one tier, hence one fraction
                    grants[n_grants, Grant.FRACTION] = given / hours
                    n_grants += 1
                    if cases[k, Case.CLOSE] > 0:
                        close_hours[k] += given
        demand = floor + close_demand + ordinary_demand   # the casework above the floor is ordinary demand
        memory = desk[Desk.MEMORY]
        load[a, Load.DEMAND] = demand
        load[a, Load.OVER_BUDGET] = 1.0 if demand > hours_week + 1e-9 else 0.0
        load[a, Load.PRESSURE] = memory * desk[Desk.PRESSURE] + (1.0 - memory) * (demand / hours_week)
        load[a, Load.ADMIN_DONE] = memory * desk[Desk.ADMIN_DONE] + (1.0 - memory) * (admin_granted / admin if admin > 0 else 1.0)
        undone = larger(0.0, admin - admin_granted)
        week_unmet[_ADMIN_ACTIVITY] += undone            # every hour of casework left undone this week
        load[a, Load.BACKLOG] = undone * desk[Desk.BACKLOG_CARRY]
        # hours nothing asked for go to ordinary follow-up of the caseload (more talks per user)
        spare = larger(0.0, hours_week - python_sum(week_booked))
        load[a, Load.ORDINARY_INTENSITY] = desk[Desk.ORDINARY_INTENSITY]
        if not specialist:
            week_booked[_ADMIN_ACTIVITY] += spare
            new_admin = desk[Desk.NEW_ADMIN]
            norm = new_admin if new_admin > 0 else admin
            # with no casework at all the adviser has every spare hour for the caseload
            done = (admin_granted + spare) / norm if norm > 0 else desk[Desk.INTENSITY_CAP]
            load[a, Load.ORDINARY_INTENSITY] = memory * desk[Desk.ORDINARY_INTENSITY] + (1.0 - memory) * smaller(
                desk[Desk.INTENSITY_CAP], done)
        load[a, Load.JS_LIKE] = 1.0 if not specialist and close_demand > desk[Desk.JS_LIKE_SHARE] * hours_week else 0.0
    return booked, unmet, load, grants, n_grants, close_hours, own_granted
