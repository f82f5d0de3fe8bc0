"""How an adviser divides a week's hours: demand items in tiers, and the budget split.

The weekly plan turns an adviser's cases into :class:`Demand` items. The budget is then split
(:func:`split_budget`): first a floor share of ordinary casework (decisions and plans cannot be
skipped); then close-follow-up cases and ordinary work compete for the rest, the close cases
entitled to at least ``leader_support`` of it ("aksept for at andre brukere kan få litt mindre
oppfølging" [001:774]). Within each class, tiers are served in order (:func:`allocate_by_tier`):
urgent items (crises, meetings already set), then regular contacts and mapping, then remaining
casework and employer search; a tier that does not fit is shared in proportion.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from domain.terms import Activity

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


@dataclass(slots=True)
class Demand:
    """Hours one piece of work asks for this week."""

    subject: object | None     # the case (or, to register, the mentor) it is for; None: the adviser's own work
    kind: Work                 # what it is for
    activity: Activity         # where its hours are booked in the ledger
    hours: float
    tier: int


def allocate_by_tier(items: list[Demand], available: float) -> list[float]:
    """Grant hours to items in tier order; a tier that does not fit is shared in proportion."""
    granted = [0.0] * len(items)
    if not items:
        return granted
    tiers: dict[int, list[int]] = {}
    for i, item in enumerate(items):     # each tier's items in list order
        tiers.setdefault(item.tier, []).append(i)
    for tier in sorted(tiers):
        members = tiers[tier]
        demand = 0.0
        for i in members:
            demand += items[i].hours
        if demand <= available:
            for i in members:
                granted[i] = items[i].hours
            available -= demand
        else:
            share = available / demand if demand > 0 else 0.0
            for i in members:
                granted[i] = items[i].hours * share
            available = 0.0
    return granted


@dataclass(frozen=True)
class BudgetSplit:
    admin_floor: float   # hours for the casework that comes first
    close: float         # hours for close-follow-up cases
    ordinary: float      # hours for ordinary work (the rest of the casework, ordinary cases)


def split_budget(budget: float, admin_floor: float, close_demand: float, ordinary_demand: float,
                 leader_support: float) -> BudgetSplit:
    """Hours for the casework floor, close cases and ordinary work from one weekly budget."""
    g_floor = min(admin_floor, budget)
    rest = budget - g_floor
    close_target = min(close_demand, max(leader_support * rest, rest - ordinary_demand))
    g_ord = min(ordinary_demand, rest - close_target)
    g_close = min(close_demand, rest - g_ord)
    return BudgetSplit(g_floor, max(0.0, g_close), max(0.0, g_ord))
