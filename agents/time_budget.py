"""How an adviser divides a week's hours: demand items in tiers, and the budget split.

The weekly plan (``agents.week_plan``) turns an adviser's cases into demand items: a kind of
:class:`Work`, an activity, hours and a tier. The budget is then split (:func:`split`): first a
floor share of ordinary casework (decisions and plans cannot be skipped); then close-follow-up
cases and ordinary work compete for the rest, the close cases entitled to at least
``leader_support`` of it ("aksept for at andre brukere kan få litt mindre oppfølging" [001:774]).
Within each class, tiers are served in order (:func:`allocate`):
urgent items (crises, meetings already set), then regular contacts and mapping, then remaining
casework and employer search; a tier that does not fit is shared in proportion.
"""

from __future__ import annotations

from enum import StrEnum

import numpy as np
from numba import njit

#: Demand tiers, served in this order.
URGENT = 1        # crises, meetings already set, screening
REGULAR = 2       # contacts with candidate and mentor, mapping, case meetings, network sessions
LAST = 3          # remaining casework and employer search share the last tier


class Work(StrEnum):
    """What a demand item is for; a case's grant fractions are kept by these."""

    SCREEN = "screen"              # the case meeting about a selected user
    MAPPING = "mapping"            # mapping talks
    SEARCH = "search"              # employer contacts
    INTERVIEW = "interview"        # visiting a firm with the candidate
    STARTUP = "startup"            # the start-up meeting at the workplace
    CONTACT = "contact"            # a contact with candidate and mentor in work training
    CRISIS = "crisis"              # crisis work
    EVALUATION = "evaluation"      # the evaluation meeting
    POST = "post"                  # post-hire follow-up
    PERIOD_MEETING = "period_meeting"  # the meeting at a period end (extension, goals)
    WAGE_SUBSIDY = "wage_subsidy"  # applying for and agreeing a wage subsidy
    ON_CALL = "on_call"            # time kept free for the mentor's calls
    CASE_MEETING = "case_meeting"  # the adviser's weekly case meeting
    NETWORK = "network"            # a mentor network session
    REGISTRY = "registry"          # registering a proven mentor
    HANDOVER = "handover"          # a new adviser taking over a case
    ADMIN = "admin"                # casework above the floor


#: Every kind of work, in the order of their codes (the compiled plan, ``agents.week_plan``, uses codes).
WORK_KINDS = tuple(Work)
_WORK_CODES = {kind: code for code, kind in enumerate(WORK_KINDS)}


def work_code(kind: Work) -> int:
    """The code of a kind of work in compiled code (its place in :data:`WORK_KINDS`)."""
    return _WORK_CODES[kind]


@njit(cache=True)
def allocate(hours, tiers, available):
    """The hours granted to each item (``hours``, ``tiers``): tiers are served from the lowest
    number up, each tier's demand summed in item order; a tier that does not fit shares what is left
    in proportion to its items' hours, and the tiers after it get nothing."""
    granted = np.empty(hours.shape[0])
    if hours.shape[0] == 0:
        return granted
    for tier in range(tiers.min(), tiers.max() + 1):
        demand = 0.0
        present = False
        for i in range(hours.shape[0]):
            if tiers[i] == tier:
                demand += hours[i]
                present = True
        if not present:
            continue
        if demand <= available:
            share = 1.0
            available -= demand
        else:
            share = available / demand if demand > 0 else 0.0
            available = 0.0
        for i in range(hours.shape[0]):
            if tiers[i] == tier:
                granted[i] = hours[i] * share
    return granted


@njit(cache=True)
def python_sum(values):
    """The sum of floats as Python's ``sum`` makes it (3.12 and later: Neumaier's compensated
    summation, in order), so that compiled and Python bookkeeping agree to the last bit."""
    total = 0.0
    compensation = 0.0
    for x in values:
        t = total + x
        if abs(total) >= abs(x):
            compensation += (total - t) + x
        else:
            compensation += (x - t) + total
        total = t
    if compensation != 0.0 and np.isfinite(compensation):
        total += compensation
    return total


@njit(cache=True)
def smaller(a, b):
    """``min(a, b)`` as Python gives it (the first of two equal values)."""
    return b if b < a else a


@njit(cache=True)
def larger(a, b):
    """``max(a, b)`` as Python gives it (the first of two equal values)."""
    return b if b > a else a


@njit(cache=True)
def split(budget, admin_floor, close_demand, ordinary_demand, leader_support):
    """The casework floor, the close cases' hours and ordinary work's hours (see the module's docstring)."""
    g_floor = smaller(admin_floor, budget)
    rest = budget - g_floor
    close_target = smaller(close_demand, larger(leader_support * rest, rest - ordinary_demand))
    g_ord = smaller(ordinary_demand, rest - close_target)
    g_close = smaller(close_demand, rest - g_ord)
    return g_floor, larger(0.0, g_close), larger(0.0, g_ord)
