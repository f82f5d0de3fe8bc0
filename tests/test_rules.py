"""Unit tests of single behaviour rules on tiny hand-built models."""

from __future__ import annotations

import pytest

from conftest import bare_model, place_in_training
from domain.states import ALLOWED, State, TransitionError
from sim import pathway, specialists
from agents.time_budget import Work
from agents.work_training import train_week
from sim.phases.training import period_boundary


def test_employer_acceptance_rises_with_subsidy_known_firm_and_adviser_confidence():
    m = bare_model()
    firm = m.firms[0]
    firm.willingness = 0.5
    base = firm.acceptance_probability(subsidy_offered=True, known=False, adviser_competence=0.5, interest_match=True)
    assert base == pytest.approx(m.cfg.labour_market.p_accept_training)
    assert firm.acceptance_probability(subsidy_offered=False, known=False, adviser_competence=0.5,
                                       interest_match=True) < base
    assert firm.acceptance_probability(subsidy_offered=True, known=True, adviser_competence=0.5,
                                       interest_match=True) > base
    assert firm.acceptance_probability(subsidy_offered=True, known=False, adviser_competence=0.9,
                                       interest_match=True) > base
    firm.willingness = 1.0
    assert firm.acceptance_probability(subsidy_offered=True, known=True, adviser_competence=1.0,
                                       interest_match=True) <= 0.95


def test_openings_wage_subsidy_and_exploitative_firms():
    m = bare_model()
    firm = next(f for f in m.firms if not f.exploitative)
    assert firm.opening_probability(13) == pytest.approx(firm.job_prospect)
    assert firm.opening_probability(4) < firm.opening_probability(26)
    assert firm.hire_threshold(wage_subsidy=True) < firm.hire_threshold(wage_subsidy=False)
    bad = next(f for f in m.firms if f.exploitative) if any(f.exploitative for f in m.firms) else None
    if bad is not None:
        assert bad.opening_probability(52) == 0.0


def test_informing_colleagues_lowers_conflict_risk():
    m = bare_model()
    firm = m.firms[0]
    firm.informs_colleagues = False
    no_info = firm.conflict_probability()
    firm.informs_colleagues = True
    assert firm.conflict_probability() < no_info


def test_mentor_support_strain_and_learning():
    m = bare_model()
    cand = place_in_training(m, m.candidates[0], mode="hybrid")
    mentor = cand.mentor
    assert mentor is not None
    mentor.subsidised_hours = 2.0
    delivered, unpaid, effect = mentor.support(10.0)
    assert delivered == pytest.approx(2.0 + m.cfg.mentor.goodwill_hours)
    assert unpaid == pytest.approx(m.cfg.mentor.goodwill_hours)
    assert 0 < effect < 1
    low = mentor.competence
    mentor.competence = min(1.0, low + 0.4)
    assert mentor.support(10.0)[2] > effect
    mentor.strain = 0.0
    mentor.update_strain(1.0, adviser_support=0.0)
    alone = mentor.strain
    mentor.strain = 0.0
    mentor.update_strain(1.0, adviser_support=1.0)
    assert mentor.strain < alone
    c0 = mentor.competence
    mentor.learn(co_created=True)
    c1 = mentor.competence
    mentor.competence = c0
    mentor.learn(co_created=False)
    assert c1 > mentor.competence > c0


def test_dropout_hazard_mechanisms():
    m = bare_model()
    cand = place_in_training(m, m.candidates[0], mode="hybrid")
    cand.security, cand.crisis, cand.problem_weeks = 0.8, False, 0
    base = cand.dropout_hazard()
    cand.crisis = True
    assert cand.dropout_hazard() > base
    cand.crisis = False
    cand.security = 0.2
    assert cand.dropout_hazard() > base
    cand.security = 0.8
    mentor, cand.mentor = cand.mentor, None
    assert cand.dropout_hazard() == pytest.approx(base * m.cfg.pathway.m_no_mentor)
    cand.mentor = mentor
    cand.match = 0.2
    assert cand.dropout_hazard() > base


def test_illegal_transition_is_refused():
    m = bare_model()
    cand = m.candidates[0]
    assert State.POST_FOLLOWUP not in ALLOWED[State.POOL]
    events, counts = len(m.events), m.pathways.state_counts.copy()
    with pytest.raises(TransitionError):
        pathway.move(m, cand, State.POST_FOLLOWUP, "not allowed from POOL")
    assert cand.state == State.POOL                       # nothing changed: no event, same stocks
    assert len(m.events) == events and (m.pathways.state_counts == counts).all()


def _problem_resolved_share(mode: str, n: int = 300) -> float:
    """Share of users whose small problem is gone after one week with an adviser contact."""
    m = bare_model(office={"n_advisers": 2, "caseload_ordinary": 200, "caseload_cap": 200, "target_share": 1.0},
                   labour_market={"n_firms": 800, "share_exploitative": 0.0})
    trainees = m.candidates[:n]
    for cand in trainees:
        place_in_training(m, cand, mode=mode)
        if cand.mentor is not None:
            cand.mentor.competence = 0.0   # isolate the adviser's part
        cand.problem_weeks = 1
        cand.contact_this_week = True
    train_week(trainees, [cand.mode for cand in trainees], m.week, m.candidate_settings)
    return sum(cand.problem_weeks == 0 and not cand.crisis for cand in trainees) / n


def test_proactive_contact_defuses_small_problems_reactive_contact_does_not():
    proactive = _problem_resolved_share("hybrid")
    reactive = _problem_resolved_share("saksbehandler")
    assert reactive == 0.0
    assert proactive > 0.25


@pytest.mark.parametrize("p_firm_extends, expected", [(1.0, State.TRAINING), (0.0, State.NOT_SUCCESSFUL)])
def test_period_boundary_extends_or_ends(p_firm_extends, expected):
    m = bare_model(pathway={"p_firm_extends": p_firm_extends})
    cand = place_in_training(m, m.candidates[0], mode="hybrid")
    cand.capability_at_period_start = cand.capability - 0.1   # progress was made
    cand.grant[Work.PERIOD_MEETING] = 1.0                     # the period-end meeting took place
    period_boundary(m, cand, cand.mode, weeks_in=13)
    assert cand.state == expected


def _renewed_share(mode: str, meeting: bool, n: int = 400) -> float:
    """Share of placements renewed at a period end, progress made, no strain."""
    m = bare_model(office={"n_advisers": 2, "caseload_ordinary": 200, "caseload_cap": 200, "target_share": 1.0},
                   labour_market={"n_firms": 800, "share_exploitative": 0.0})
    renewed = 0
    for cand in m.candidates[:n]:
        place_in_training(m, cand, mode=mode)
        cand.capability_at_period_start = cand.capability - 0.1
        if meeting:
            cand.grant[Work.PERIOD_MEETING] = 1.0
        period_boundary(m, cand, cand.mode, weeks_in=13)
        renewed += cand.state == State.TRAINING
    return renewed / n


def test_renewal_follows_the_meeting_and_the_firm_not_the_way_of_working():
    """Saksbehandler placements are renewed as often as hybrid ones when someone comes to the meeting [001:1499]."""
    sb, hy = _renewed_share("saksbehandler", meeting=True), _renewed_share("hybrid", meeting=True)
    assert sb == pytest.approx(hy, abs=0.05) and sb > 0.85
    assert _renewed_share("hybrid", meeting=False) < hy - 0.08      # nobody from NAV came: less sure


def test_a_hidden_need_sends_a_case_on_by_the_same_rule_as_the_case_meeting():
    m = bare_model(policy={"name": "hybrid", "need_levels": ["medium"], "too_heavy_barriers": 3})
    heavy, light = [c for c in m.candidates if c.need_level == "medium"][:2]
    heavy.barriers, light.barriers = 3, 1
    for cand in (heavy, light):
        place_in_training(m, cand, mode="hybrid")
        cand.hidden_need = True
        specialists.hidden_need_revealed(m, cand)
        assert cand.need_level == "large"
    assert heavy.mode.name == "jobbspesialist" and heavy.pathway_adviser in m.staff.specialists
    causes = [row.cause for row in m.events.rows if row.candidate == heavy.serial]
    assert causes[-3:] == ["hidden_need_revealed", "need_too_large", "job_specialist_takes_over"]
    assert light.mode.name == "hybrid" and light.state == State.TRAINING    # too few barriers: stays


def test_time_squeeze_lowers_contact_quality():
    m = bare_model()
    adv = m.staff.advisers[0]
    adv.pressure = 1.0
    assert adv.followup_quality == 1.0
    adv.pressure = 1.5
    assert adv.followup_quality == pytest.approx(1 / 1.5)
