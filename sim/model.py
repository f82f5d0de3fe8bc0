"""InclusionModel: the Mesa model of inclusion pathways in one labour-market region (by default one
NAV office; a world of several regions: ``sim.world.run_world``). One step = one week.

The model wires the parts and runs the weekly phases in a fixed order, one module each
(``sim/phases/``; ``docs/odd.md`` maps every submodel to its module):

1. ``intake``           arrivals, calendar entries due (reviews, exits, returns, job losses, own
                        jobs), close-follow-up selection, job specialists take cases
2. ``planning``         advisers plan the week: demand, hour budgets, time ledger, drift
3. ``job_development``  screening, mapping, employer contacts, interviews, start-up meetings
4. ``training``         contacts, hidden needs, mentor support, problems, crises, progress,
                        security, readiness checks, 13-week period boundaries
5. ``employment``       evaluation meetings (hire, apprenticeship, education), post-hire follow-up
6. ``hazards``          leader changes, adviser turnover, exits, dropout, firm-ended placements,
                        mentor burnout
7. ``learning``         mentor network sessions, adviser learning, office spill-over
8. ``recording``        stocks by state and office indicators

Only users with something happening this week are stepped (those in an active pathway state);
the rest wait for a calendar entry (``sim.calendar``). A state changes only through
``sim.pathway.move``.
"""

from __future__ import annotations

import time
from collections import Counter

import mesa
import numpy as np

from agents.caseload import OrdinaryRules, OrdinaryUsers
from agents.followup import FollowupMode
from agents.week_plan import WeekPlanner
from domain.config import Config, resolve, validate
from domain.rng import Streams
from scenarios.policies import make_policy
from scenarios.office_agents import (SectorMix, build_labour_market, build_office, build_population, candidate_settings,
                             ordinary_places)
from sim import pathway, placement
from sim.calendar import Calendar
from sim.collector import fewer_collections
from sim.eventlog import EventLog
from sim.ledger import TimeLedger
from sim.mentoring import MentorPool
from sim.offices import Office, Region, all_staff, n_regions, offices_of
from sim.caseholding import Staff
from sim.pathway import Pathways
from sim.phases import employment, hazards, intake, job_development, learning, planning, recording, training

#: The weekly phases in the order they run.
PHASES = (intake.run, planning.run, job_development.run, training.run, employment.run, hazards.run,
          learning.run, recording.run)


class InclusionModel(mesa.Model):
    """One labour-market region of a run: its firms, the offices that share them, their users
    (``region`` of ``sim.offices.n_regions(world)``; a world of several regions: ``sim.world.run_world``).
    A config of one region (the default office) needs no ``region``."""

    def __init__(self, config: Config | None = None, region: int | None = None):
        cfg = validate(resolve(config if config is not None else Config()))
        if region is None:
            if n_regions(cfg.world) > 1:
                raise ValueError(f"a world of {n_regions(cfg.world)} regions is run by sim.world.run_world "
                                 "(or one region at a time: InclusionModel(cfg, region))")
            region = 0
        super().__init__(rng=cfg.seed)
        started = time.perf_counter()
        self.cfg = cfg
        self.week = 0
        self.streams = Streams(cfg.seed, region)
        self.policy = make_policy(cfg.policy)
        self.modes = {name: FollowupMode(name, getattr(cfg.policy.modes, name), close=close,
                                         kappa_adviser=cfg.learning.kappa_adviser,
                                         kappa_mentor=cfg.learning.kappa_mentor,
                                         period_weeks=cfg.pathway.training_period_weeks,
                                         wage_subsidy_hours=cfg.pathway.wage_subsidy_hours, index=index)
                      for index, (name, close) in enumerate(self.policy.mode_channels().items())}
        self.planner = WeekPlanner(list(self.modes.values()))
        self.has_mentor_network = any(mode.settings.network for mode in self.modes.values())
        self.network_week = False
        self.ledger = TimeLedger(cfg.horizon_weeks)
        self.events = EventLog(record=cfg.record_events)
        self.calendar = Calendar(cfg.horizon_weeks)
        self.counters: Counter = Counter()
        self.pathways = Pathways()
        self.mentor_pool = MentorPool()
        self.weekly_rows: list[dict] = []
        self.stepped_candidate_weeks = 0
        # the region: its firms, offices, users (each from its own stream: the same under every policy)
        self.sector_mix = SectorMix.of(cfg.labour_market)
        self.region = Region(region, build_labour_market(self, cfg, self.streams["labour"], self.sector_mix))
        self.firms = self.region.firms
        self.candidate_settings = candidate_settings(cfg)
        self.offices: list[Office] = []
        place_adviser, place_office = [], []    # the caseload places of the users outside the target group
        for o in offices_of(cfg.world, region):
            advisers, specialists = build_office(self, cfg, self.policy, self.firms, self.streams["office"])
            office = Office(o, self.region, Staff(advisers, specialists))
            for adviser in advisers + specialists:
                adviser.nav_office = office
            places = ordinary_places(cfg, len(advisers))
            place_adviser.append(places + sum(len(done.staff.advisers) for done in self.offices))
            place_office.append(np.full(len(places), o))
            self.offices.append(office)
            for cand in build_population(self, cfg, self.streams["population"], advisers, self.sector_mix,
                                         self.streams, self.candidate_settings,
                                         first_serial=len(self.pathways.candidates)):
                pathway.register(self, cand)
        self.staff = all_staff(self.offices)
        # the keys of the firms' and the adviser positions' weekly draws (``domain.rng.StaffDraw``)
        self.firm_keys = self.streams.firm_keys(len(self.firms))
        self.post_keys = [self.streams.post_keys(office.index, len(office.staff.all_advisers)) for office in self.offices]
        self.ordinary = OrdinaryUsers(self, np.concatenate(place_adviser), np.concatenate(place_office),
                                      self.streams.ordinary_keys, OrdinaryRules.of(cfg))
        placement.start_in_training(self)
        self.setup_seconds = time.perf_counter() - started

    @property
    def candidates(self) -> list:
        return self.pathways.candidates

    def step(self) -> None:
        self.week += 1
        for phase in PHASES:
            phase(self, self.week)
        if self.week >= self.cfg.horizon_weeks:
            self.running = False

    def run(self) -> InclusionModel:
        with fewer_collections():    # the collector walks the long-lived world less often (``sim.collector``)
            while self.running and self.week < self.cfg.horizon_weeks:
                self.step()
        return self
