"""A run's world: one model per labour-market region, run one after the other, read as one.

A world of ``world.n_offices`` offices has ``world.n_regions`` labour-market regions; the offices of
a region share its firms, and regions share nothing: each is an :class:`sim.model.InclusionModel`
with its own firms, offices, users, mentors and mentor network, calendar, time ledger and random
streams (``domain.rng.Streams``: region 0 draws from the run seed itself, so a world of one region,
the default office, is that one model, unchanged). So the regions run one after the other, each
to the end of the horizon: one region's working set stays in the CPU caches while it runs, where
stepping every office of a county week by week walked them all (60 offices: 17.7 s -> 11.4 s).

After the run the world reads as one model for the run tables (``sim.tables``): users numbered
region by region, events in week order, hours, counts and stocks added up.
"""

from __future__ import annotations

from collections import Counter

from domain.config import Config, resolve, validate
from sim.collector import fewer_collections
from sim.eventlog import EventLog
from sim.ledger import TimeLedger
from sim.mentoring import MentorPool
from sim.model import InclusionModel
from sim.offices import all_staff
from sim.pathway import Pathways
from sim.phases.recording import merged_rows


class World:
    """The regions of one run (``models``, one :class:`InclusionModel` each, made as they run)."""

    def __init__(self, config: Config | None = None):
        self.cfg = validate(resolve(config if config is not None else Config()))
        self.models: list[InclusionModel] = []

    def run(self) -> World:
        """Build and run every region in turn, then read them as one."""
        with fewer_collections():
            for region in range(self.cfg.world.n_regions):
                self.models.append(InclusionModel(self.cfg, region).run())
        self._number_users()
        models = self.models
        self.pathways = Pathways.merged([m.pathways for m in models])
        self.counters = models[0].counters if len(models) == 1 else Counter()
        if len(models) > 1:
            for model in models:
                self.counters.update(model.counters)
        self.ledger = TimeLedger.total([m.ledger for m in models])
        self.events = EventLog.merged([m.events for m in models])
        self.mentor_pool = MentorPool.merged([m.mentor_pool for m in models])
        self.weekly_rows = merged_rows([m.weekly_rows for m in models], [len(m.staff.advisers) for m in models])
        self.offices = [office for m in models for office in m.offices]
        self.staff = all_staff(self.offices)
        self.regions = [m.region for m in models]
        self.firms = [firm for m in models for firm in m.firms]
        self.stepped_candidate_weeks = sum(m.stepped_candidate_weeks for m in models)
        self.setup_seconds = sum(m.setup_seconds for m in models)
        return self

    @property
    def candidates(self) -> list:
        return self.pathways.candidates

    def _number_users(self) -> None:
        """Number the users of the world region by region: a region's users (and their events) move
        on by the number of users in the regions before it. Their draws were keyed when they were
        made, by their region's streams and their serial number in it, so nothing drawn changes."""
        offset = 0
        for model in self.models:
            if offset:
                for cand in model.candidates:
                    cand.serial += offset
                for row in model.events.rows:
                    row.candidate += offset
            offset += len(model.candidates)
