"""NAV offices and labour-market regions: the units a world of several offices is made of.

A run holds ``world.n_offices`` offices; every ``world.offices_per_region`` of them share a region,
whose firms (``labour_market.n_firms``) they all search. An office has its own staff (ordinary
advisers, job specialists and their queue, ``sim.caseholding.Staff``), its own users (each user belongs
to the office of their caseload adviser) and its own IA-adviser hours. The offices of a region share
its firms, its registry of proven mentors and its mentor network, the calendar and the time ledger;
regions share nothing, and each runs as a model of its own (``sim.world``). With one office (the
default) the run is the office.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sim.caseholding import Staff


@dataclass
class Region:
    """A labour-market region: its firms, also by sector (interest-based search)."""

    index: int
    firms: list
    firms_by_sector: dict[str, list] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for firm in self.firms:
            firm.region_index = self.index
            self.firms_by_sector.setdefault(firm.sector, []).append(firm)


@dataclass
class Office:
    index: int
    region: Region
    staff: Staff
    ia_hours_left: float = 0.0   # the IA adviser's hours still free this week

    @property
    def firms(self) -> list:
        return self.region.firms

    @property
    def firms_by_sector(self) -> dict[str, list]:
        return self.region.firms_by_sector


def n_regions(world) -> int:
    """The labour-market regions of a world (``WorldConfig``): every ``offices_per_region`` offices
    share one (the last may have fewer)."""
    return -(-world.n_offices // world.offices_per_region)


def offices_of(world, region: int) -> range:
    """The indices of the offices in ``region`` (0, 1, ...) of a world."""
    if not 0 <= region < n_regions(world):
        raise ValueError(f"region {region}: the world has regions 0 to {n_regions(world) - 1}")
    first = region * world.offices_per_region
    return range(first, min(world.n_offices, first + world.offices_per_region))


def all_staff(offices: list[Office]) -> Staff:
    """The staff of every office together, for the phases that go through every adviser."""
    if len(offices) == 1:
        return offices[0].staff
    return Staff([a for o in offices for a in o.staff.advisers], [s for o in offices for s in o.staff.specialists])


__all__ = ["Office", "Region", "all_staff", "n_regions", "offices_of"]
