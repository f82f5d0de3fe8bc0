"""Adviser (NAV-veileder or jobbspesialist): a caseload, a weekly hour budget and a way of working.

Each week (phase 2) the adviser turns the cases it follows into demand items (``agents.followup``)
and divides the budget (``agents.time_budget``): casework for the whole caseload plus any backlog,
screening, mapping, employer contacts, interviews, start-up meetings, contacts with candidate and
mentor, crisis work, evaluation meetings, post-hire follow-up, a case meeting and network sessions,
travel. Whatever does not fit is unmet demand by activity; the items a case did not get lower its
follow-up ("brannslukking" [001:748], [001:920]). The week's hours come back as an
:class:`AdviserWeek` for the time ledger.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import mesa

from agents.time_budget import LAST, REGULAR, URGENT, Demand, Work, allocate_by_tier, split_budget
from domain.states import State
from domain.terms import ACTIVITIES, Activity, Role


@dataclass
class AdviserWeek:
    """One adviser's week for the time ledger."""

    role: Role
    booked: list[float]      # hours by activity
    unmet: list[float]       # demand not met, by activity
    pressure: float          # demand / budget this week
    over_budget: bool
    js_like: bool            # close cases asked for more than office.js_like_load_share of the week
    backlog: float           # casework carried into next week
    registered_mentors: list = field(default_factory=list)   # mentors whose registration was done this week


class Adviser(mesa.Agent):
    def __init__(self, model, *, role: Role, competence: float, office, learning, travel_hours: float,
                 close_slots: int = 0):
        super().__init__(model)
        self.role = Role(role)
        #: a job specialist: no ordinary caseload, every case close (an adviser keeps its role)
        self.is_specialist = self.role.is_specialist
        self.competence = competence
        self.settings = office            # OfficeConfig: hours, casework, leader support, load rules
        self.learning = learning          # LearningConfig
        self.hours_week = office.adviser_hours_week
        self.travel_hours = travel_hours  # per workplace visit
        self.close_slots = close_slots    # close-follow-up places (hybrid advisers)
        self.other_users = 0              # users outside the target group (casework only)
        self.pool: dict[int, object] = {}         # target-group users in ordinary follow-up (by id)
        self.on_caseload: dict[int, object] = {}  # every target-group user on the caseload
        self.cases: dict[int, object] = {}        # users in a pathway this adviser follows up
        self.known_firms: list = []
        self.n_close = 0                  # close-follow-up slots in use
        self.turnovers = 0
        self.cocreative_weeks = 0
        self.over_budget = False
        self.network_attended = False
        self.pressure = 1.0               # moving average of weekly demand / budget
        self.admin_done = 1.0             # moving average of the share of casework done
        self.ordinary_intensity = 1.0     # moving average of ordinary follow-up per user / the norm
        self.admin_backlog = 0.0          # casework not done in earlier weeks, still to do
        self.js_like = False              # close cases ask for a job specialist's week (the "too thick" hybrid)
        self.pending_registrations: list = []   # proven mentors to register (the registry practice)
        self.pending_handovers: dict[int, object] = {}   # cases taken over from a leaving adviser
        self.nav_office = None            # the NAV office this adviser works in (``sim.offices.Office``)
        self.last_week: AdviserWeek | None = None   # the latest planned week (phase 2)

    def free_slots(self) -> int:
        if self.is_specialist:
            return self.settings.js_caseload_cap - len(self.cases)
        return self.close_slots - self.n_close

    def caseload(self) -> int:
        """Users on this ordinary adviser's caseload (target-group agents and the other users)."""
        return self.other_users + len(self.on_caseload)

    def admin_demand(self) -> float:
        if self.is_specialist:
            return len(self.cases) * self.settings.admin_hours_per_js_case
        return (self.other_users + len(self.on_caseload)) * self.settings.admin_hours_per_case

    # -- phase 2: plan the week ---------------------------------------------------------------
    def plan_week(self, week: int, network_week: bool, network_session_hours: float) -> AdviserWeek:
        office = self.settings
        travel = self.travel_hours
        close_items: list[Demand] = []
        ordinary_items: list[Demand] = []
        for cand in self.cases.values():
            cand.grant.clear()
            mode = cand.mode
            if cand.state == State.TRAINING and week >= cand.next_contact_week and cand.contact_is_visit is None:
                cand.contact_is_visit = cand.draw() < mode.settings.visit_share
            mode.add_demands(cand, week, travel, close_items if (mode.close or self.is_specialist) else ordinary_items)
        for mentor, hours in self.pending_registrations:
            close_items.append(Demand(mentor, Work.REGISTRY, Activity.ADMIN, hours, REGULAR))
        handover = office.handover_hours
        self.pending_handovers = {uid: c for uid, c in self.pending_handovers.items() if uid in self.cases}
        registered: list = []
        for cand in self.pending_handovers.values():
            items = close_items if (cand.close or self.is_specialist) else ordinary_items
            items.append(Demand(cand, Work.HANDOVER, Activity.CANDIDATE_MEETINGS, handover, URGENT))
        has_close = self.n_close > 0 or (self.is_specialist and self.cases)
        if has_close and not self.is_specialist and office.case_meeting_hours > 0:
            close_items.append(Demand(None, Work.CASE_MEETING, Activity.ADMIN, office.case_meeting_hours, REGULAR))
        if network_week and self.n_close > 0:
            close_items.append(Demand(None, Work.NETWORK, Activity.NETWORK, network_session_hours, REGULAR))
            close_items.append(Demand(None, Work.NETWORK, Activity.TRAVEL, travel, REGULAR))

        new_admin = self.admin_demand()
        admin = new_admin + self.admin_backlog   # undone casework does not go away
        floor = admin if self.is_specialist else office.admin_floor_share * admin
        # urgent case work (crises, meetings already set) can always get some of the week
        floor = min(floor, office.admin_floor_cap_share * self.hours_week)
        admin_rest = admin - floor
        if admin_rest > 0:
            ordinary_items.append(Demand(None, Work.ADMIN, Activity.ADMIN, admin_rest, LAST))
        close_demand = sum([item.hours for item in close_items])
        ordinary_demand = sum([item.hours for item in ordinary_items])
        split = split_budget(self.hours_week, floor, close_demand, ordinary_demand, office.leader_support)
        granted_close = allocate_by_tier(close_items, split.close)
        granted_ordinary = allocate_by_tier(ordinary_items, split.ordinary)

        # book hours and unmet demand by activity
        booked = [0.0] * len(ACTIVITIES)
        unmet = [0.0] * len(ACTIVITIES)
        booked[Activity.ADMIN] = split.admin_floor
        admin_granted = split.admin_floor
        close_hours = 0.0
        for items, granted, is_close in ((close_items, granted_close, True),
                                         (ordinary_items, granted_ordinary, False)):
            for item, hours in zip(items, granted):
                booked[item.activity] += hours
                if item.kind == Work.ADMIN:
                    admin_granted += hours
                    continue
                if item.hours > hours:
                    unmet[item.activity] += item.hours - hours
                if is_close:
                    close_hours += hours
                cand = item.subject
                if item.kind in (Work.REGISTRY, Work.HANDOVER):
                    if hours >= item.hours - 1e-9:   # done once its hours are granted in full
                        self._settle(item, registered)
                    continue
                if cand is not None and item.hours > 0:
                    cand.hours[item.activity] += hours
                    # an item and its travel share one tier, hence one fraction
                    cand.grant[item.kind] = hours / item.hours
                    if cand.close:
                        cand.close_hours_week += hours
        demand = floor + close_demand + ordinary_demand   # ordinary_demand holds the casework above the floor
        self.over_budget = demand > self.hours_week + 1e-9
        memory = office.load_memory
        self.pressure = memory * self.pressure + (1.0 - memory) * (demand / self.hours_week)
        self.admin_done = memory * self.admin_done + (1.0 - memory) * (admin_granted / admin if admin > 0 else 1.0)
        undone = max(0.0, admin - admin_granted)
        unmet[Activity.ADMIN] += undone            # every hour of casework left undone this week
        self.admin_backlog = undone * office.admin_backlog_carry
        # hours nothing asked for go to ordinary follow-up of the caseload (more talks per user)
        spare = max(0.0, self.hours_week - sum(booked))
        if not self.is_specialist:
            booked[Activity.ADMIN] += spare
            norm = new_admin if new_admin > 0 else admin
            # with no casework at all the adviser has every spare hour for the caseload
            done = (admin_granted + spare) / norm if norm > 0 else office.ordinary_intensity_cap
            self.ordinary_intensity = memory * self.ordinary_intensity + (1.0 - memory) * min(
                office.ordinary_intensity_cap, done)
        self.network_attended = network_week and self.n_close > 0 and any(
            item.kind == Work.NETWORK and hours > 0.5 * item.hours
            for item, hours in zip(close_items, granted_close, strict=True))
        self.js_like = not self.is_specialist and close_demand > office.js_like_load_share * self.hours_week
        return AdviserWeek(role=self.role, booked=booked, unmet=unmet, pressure=demand / self.hours_week,
                           over_budget=self.over_budget, js_like=self.js_like, backlog=self.admin_backlog,
                           registered_mentors=registered)

    def _settle(self, item: Demand, registered: list) -> None:
        if item.kind == Work.REGISTRY:
            self.pending_registrations = [(m, h) for m, h in self.pending_registrations if m is not item.subject]
            registered.append(item.subject)
        else:
            self.pending_handovers.pop(item.subject.unique_id, None)

    @property
    def followup_quality(self) -> float:
        """How much of a contact's value survives the time squeeze (1 when within budget).

        Over budget, contacts get short and reactive ("brannslukking" [001:748], [001:920],
        tidsklemme [001:740]): quality = (budget / demand) ** squeeze_exponent.
        """
        if self.pressure <= 1.0:
            return 1.0
        return (1.0 / self.pressure) ** self.settings.squeeze_exponent

    # -- phase 6: turnover ----------------------------------------------------------------------
    def replaced(self, keep_firms: int) -> None:
        """The adviser leaves (R6): a new one with starting competence, a few of the firm contacts,
        and a handover of every case to do first."""
        self.turnovers += 1
        self.competence = self.learning.js_competence0 if self.is_specialist else self.learning.adviser_competence0
        self.known_firms = self.known_firms[:keep_firms]
        self.pending_handovers = dict(self.cases)
        self.pending_registrations = []
        self.pressure = max(self.pressure, 1.0)

    # -- phase 7: learning --------------------------------------------------------------------
    def learn(self, cocreative_case_weeks: int) -> None:
        if cocreative_case_weeks > 0:
            k = min(cocreative_case_weeks, 3)
            self.competence += self.learning.alpha_adviser_practice * k * (1.0 - self.competence)
        elif self.role.takes_close_cases and self.n_close == 0:
            self.competence -= self.learning.decay_inactive * self.competence
        self.competence = min(1.0, max(0.0, self.competence))
