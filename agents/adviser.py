"""Adviser (NAV-veileder or jobbspesialist): a caseload, a weekly hour budget and a way of working.

Each week (phase 2) the adviser turns the cases it follows into demand items (``agents.followup``)
and divides the budget (``agents.time_budget``): casework for the whole caseload plus any backlog,
screening, mapping, employer contacts, interviews, start-up meetings, contacts with candidate and
mentor, crisis work, evaluation meetings, post-hire follow-up, a case meeting and network sessions,
travel. Whatever does not fit is unmet demand by activity; the items a case did not get lower its
follow-up ("brannslukking" [001:748], [001:920]). The week's hours come back as an
``agents.week_plan.AdviserWeek`` (the time ledger books them with every other adviser's, from an
``agents.week_plan.PlannedWeek``). Every adviser's week is planned at once, in
one compiled loop (``agents.week_plan``); the adviser keeps its caseload, budget and load.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from domain.terms import Role

if TYPE_CHECKING:
    from agents.week_plan import AdviserWeek


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
    def plan_week(self, week: int, network_week: bool, network_session_hours: float):
        """This adviser's week alone (an ``agents.week_plan.AdviserWeek``); phase 2 plans every
        adviser's week at once with the run's planner (``agents.week_plan.WeekPlanner``)."""
        return self.model.planner.plan([self], week, network_week, network_session_hours).advisers[0]

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
