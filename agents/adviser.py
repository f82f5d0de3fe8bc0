"""Adviser (NAV-veileder or jobbspesialist): a caseload, a weekly hour budget and a way of working.

The weekly plan (phase 2 of the model) turns the adviser's cases into *demand items*: hours for
admin, screening, mapping, employer contacts, interviews, start-up meetings, contacts with
candidate and mentor, crisis work, evaluation meetings, post-hire follow-up, network sessions and
travel. The budget is then allocated:

1. a floor share of ordinary admin (decisions and plans cannot be skipped);
2. close-follow-up cases (hybrid or job-specialist mode) and ordinary work compete for the rest.
   With leader support ``s`` the close cases are entitled to at least ``s`` of the remaining
   hours ("aksept for at andre brukere kan få litt mindre oppfølging" [001:774]); with ``s = 0``
   they get only what ordinary work leaves;
3. within each class, urgent items (crises, meetings already set) come before regular contacts,
   and employer search comes last; when a tier does not fit, every item in it gets the same share.

Whatever does not fit is booked as unmet demand by activity, and the items a case did not get
are what lowers its follow-up quality: missed contacts mean problems go unnoticed until they are
crises ("brannslukking" [001:748], [001:920]).

A ``FollowupMode`` says what one case needs in each pathway state under one way of working
(saksbehandler, hybrid, jobbspesialist); its numbers are in ``cfg.followup.<mode>``.
"""

from __future__ import annotations

import mesa

from sim.ledger import A, ACTIVITIES, R

ADMIN = A["admin"]
N_ACT = len(ACTIVITIES)
from sim.states import State

# demand item tiers
URGENT, REGULAR, ADMIN_REST, SEARCH = 1, 2, 3, 3   # remaining casework and employer search share the last tier


class FollowupMode:
    """What one case needs from its adviser each week under one way of working."""

    def __init__(self, name: str, cfg, close: bool):
        self.name = name
        self.cfg = cfg          # FollowupModeConfig
        self.close = close      # counts as close follow-up (protected by leader support)

    def tempo(self, cand) -> float:
        """1, or for a mode that scales with time, the adviser's ordinary follow-up intensity."""
        if self.cfg.scales_with_time and cand.followup is not None:
            return max(0.25, cand.followup.ordinary_intensity)
        return 1.0

    def contact_interval(self, weeks_in_training: int, cand=None) -> int:
        c = self.cfg
        base = c.contact_interval_early if weeks_in_training < c.early_weeks else c.contact_interval_stable
        if cand is not None and c.scales_with_time:
            return max(1, round(base / self.tempo(cand)))
        return base

    def contacts_per_week(self, cand) -> float:
        return self.cfg.employer_contacts_per_week * self.tempo(cand)

    def crisis_lag(self, cand) -> int:
        return round(self.cfg.crisis_response_lag_weeks / self.tempo(cand))

    def add_demands(self, cand, week: int, travel: float, items: list) -> None:
        """Append (candidate, kind, activity, hours, tier) items for this week."""
        c = self.cfg
        st = cand.state
        comp_saving = 1.0 - cand.model.cfg.learning.kappa_adviser * cand.followup.competence
        if st == State.SCREEN:
            items.append((cand, "screen", A["admin"], 0.5, URGENT))
        elif st == State.MAPPING:
            items.append((cand, "mapping", A["candidate_meetings"], c.mapping_hours_per_week, REGULAR))
        elif st == State.SEARCH:
            n = self.contacts_per_week(cand)
            if n > 0:
                items.append((cand, "search", A["employer_contact"], n * c.hours_per_employer_contact, SEARCH))
                if c.field_based and travel > 0:
                    items.append((cand, "search", A["travel"], n * travel, SEARCH))
        elif st == State.INTERVIEW:
            items.append((cand, "interview", A["employer_contact"], c.interview_hours, URGENT))
            items.append((cand, "interview", A["travel"], travel, URGENT))
        elif st == State.STARTUP:
            items.append((cand, "startup", A["employer_contact"], c.startup_hours, URGENT))
            items.append((cand, "startup", A["travel"], travel, URGENT))
        elif st == State.TRAINING:
            if cand.crisis and cand.crisis_known_week is not None and week >= cand.crisis_known_week:
                items.append((cand, "crisis", A["mentor_followup"], c.crisis_hours * comp_saving, URGENT))
                items.append((cand, "crisis", A["travel"], travel, URGENT))
            if week >= cand.next_contact_week:
                hours = c.contact_hours * comp_saving
                if cand.mentor is not None:
                    hours *= 1.0 - cand.model.cfg.learning.kappa_mentor * cand.mentor.competence
                items.append((cand, "contact", A["mentor_followup"], hours, REGULAR))
                if cand.contact_is_visit:
                    items.append((cand, "contact", A["travel"], travel, REGULAR))
        elif st == State.EVALUATION:
            items.append((cand, "evaluation", A["candidate_meetings"], c.evaluation_hours, URGENT))
            items.append((cand, "evaluation", A["travel"], travel, URGENT))
        elif st == State.POST_FOLLOWUP:
            if c.post_followup_hours > 0:
                items.append((cand, "post", A["mentor_followup"], c.post_followup_hours * comp_saving, REGULAR))


def allocate_by_tier(items: list, available: float) -> list[float]:
    """Grant hours to items in tier order; a tier that does not fit is shared in proportion."""
    granted = [0.0] * len(items)
    if not items:
        return granted
    order = sorted(range(len(items)), key=lambda i: items[i][4])
    pos = 0
    n = len(order)
    while pos < n:
        tier = items[order[pos]][4]
        end = pos
        demand = 0.0
        while end < n and items[order[end]][4] == tier:
            demand += items[order[end]][3]
            end += 1
        if demand <= available:
            for k in range(pos, end):
                granted[order[k]] = items[order[k]][3]
            available -= demand
        else:
            share = available / demand if demand > 0 else 0.0
            for k in range(pos, end):
                granted[order[k]] = items[order[k]][3] * share
            available = 0.0
        pos = end
    return granted


def split_budget(budget: float, admin_floor: float, close_demand: float, ordinary_demand: float,
                 leader_support: float) -> tuple[float, float, float]:
    """Hours for (admin floor, close cases, ordinary work) from one weekly budget."""
    g_floor = min(admin_floor, budget)
    rest = budget - g_floor
    close_target = min(close_demand, max(leader_support * rest, rest - ordinary_demand))
    g_ord = min(ordinary_demand, rest - close_target)
    g_close = min(close_demand, rest - g_ord)
    return g_floor, max(0.0, g_close), max(0.0, g_ord)


class Adviser(mesa.Agent):
    def __init__(self, model, *, role: str, competence: float, hours_week: float, other_users: int = 0,
                 hybrid_slots: int = 0):
        super().__init__(model)
        self.role = role                  # saksbehandler | hybrid | jobbspesialist
        self.competence = competence
        self.hours_week = hours_week
        self.other_users = other_users    # users outside the target group (admin load only)
        self.hybrid_slots = hybrid_slots
        self.pool: dict[int, object] = {}     # target-group users in ordinary follow-up (by id)
        self.on_caseload: dict[int, object] = {}  # every target-group user on the caseload
        self.cases: dict[int, object] = {}    # users in a pathway this adviser follows up
        self.known_firms: list = []
        self.n_close = 0                  # close (hybrid) cases in use
        self.turnovers = 0
        self.last_demand = 0.0
        self.last_close_hours = 0.0
        self.cocreative_weeks = 0
        self.over_budget = False
        self.network_attended = False
        self.pressure = 1.0      # moving average of weekly demand / budget
        self.admin_done = 1.0    # moving average of the share of ordinary admin done
        self.ordinary_intensity = 1.0  # moving average of ordinary follow-up hours per user / the norm
        self.admin_backlog = 0.0  # admin hours not done in earlier weeks, still to do

    @property
    def is_js(self) -> bool:
        return self.role == "jobbspesialist"

    def free_slots(self) -> int:
        if self.is_js:
            return self.model.cfg.office.js_caseload_cap - len(self.cases)
        return self.hybrid_slots - self.n_close

    def caseload(self) -> int:
        """Users on this ordinary adviser's caseload (target-group agents and the other users)."""
        return self.other_users + len(self.on_caseload)

    def admin_demand(self) -> float:
        o = self.model.cfg.office
        if self.is_js:
            return len(self.cases) * o.admin_hours_per_js_case
        return (self.other_users + len(self.on_caseload)) * o.admin_hours_per_case

    # -- phase 2: plan the week ---------------------------------------------------------------
    def plan_week(self, week: int, network_week: bool) -> None:
        model = self.model
        office = model.cfg.office
        travel = model.travel_hours
        close_items: list = []
        ord_items: list = []
        for cand in self.cases.values():
            cand.grant.clear()
            mode = model.modes[cand.mode_name]
            if cand.state == State.TRAINING and week >= cand.next_contact_week and cand.contact_is_visit is None:
                cand.contact_is_visit = cand.draw() < mode.cfg.visit_share
            mode.add_demands(cand, week, travel, close_items if (mode.close or self.is_js) else ord_items)
        has_close = self.n_close > 0 or (self.is_js and self.cases)
        if has_close and not self.is_js and office.case_meeting_hours > 0:
            close_items.append((None, "case_meeting", A["admin"], office.case_meeting_hours, REGULAR))
        if network_week and self.n_close > 0:
            close_items.append((None, "network", A["network"], model.cfg.mentor.network_session_hours, REGULAR))
            close_items.append((None, "network", A["travel"], travel, REGULAR))

        new_admin = self.admin_demand()
        admin = new_admin + self.admin_backlog   # undone casework does not go away
        floor = admin if self.is_js else office.admin_floor_share * admin
        # urgent case work (crises, meetings already set) can always get some of the week
        floor = min(floor, office.admin_floor_cap_share * self.hours_week)
        admin_rest = admin - floor
        if admin_rest > 0:
            ord_items.append((None, "admin", A["admin"], admin_rest, ADMIN_REST))
        close_demand = sum(it[3] for it in close_items)
        ord_demand = sum(it[3] for it in ord_items)
        g_floor, g_close, g_ord = split_budget(self.hours_week, floor, close_demand, ord_demand,
                                               office.leader_support)
        granted_close = allocate_by_tier(close_items, g_close)
        granted_ord = allocate_by_tier(ord_items, g_ord)

        # book hours and unmet demand: accumulate per activity, then one ledger write per activity
        role = R[self.role]
        ledger = model.ledger
        booked = [0.0] * N_ACT
        unmet = [0.0] * N_ACT
        booked[ADMIN] = g_floor
        admin_granted = g_floor
        close_hours = 0.0
        for items, granted, is_close in ((close_items, granted_close, True), (ord_items, granted_ord, False)):
            for it, g in zip(items, granted):
                cand, kind, act, hours, _tier = it
                booked[act] += g
                if kind == "admin":
                    admin_granted += g
                    continue
                if hours > g:
                    unmet[act] += hours - g
                if is_close:
                    close_hours += g
                if cand is not None and hours > 0:
                    cand.hours[act] += g
                    # an item and its travel share one tier, hence one fraction
                    cand.grant[kind] = g / hours
                    if cand.close:
                        cand.close_hours_week += g
        demand = floor + close_demand + ord_demand   # ord_demand holds the casework above the floor
        self.last_demand = demand
        self.last_close_hours = close_hours
        self.over_budget = demand > self.hours_week + 1e-9
        mem = office.load_memory
        self.pressure = mem * self.pressure + (1.0 - mem) * (demand / self.hours_week)
        self.admin_done = mem * self.admin_done + (1.0 - mem) * (admin_granted / admin if admin > 0 else 1.0)
        old_backlog = self.admin_backlog
        self.admin_backlog = max(0.0, admin - admin_granted) * office.admin_backlog_carry
        if self.admin_backlog > old_backlog:
            unmet[ADMIN] += self.admin_backlog - old_backlog
        # hours nothing asked for go to ordinary follow-up of the caseload (more talks per user)
        spare = max(0.0, self.hours_week - sum(booked))
        if not self.is_js and admin > 0:
            booked[ADMIN] += spare
            norm = new_admin if new_admin > 0 else admin
            self.ordinary_intensity = mem * self.ordinary_intensity + (1.0 - mem) * min(
                office.ordinary_intensity_cap, (admin_granted + spare) / norm)
        ledger.book_adviser_week(week, role, booked, unmet, demand / self.hours_week, self.over_budget,
                                 js_like=not self.is_js and close_hours > model.cfg.policy.theta_thick * self.hours_week,
                                 backlog=self.admin_backlog)
        self.network_attended = network_week and self.n_close > 0 and any(
            it[1] == "network" and g > 0.5 * it[3] for it, g in zip(close_items, granted_close, strict=True))

    @property
    def followup_quality(self) -> float:
        """How much of a contact's value survives the time squeeze (1 when within budget).

        Over budget, contacts get short and reactive ("brannslukking" [001:748], [001:920],
        tidsklemme [001:740]): quality = (budget / demand) ** squeeze_exponent.
        """
        if self.pressure <= 1.0:
            return 1.0
        return (1.0 / self.pressure) ** self.model.cfg.office.squeeze_exponent

    # -- phase 7: learning --------------------------------------------------------------------
    def learn(self, cocreative_case_weeks: int) -> None:
        lc = self.model.cfg.learning
        if cocreative_case_weeks > 0:
            k = min(cocreative_case_weeks, 3)
            self.competence += lc.alpha_adviser_practice * k * (1.0 - self.competence)
        elif self.role == "hybrid" and self.n_close == 0:
            self.competence -= lc.decay_inactive * self.competence
        self.competence = min(1.0, max(0.0, self.competence))
