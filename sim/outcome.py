"""What a finished run leaves for its tables and KPIs: the users' records, the time ledger, the counts
and the event log, without the agents.

:meth:`RunOutcome.of` takes it from a model (one labour-market region); :meth:`RunOutcome.merged`
reads the regions of a world as one: users numbered region by region (a region's users, and their
events, move on by the number of users in the regions before it), events in week order (within a
week region by region), hours, counts and stocks added up, the advisers' mean competence weighted by
their number. An outcome is plain data, so a region can run in another process and send it back.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from agents.candidate import UserRecord
from agents.caseload import OrdinaryRecords
from domain.config import Config
from sim.eventlog import EventLog
from sim.ledger import TimeLedger
from sim.phases.recording import merged_rows


@dataclass
class RunOutcome:
    cfg: Config
    users: list[UserRecord]          # every target-group user of the run, in the order of their serial numbers
    ordinary: OrdinaryRecords        # every user outside the target group (``agents.caseload``)
    counters: Counter                # ``sim.tally.Tally`` counts
    ledger: TimeLedger
    events: EventLog
    weekly_rows: list[dict]          # one row per week (``sim.phases.recording``)
    mentors_total: int               # mentors who ever supported a user
    mentor_registry_size: int        # proven mentors in the registry at the end
    firms_used: int                  # firms that ended at least one pathway
    advisers: int                    # ordinary advisers (whose mean competence the weekly rows hold)
    stepped_candidate_weeks: int
    setup_seconds: float            # set-up of the models, added up over the regions

    @classmethod
    def of(cls, model) -> RunOutcome:
        """The outcome of a finished model (``sim.model.InclusionModel``)."""
        return cls(cfg=model.cfg, users=[cand.record() for cand in model.candidates],
                   ordinary=model.ordinary.records(), counters=model.counters,
                   ledger=model.ledger, events=model.events, weekly_rows=model.weekly_rows,
                   mentors_total=len(model.mentor_pool.all), mentor_registry_size=len(model.mentor_pool.registry),
                   firms_used=sum(1 for firm in model.firms if firm.n_success + firm.n_failure > 0),
                   advisers=len(model.staff.advisers), stepped_candidate_weeks=model.stepped_candidate_weeks,
                   setup_seconds=model.setup_seconds)

    @classmethod
    def merged(cls, regions: list[RunOutcome]) -> RunOutcome:
        """The outcomes of a world's regions, in region order, as the world's. It numbers their users
        and events in place: the regions' outcomes are used up (merge each set once). One region's
        outcome is the world's as it is."""
        if len(regions) == 1:
            return regions[0]
        offset = 0
        for region in regions:
            if offset:
                for user in region.users:
                    user.serial += offset
                for row in region.events.rows:
                    row.candidate += offset
            offset += len(region.users)
        counters: Counter = Counter()
        for region in regions:
            counters.update(region.counters)
        return cls(cfg=regions[0].cfg, users=[user for region in regions for user in region.users],
                   ordinary=OrdinaryRecords.merged([region.ordinary for region in regions]), counters=counters,
                   ledger=TimeLedger.total([region.ledger for region in regions]),
                   events=EventLog.merged([region.events for region in regions]),
                   weekly_rows=merged_rows([region.weekly_rows for region in regions],
                                           [region.advisers for region in regions]),
                   mentors_total=sum(region.mentors_total for region in regions),
                   mentor_registry_size=sum(region.mentor_registry_size for region in regions),
                   firms_used=sum(region.firms_used for region in regions),
                   advisers=sum(region.advisers for region in regions),
                   stepped_candidate_weeks=sum(region.stepped_candidate_weeks for region in regions),
                   setup_seconds=sum(region.setup_seconds for region in regions))
