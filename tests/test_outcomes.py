"""Outcomes arise from the rules the way the seeds describe (default office, paired by seed)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from domain.config import Config
from domain.params import merge
from sim.tables import run_model

SEEDS = range(1, 5)


def runs(over: dict, seeds=SEEDS):
    return [run_model(merge(Config(), {**over, "seed": s})).runs.iloc[0] for s in seeds]


@pytest.fixture(scope="module")
def by_policy():
    return {p: runs({"policy": {"name": p}}) for p in ("saksbehandler", "hybrid", "jobbspesialist")}


@pytest.mark.parametrize("policy", ["hybrid", "jobbspesialist"])
@pytest.mark.parametrize("need", ["medium", "large"])
def test_close_follow_up_beats_case_work_for_medium_and_large_needs(by_policy, policy, need):
    diff = [a[f"ever_employed_share_{need}"] - b[f"ever_employed_share_{need}"]
            for a, b in zip(by_policy[policy], by_policy["saksbehandler"])]
    assert min(diff) > 0.05, diff           # better in every paired seed


@pytest.mark.parametrize("policy", ["hybrid", "jobbspesialist"])
def test_close_follow_up_costs_more_adviser_hours_per_candidate(by_policy, policy):
    for a, b in zip(by_policy[policy], by_policy["saksbehandler"]):
        assert a["hours_per_candidate"] > 1.5 * b["hours_per_candidate"]


def test_reasons_are_visible_in_the_tables():
    """Case work notices problems late: more crises per placement and more crisis-driven dropouts."""
    def crisis_profile(policy):
        ev = pd.concat([run_model(merge(Config(), {"seed": s, "policy": {"name": policy}})).events for s in SEEDS])
        starts = (ev["to_state"] == "TRAINING").sum()
        drops = ev[ev["to_state"] == "DROPOUT"]
        return (ev["cause"] == "crisis").sum() / starts, (drops["cause"] == "dropout_crisis").mean()
    sb_crises, sb_crisis_drop = crisis_profile("saksbehandler")
    hy_crises, hy_crisis_drop = crisis_profile("hybrid")
    assert sb_crises > 1.2 * hy_crises
    assert sb_crisis_drop > hy_crisis_drop


def test_close_follow_up_spends_its_hours_on_the_workplace(by_policy):
    sb, hy = by_policy["saksbehandler"], by_policy["hybrid"]
    assert np.mean([r["hours_per_candidate_mentor_followup"] for r in hy]) > \
        2 * np.mean([r["hours_per_candidate_mentor_followup"] for r in sb])
    assert np.mean([r["refusal_rate"] for r in sb]) > np.mean([r["refusal_rate"] for r in hy])


def _slots(slots: int, leader_support: float):
    # every adviser takes close cases whatever the load (as if mandated), half the caseload in the target
    # group, so that every slot can be filled
    return runs({"office": {"leader_support": leader_support, "target_share": 0.5, "hybrid_slots": slots,
                            "hybrid_volunteer_share": 1.0, "close_uptake_pressure": 3.0},
                 "policy": {"name": "hybrid"}}, seeds=range(1, 6))


def _mean(rs, k):
    return float(np.mean([r[k] for r in rs]))


def test_too_many_close_cases_overload_the_adviser_and_ordinary_users_pay_when_the_leader_protects_close_work():
    few, many = _slots(3, 0.7), _slots(12, 0.7)
    assert _mean(many, "adviser_pressure_hybrid") > _mean(few, "adviser_pressure_hybrid") + 0.08
    assert _mean(many, "adviser_weeks_over_budget_share_hybrid") >= _mean(few, "adviser_weeks_over_budget_share_hybrid")
    # [001:780]: more reviews postponed, paired by seed (a one-sided paired t test at 5 %; about 1.5 points
    # over 5 seeds, the smallest effect of the four)
    postponed = stats.ttest_rel([r["reviews_postponed_share"] for r in many], [r["reviews_postponed_share"] for r in few],
                                alternative="greater")
    assert postponed.pvalue < 0.05, postponed
    assert _mean(many, "unmet_hours_admin") > 1.2 * _mean(few, "unmet_hours_admin")


def test_too_many_close_cases_worsen_each_case_when_the_leader_does_not_protect_close_work():
    few, many = _slots(3, 0.2), _slots(12, 0.2)
    assert _mean(many, "hybrid_case_weeks_drifted_share") > _mean(few, "hybrid_case_weeks_drifted_share") + 0.15
    assert _mean(many, "close_episode_success_share") < _mean(few, "close_episode_success_share") - 0.02


def test_hybrid_pilot_setting_lands_in_the_range_the_seeds_report():
    """36/49 employed, 2 apprenticeships, 2 in education [001:407], read as an upper bound; only jobs that
    start during the close episode count; as in the pilots, nobody is handed to a job specialist."""
    from inclusim.validation import PILOT

    rs = runs(PILOT, seeds=range(1, 9))
    employed = np.mean([r["close_employed_share_1y"] for r in rs])
    assert 0.45 <= employed <= 0.80, employed
    assert 0.0 < np.mean([r["close_apprentice_share_1y"] for r in rs]) <= 0.10
    assert 0.0 < np.mean([r["close_education_share_1y"] for r in rs]) <= 0.10
    assert 30 <= np.mean([r["n_close_cases"] for r in rs]) <= 70   # about 49 users over 3 years


@pytest.mark.slow
def test_pattern_validation_against_the_seeds_and_the_evidence():
    """The validation table (docs/calibration.md): every measured target met, except the documented misses."""
    from inclusim.validation import validate

    table = validate(seeds=10)   # the replications of the documented table (docs/calibration_results.md)
    # the calibrated model's misses, documented in docs/calibration.md and docs/calibration_results.md:
    # routine-IPS employment within 52 weeks a little high (a proxy), the job-specialist ratio for
    # medium-need users a little low, time in work after a first hire a little long, and no hybrid
    # effect for young users within the first year (the Danish mentor trial's +2 points)
    known_misses = {"routine_ips_employed_52w", "nonsmi_js_sb_ratio", "js_weeks_worked_after_first_job",
                    "mentor_youth_job_1y", "mentor_youth_education_1y"}
    measured = table[table["verdict"] != "not measured"]
    missed = measured[(measured["verdict"] == "misses") & ~measured["target"].isin(known_misses)]
    assert missed.empty, missed[["target", "part", "target_range", "model_mean"]].to_string()