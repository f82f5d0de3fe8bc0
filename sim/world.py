"""A run's world: one model per labour-market region, run one after the other (or side by side in
``workers`` processes), read as one.

A world of ``world.n_offices`` offices has ``n_regions(world)`` labour-market regions; the offices of
a region share its firms, and regions share nothing: each is an :class:`sim.model.InclusionModel`
with its own firms, offices, users, mentors and mentor network, calendar, time ledger and random
streams (``domain.rng.Streams``: region 0 draws from the run seed itself, so a world of one region,
the default office, is that one model, unchanged). A region runs to the end of the horizon before
the next is built: its working set stays in the CPU caches, where stepping every office of a
county week by week walked them all (60 offices: 17.7 s -> 11.4 s). What a region leaves is its
:class:`sim.outcome.RunOutcome` (plain data: the model is freed), and the regions' outcomes are
read as the world's. With ``workers`` > 1 the regions run in that many processes (a sweep on this
machine runs its runs that way instead: ``inclusim.task``); a region's results do not depend on
where it ran, so the tables are the same. Like any use of ``multiprocessing``, a script that runs
such a world must start from ``if __name__ == "__main__":`` (``infra.executor``).
"""

from __future__ import annotations

from functools import partial

from domain.config import Config, resolve, validate
from infra.executor import map_in_processes
from sim.collector import fewer_collections
from sim.model import InclusionModel
from sim.offices import n_regions
from sim.outcome import RunOutcome


def run_world(config: Config | None = None, workers: int = 1) -> RunOutcome:
    """Run every region of the config's world (``workers`` at a time) and read them as one."""
    cfg = validate(resolve(config if config is not None else Config()))
    regions = range(n_regions(cfg.world))
    outcomes = map_in_processes(partial(region_outcome, cfg), regions, workers)
    return RunOutcome.merged(outcomes)


def region_outcome(cfg: Config, region: int) -> RunOutcome:
    """Build and run one region of the world; what it leaves for the tables."""
    with fewer_collections():
        return RunOutcome.of(InclusionModel(cfg, region).run())
