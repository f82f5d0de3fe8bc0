"""Phase 3, job development: screening, mapping, employer contacts, interviews, start-up meetings.

Each step happens only as far as the adviser granted its hours this week (the grant fraction is
the chance that a meeting takes place, or the share of the week's employer contacts made). A step
nobody had time for in ``pathway.stuck_weeks`` weeks is dropped. Search sends each contact to a
registry mentor's firm, a known firm, a firm in the user's interest area or any firm; the firm
accepts a work-training request with its acceptance probability (``agents.employer``) [001:727],
[001:832], [001:1000]; an adviser who asks "what does it take to get a job here?" spots some firms
that never hire [001:860]; the IA adviser, while its hours last, joins the first meeting with a
firm the adviser does not know and opens the door [001:1366-1368]. An adviser over budget makes
rushed requests (acceptance falls with the time squeeze). Job specialists also ask for a paid job
with follow-along support when the user is near ready (place then train [001:593]).
"""

from __future__ import annotations

from agents.time_budget import Work
from domain.rng import ContactDraws, SearchDraw, pick
from domain.states import WAITING_FOR_ADVISER, State
from domain.terms import ScreenDecision
from sim import mentoring, pathway, placement, specialists
from sim.tally import Tally


def run(model, week: int) -> None:
    stuck = model.cfg.pathway.stuck_weeks
    for cand in list(model.pathways.active.values()):
        state = cand.state
        if state in WAITING_FOR_ADVISER and week - cand.state_since > stuck:
            give_up_waiting(model, cand)
            continue
        if cand.start_week is None:
            cand.start_week = week
        if state == State.SCREEN:
            _screen(model, cand)
        elif state == State.MAPPING:
            _mapping(model, cand)
        elif state == State.SEARCH:
            _search(model, cand)
        elif state == State.INTERVIEW:
            _interview(model, cand)
        elif state == State.STARTUP:
            if cand.draw() < cand.grant.get(Work.STARTUP, 0.0):
                pathway.move(model, cand, State.TRAINING, "startup_meeting")
                placement.setup_training(model, cand, cand.mode)


def give_up_waiting(model, cand) -> None:
    """A step nobody had time for in ``stuck_weeks`` weeks is dropped (the adviser's time squeeze)."""
    if cand.state in (State.SCREEN, State.MAPPING):
        pathway.move(model, cand, State.POOL, "no_adviser_time")
    elif cand.state in (State.INTERVIEW, State.STARTUP):
        pathway.move(model, cand, State.SEARCH, "firm_withdrew_no_adviser_time")
    elif cand.state == State.EVALUATION:
        pathway.move(model, cand, State.TRAINING, "evaluation_not_held")
        cand.next_eval_week = model.week + cand.mode.settings.evaluation_interval_weeks


def _screen(model, cand) -> None:
    """The case meeting decides whether a selected user fits close follow-up [001:792]."""
    if cand.draw() >= cand.grant.get(Work.SCREEN, 0.0):
        return
    decision = model.policy.screen(cand, cand.nav_office.staff)
    cand.registered_need = cand.need_level   # the case meeting corrects the record
    if decision is ScreenDecision.TOO_LIGHT:
        pathway.move(model, cand, State.POOL, "too_light")
    elif decision is ScreenDecision.TOO_HEAVY:
        pathway.move(model, cand, State.TRANSFER_JS, "too_heavy")
    else:
        pathway.move(model, cand, State.MAPPING if cand.mode.settings.mapping_weeks > 0 else State.SEARCH, "accepted")


def _mapping(model, cand) -> None:
    """Mapping of interests and needs [001:428-434]; a thorough one brings hidden needs out [P3]."""
    settings = cand.mode.settings
    cand.mapping_done += cand.grant.get(Work.MAPPING, 0.0)
    if cand.mapping_done + 1e-9 < settings.mapping_weeks:
        return
    cand.interest_known = cand.draw() < model.cfg.population.p_interest_clear
    rules = model.cfg.pathway
    depth = min(1.0, settings.mapping_weeks / rules.mapping_full_depth_weeks)
    if cand.hidden_need and not cand.hidden_revealed and cand.draw() < rules.p_reveal_at_mapping * depth:
        specialists.hidden_need_revealed(model, cand)
        if cand.state != State.MAPPING:
            return
    pathway.move(model, cand, State.SEARCH, "mapping_done")


def _interview(model, cand) -> None:
    if cand.draw() < cand.grant.get(Work.INTERVIEW, 0.0):
        if cand.draw() < model.cfg.labour_market.p_interview_success:
            if cand.direct_hire:
                placement.hire_directly(model, cand)
            else:
                pathway.move(model, cand, State.STARTUP, "interview_ok")
        else:
            pathway.move(model, cand, State.SEARCH, "declined_after_interview")


def ia_adviser_joins(model, office) -> bool:
    """The office's IA adviser joins a first meeting if its hours for the week last; the hours are booked."""
    hours = model.cfg.office.ia_visit_hours
    if office.ia_hours_left < hours:
        return False
    office.ia_hours_left -= hours
    model.ledger.book_ia(model.week, hours)
    return True


def _pick_firm(model, cand, u):
    """Which firm the next contact goes to: (firm, known to the adviser, registry mentor or None).
    ``u(kind)``: the contact's draw of a kind (``domain.rng.SearchDraw``)."""
    settings = cand.mode.settings
    adviser = cand.pathway_adviser
    if settings.p_reuse_registered > 0 and model.mentor_pool.registry \
            and u(SearchDraw.REUSE_REGISTERED) < settings.p_reuse_registered:
        region = cand.nav_office.region.index   # the registry of mentors in the user's own labour market
        ready = [m for m in mentoring.ready_registry_mentors(model.mentor_pool, model.week)
                 if m.employer.region_index == region]
        if ready:
            mentor = ready[pick(u(SearchDraw.REGISTRY_MENTOR), len(ready))]
            return mentor.employer, True, mentor
    if adviser.known_firms and u(SearchDraw.USE_KNOWN) < settings.use_known_firms:
        # knowing a firm means knowing whether it has room for one more [001:832]
        with_room = [firm for firm in adviser.known_firms if firm.has_room()]
        if with_room:
            return with_room[pick(u(SearchDraw.KNOWN_FIRM), len(with_room))], True, None
    region = cand.nav_office.region
    if settings.interest_based_search and cand.interest_known and region.firms_by_sector.get(cand.interest):
        sector_firms = region.firms_by_sector[cand.interest]
        return sector_firms[pick(u(SearchDraw.SECTOR_FIRM), len(sector_firms))], False, None
    return region.firms[pick(u(SearchDraw.ANY_FIRM), len(region.firms))], False, None


def _search(model, cand) -> None:
    """This week's employer contacts for a user looking for a workplace (T6, T8)."""
    mode = cand.mode
    settings = mode.settings
    market = model.cfg.labour_market
    cand.search_weeks += 1
    cand.search_credit += cand.grant.get(Work.SEARCH, 0.0) * mode.contacts_per_week(cand)
    subsidy = settings.subsidy_assessment_hours > 0 or settings.fixed_subsidy_hours > 0
    quality = cand.pathway_adviser.followup_quality
    while cand.search_credit >= 1.0:
        cand.search_credit -= 1.0
        u = ContactDraws(cand.search_key, cand.n_contacts)   # the user's n-th contact: the same under every policy
        firm, known, registry_mentor = _pick_firm(model, cand, u)
        cand.n_contacts += 1
        firm.n_contacts += 1
        model.counters[Tally.EMPLOYER_CONTACTS] += 1
        if firm.exploitative and settings.exploitation_check_hours > 0 \
                and u(SearchDraw.SPOT_EXPLOITATIVE) < market.p_spot_exploitative:
            continue   # "hva skal til for å få jobb her?" reveals no intention to hire
        p = 0.0
        direct = False
        wage_subsidy = None
        if firm.has_room():
            p = firm.acceptance_probability(subsidy_offered=subsidy, known=known,
                                            adviser_competence=cand.pathway_adviser.competence,
                                            interest_match=firm.sector == cand.interest) * quality
            if registry_mentor is not None:
                p = min(0.95, p * model.cfg.mentor.registry_acceptance_mult)
            elif not known and not firm.ia_contact and mode.close and ia_adviser_joins(model, cand.nav_office):
                firm.ia_contact = True   # the IA adviser opens the door [001:1096], [001:1366-1368]
                p = min(0.95, p * market.ia_door_opener_mult)
            if settings.place_then_train:
                with_subsidy = u(SearchDraw.WAGE_SUBSIDY) < market.p_firm_accepts_wage_subsidy
                if cand.capability + settings.job_support_credit >= firm.hire_threshold(with_subsidy):
                    # ask for a paid job with follow-along support: the firm needs a post
                    direct = True
                    wage_subsidy = with_subsidy
                    p *= firm.opening_probability(model.cfg.pathway.training_period_weeks)
        if u(SearchDraw.ACCEPTS) < p:
            cand.employer = firm
            cand.direct_hire = direct
            cand.wage_subsidy = wage_subsidy   # agreed with this firm only (none when it said no)
            firm.placements += 1
            cand.match = placement.match_quality(model, cand, firm, u(SearchDraw.MATCH))
            if registry_mentor is not None:
                mentoring.attach_registry_mentor(cand, registry_mentor)
            if not known and firm not in cand.pathway_adviser.known_firms:
                cand.pathway_adviser.known_firms.append(firm)   # the adviser's employer network grows [001:832]
            pathway.move(model, cand, State.INTERVIEW, "employer_accepts")
            return
        firm.n_refusals += 1
        cand.n_refusals += 1
        model.counters[Tally.EMPLOYER_REFUSALS] += 1
    if cand.search_weeks >= settings.search_give_up_weeks:
        pathway.move(model, cand, State.POOL, "search_given_up")
