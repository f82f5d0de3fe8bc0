"""Issue 9: outcomes follow from time and practice.

* No practice of a way of working acts without the hours it takes.
* Saksbehandler given the hybrid way of working on its own caseload reaches hybrid outcomes only by
  going over budget.
* The rules a review found wrong, each fixed (one test each).
* Every mechanism's effect has the direction the seeds give (docs/mechanisms.md).
"""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from agents.time_budget import Work
from conftest import bare_model, place_in_training, small_config
from domain.config import from_dict
from domain.modes import hybrid_mode
from domain.params import merge
from domain.rng import LifeEvent
from domain.states import ALLOWED, State
from sim import pathway, specialists, caseholding
from sim.kpis import compute_kpis
from sim.outcome import RunOutcome
from sim.model import InclusionModel
from sim.phases import hazards, planning
from sim.tables import run_model

ROOT = Path(__file__).resolve().parent.parent

#: Every practice of a way of working: hours that buy an effect.
PRACTICES = ("exploitation_check_hours", "mentor_recruitment_hours", "colleague_info_hours", "network_agreement_hours",
             "subsidy_assessment_hours", "on_call_hours", "period_meeting_hours", "goal_setting_hours",
             "career_guidance_hours", "mentor_continuation_hours", "registry_hours")


def _mean(rows, kpi):
    return float(np.mean([r[kpi] for r in rows]))


# --- practices cost hours -----------------------------------------------------------------------------

def test_no_practice_acts_without_the_hours_it_takes():
    """Close cases get no hours (casework fills the week, no leader support): with or without the
    hybrid practices, every user's pathway is the same."""
    starved = {"horizon_weeks": 60, "office": {"admin_hours_per_case": 2.0, "leader_support": 0.0,
                                                "admin_floor_share": 1.0, "admin_floor_cap_share": 1.0,
                                                "hybrid_volunteer_share": 1.0, "close_uptake_pressure": 3.0},
               "policy": {"name": "hybrid", "escalate_to_js": False, "escalation_reserve": 100}}
    without = {"policy": {"modes": {"hybrid": {p: 0.0 for p in PRACTICES}}}}
    for seed in (1, 2):
        a = run_model(merge(small_config(**starved), {"seed": seed}))
        b = run_model(merge(merge(small_config(**starved), without), {"seed": seed}))
        assert a.runs["n_close_cases"].iloc[0] > 0
        pd.testing.assert_frame_equal(a.events.drop(columns="run_id"), b.events.drop(columns="run_id"))
        pd.testing.assert_frame_equal(a.candidates.drop(columns=["run_id", "adviser_hours"]),
                                      b.candidates.drop(columns=["run_id", "adviser_hours"]))


def test_saksbehandler_with_the_hybrid_way_of_working_goes_over_budget_to_reach_hybrid_outcomes():
    hybrid_ways = dataclasses.asdict(hybrid_mode())
    seeds = range(1, 4)
    sb = [run_model(from_dict({"policy": {"name": "saksbehandler", "modes": {"saksbehandler": hybrid_ways}},
                               "seed": s})).runs.iloc[0] for s in seeds]
    plain = [run_model(from_dict({"policy": {"name": "saksbehandler"}, "seed": s})).runs.iloc[0] for s in seeds]
    hybrid = [run_model(from_dict({"policy": {"name": "hybrid"}, "seed": s})).runs.iloc[0] for s in seeds]
    if _mean(sb, "ever_employed_share") >= _mean(hybrid, "ever_employed_share"):
        assert _mean(sb, "adviser_weeks_over_budget_share") > 0.3
        assert _mean(sb, "adviser_weeks_over_budget_share") > 5 * _mean(plain, "adviser_weeks_over_budget_share")


# --- the rules that were wrong ----------------------------------------------------------------------------

def test_rule1_a_job_after_the_hand_over_to_a_job_specialist_is_not_a_close_follow_up_job():
    m = bare_model(horizon_weeks=60, policy={"name": "hybrid"})   # a year left to finish after week 0
    cand = place_in_training(m, m.candidates[0], mode="hybrid")
    assert cand.close and cand.first_close_week == 0
    specialists.request_transfer(m, cand, "need_too_large")
    assert cand.pathway_adviser in m.staff.specialists and cand.transferred_from_close
    pathway.move(m, cand, State.EVALUATION, "goal_reached")
    pathway.move(m, cand, State.POST_FOLLOWUP, "hired")
    m.week = m.cfg.horizon_weeks
    kpis = compute_kpis(RunOutcome.of(m))
    assert kpis["close_employed_share"] == 0.0 and cand.first_job_week is not None
    assert kpis["close_transferred_employed_share_1y"] == 1.0


def test_rule2_casework_left_undone_is_unmet_every_week_not_only_when_the_backlog_grows():
    m = bare_model(office={"admin_hours_per_case": 2.0})
    adviser = m.staff.advisers[0]
    weeks = [adviser.plan_week(w, False, 2.0) for w in (1, 2, 3, 4)]
    admin = [w.unmet[0] for w in weeks]
    assert min(admin) > 0 and admin[-1] >= 0.9 * admin[-2]    # steady overload: unmet every week


def test_rule3_a_new_leader_can_end_a_job_without_follow_up_and_a_mentor_who_was_the_leader():
    m = bare_model(labour_market={"p_end_on_leader_change": 1.0})
    cand = place_in_training(m, m.candidates[0], mode="hybrid")
    firm = cand.employer
    pathway.move(m, cand, State.EVALUATION, "goal_reached")
    pathway.move(m, cand, State.POST_FOLLOWUP, "hired")
    pathway.move(m, cand, State.RETAINED, "followup_ended")
    assert cand.unique_id in firm.employees
    hazards._new_leader(m, firm, m.week)
    assert cand.state == State.JOB_LOST
    m2 = bare_model(labour_market={"p_end_on_leader_change": 0.0})
    other = place_in_training(m2, m2.candidates[0], mode="hybrid")
    other.mentor.is_leader = True
    hazards._new_leader(m2, other.employer, m2.week)
    assert other.mentor is None or not other.mentor.is_leader


def test_rule4_an_overloaded_job_specialist_does_less_for_each_case():
    def js(cap):
        return [run_model(from_dict({"policy": {"name": "jobbspesialist"}, "office": {"js_caseload_cap": cap},
                                     "seed": s})).runs.iloc[0] for s in (1, 2, 3)]
    normal, overloaded = js(20), js(40)
    assert _mean(overloaded, "adviser_weeks_over_budget_share_jobbspesialist") > 0.8
    assert _mean(overloaded, "js_employed_share") < _mean(normal, "js_employed_share") - 0.1
    assert _mean(overloaded, "ever_employed_share") < _mean(normal, "ever_employed_share")


def test_rule5_the_too_thick_hybrid_is_seen_and_a_drifted_case_is_worked_the_ordinary_way():
    m = InclusionModel(small_config(office={"hybrid_slots": 12, "hybrid_volunteer_share": 1.0, "target_share": 0.6,
                                            "close_uptake_pressure": 3.0, "leader_support": 0.2}, horizon_weeks=40))
    drifted = 0
    for _ in range(40):
        m.step()
        for cand in m.pathways.active.values():
            if cand.drifted:
                drifted += 1
                assert cand.week_mode is m.modes["saksbehandler"]
    assert drifted > 0 and m.ledger.adviser_weeks_js_like.sum() > 0
    assert not any(a.js_like and a.free_slots() > 0 and a.n_close > a.close_slots for a in m.staff.advisers)


def test_rule6_a_permanently_subsidised_position_is_a_job_of_its_own_that_can_end():
    m = bare_model()
    cand = place_in_training(m, m.candidates[0], mode="saksbehandler")
    pathway.move(m, cand, State.LOCKIN, "permanent_wage_subsidy")
    assert cand.subsidised_at(m.week + 1) and not cand.employed_at(m.week + 1)
    assert State.JOB_LOST in ALLOWED[State.LOCKIN]
    m.week += 10
    pathway.move(m, cand, State.JOB_LOST, "subsidised_position_ended")
    assert not cand.subsidised_at(m.week + 1) and cand.job_spells[-1].end == m.week


def test_rule7_users_waiting_at_their_evaluation_face_the_workplace_hazards(monkeypatch):
    m = bare_model()
    cand = place_in_training(m, m.candidates[0], mode="hybrid")
    pathway.move(m, cand, State.EVALUATION, "goal_reached")
    real = hazards.workplace_hazards

    def certain_dropout(users, week, settings):
        hit = real(users, week, settings)
        hit.dropout[:] = True
        return hit

    monkeypatch.setattr(hazards, "workplace_hazards", certain_dropout)
    hazards.run(m, m.week)
    assert cand.state == State.DROPOUT


def test_rule8_a_wage_subsidy_agreed_during_a_search_does_not_outlive_the_firms_no():
    m = bare_model(labour_market={"p_accept_training": 0.0}, policy={"name": "jobbspesialist"})
    cand = m.candidates[0]
    caseholding.assign(cand, m.staff.specialists[0], m.modes["jobbspesialist"], m.week, m.counters)
    pathway.move(m, cand, State.SEARCH, "test")
    cand.capability = 0.9
    cand.grant[Work.SEARCH] = 1.0
    from sim.phases.job_development import _search
    for _ in range(5):
        _search(m, cand)
    assert cand.n_refusals > 0 and cand.wage_subsidy is None and cand.state == State.SEARCH


def test_rule9_a_users_shocks_are_the_same_under_every_policy_whatever_happened_before():
    users = []
    for policy in ("saksbehandler", "hybrid"):
        m = InclusionModel(small_config(policy={"name": policy}, horizon_weeks=30))
        for _ in range(30):
            m.step()
        users.append(m.candidates[3])
    a, b = users
    for kind in LifeEvent:
        assert [a.life(kind, w) for w in range(31)] == [b.life(kind, w) for w in range(31)]
    assert a.life.first_week(LifeEvent.EXIT, 5, 0.2) == b.life.first_week(LifeEvent.EXIT, 5, 0.2)


# --- every mechanism in the direction the seeds give -----------------------------------------------------

#: Effects against the seeds' direction that the calibrated model shows, each with the reason
#: (docs/calibration.md, "Mechanisms after calibration"). Any other one fails the test. None now: the
#: IA adviser's +2.3 points under hybrid in an earlier table was chance (60 paired seeds: -0.11).
KNOWN_AGAINST: dict[tuple[str, str], str] = {}
#: The mechanisms the seeds stress most that still act in their direction under at least three policies.
STRONG = ("mentor", "wage_subsidy", "casework", "post_hire")


def test_the_mechanism_table_shows_no_effect_against_the_direction_the_seeds_give():
    """docs/mechanisms.csv (``inclusim mechanisms``): switching a mechanism off never moves its outcome
    clearly and materially the wrong way, except the documented KNOWN_AGAINST; the mechanisms the seeds
    stress most act in their direction under at least three policies; and docs/mechanisms.md is the
    rendering of the table."""
    from inclusim.mechanisms import MECHANISMS, render, verdict

    table = pd.read_csv(ROOT / "docs" / "mechanisms.csv")
    verdicts = {}
    for m in MECHANISMS:
        rows = table[(table["mechanism"] == m.key) & (table["variant"] == "off") & (table["outcome"] == m.outcome)]
        assert len(rows) == 4, m.key
        verdicts[m.key] = [verdict(m, row) for _, row in rows.iterrows()]
        against = {row["policy"] for _, row in rows.iterrows() if verdict(m, row) == "AGAINST THE SEEDS"}
        assert against <= {policy for key, policy in KNOWN_AGAINST if key == m.key}, \
            (m.key, rows[["policy", "difference", "low", "high"]])
    for key in STRONG:
        assert verdicts[key].count("as expected") >= 3, (key, verdicts[key])
    seeds = int(table["pairs"].max())
    assert (ROOT / "docs" / "mechanisms.md").read_text() == render(table, seeds)


@pytest.mark.parametrize("key, policy", [("mentor", "hybrid"), ("wage_subsidy", "jobbspesialist"),
                                         ("mentor", "saksbehandler"), ("casework", "hybrid")])
def test_strong_mechanisms_act_in_their_direction_when_measured_again(key, policy):
    from inclusim.mechanisms import MECHANISMS, measure

    mechanism = next(m for m in MECHANISMS if m.key == key)
    table = measure(seeds=4, policies=(policy,), mechanisms=(mechanism,), variants={"off": 0.0}, workers=1)
    row = table[table["outcome"] == mechanism.outcome].iloc[0]
    assert math.copysign(1, row["difference"]) == mechanism.expected and row["high"] * row["low"] > 0, row.to_dict()


def test_the_contrast_decomposition_groups_every_practice_that_differs_once():
    """docs/contrast.md adds the hybrid practices to saksbehandler group by group: each group names real
    settings of a way of working, no setting is in two groups, and every practice in which the two ways
    differ is in a group (only how a way reacts to time pressure is left to the 'all' arm)."""
    from inclusim.contrast import PRACTICE_GROUPS
    from domain.modes import saksbehandler_mode

    fields = {f.name for f in dataclasses.fields(hybrid_mode())}
    grouped = [name for group in PRACTICE_GROUPS.values() for name in group]
    assert set(grouped) <= fields and len(grouped) == len(set(grouped))
    own, hybrid = dataclasses.asdict(saksbehandler_mode()), dataclasses.asdict(hybrid_mode())
    differing = {name for name in fields if own[name] != hybrid[name]}
    assert differing - set(grouped) <= {"scales_with_time", "drift_below_hours"}
