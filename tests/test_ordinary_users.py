"""The users on the ordinary caseloads outside the target group (agents/caseload.py): persons with
their own outcomes, in columns, by the rules of ordinary follow-up, with the same shocks under every
policy, and with no effect on the target group."""

from __future__ import annotations

import math

import mesa
import numpy as np
import pytest

import scenarios.policies  # noqa: F401  (registers the policies)
from agents.caseload import JOB, LEFT, ON_CASELOAD, OrdinaryRules, OrdinaryUser, OrdinaryUsers
from domain.config import from_dict
from domain.rng import DRAWS_PER_WEEK, OrdinaryDraw, Streams, uniforms
from scenarios.office_agents import ordinary_places, target_users_per_adviser
from sim.model import InclusionModel
from sim.tables import run_model

RULES = OrdinaryRules(own_job_hazard=0.02, exit_hazard=0.004, review_interval_weeks=8, review_postpone_weeks=3,
                      missed_review_effect=0.2, capability_mean=0.5, capability_sd=0.15)


def _population(n_places: int, n_advisers: int, rules: OrdinaryRules = RULES, seed: int = 7) -> OrdinaryUsers:
    streams = Streams(seed)
    return OrdinaryUsers(mesa.Model(rng=seed), np.arange(n_places) % n_advisers, np.zeros(n_places, np.int64),
                         streams.ordinary_keys, rules)


def _reference(users: OrdinaryUsers, weeks: int, intensities: np.ndarray, rules: OrdinaryRules) -> dict:
    """The rules of agents/caseload.py's docstring, one user and one week at a time (written apart
    from the module): each place's users, in turn, with their draws from the same keys."""
    out = {}
    keys_of = users.keys_of
    for place in range(len(users.place_adviser)):
        adviser = users.place_adviser[place]
        turn, week = 0, 0
        while True:
            key = keys_of(np.array([place]), np.array([turn]))[0]
            cap_u, first_u = uniforms(key, np.array([OrdinaryDraw.CAPABILITY, OrdinaryDraw.FIRST_REVIEW]))
            from scipy.special import ndtri
            capability = min(0.95, max(0.02, rules.capability_mean + rules.capability_sd * float(ndtri(cap_u))))
            next_review = week + 1 + int(first_u * rules.review_interval_weeks)
            missed = held = overdue = missed_since = 0
            entry, end, state = week, -1, ON_CASELOAD
            while week < weeks:
                week += 1
                level = float(intensities[week, adviser])
                u_review, u_job, u_exit = uniforms(key, week * DRAWS_PER_WEEK + np.array(
                    [OrdinaryDraw.REVIEW_HELD, OrdinaryDraw.JOB, OrdinaryDraw.EXIT]))
                if next_review <= week:
                    if u_review < min(1.0, level):
                        held += 1
                        missed_since = 0
                        next_review = week + max(1, round(rules.review_interval_weeks / max(1.0, level)))
                    else:
                        missed += 1
                        missed_since += 1
                        next_review = week + rules.review_postpone_weeks
                overdue += missed_since > 0
                hazard = (rules.own_job_hazard * (capability / 0.5) ** 2 * level
                          / (1 + rules.missed_review_effect) ** missed_since)
                if u_job < hazard:
                    state, end = JOB, week
                elif u_exit < rules.exit_hazard:
                    state, end = LEFT, week
                if end >= 0:
                    break
            out[(place, turn)] = (capability, entry, state, end, held, missed, overdue)
            if end < 0:
                break
            turn += 1
    return out


def test_the_columns_follow_the_rules_user_by_user():
    users = _population(n_places=40, n_advisers=4)
    rng = np.random.default_rng(3)
    weeks = 60
    intensities = rng.uniform(0.2, 1.6, size=(weeks + 1, 4))     # over-loaded and spare weeks alike
    for week in range(1, weeks + 1):
        users.week(week, intensities[week])
    want = _reference(users, weeks, intensities, RULES)
    got = {(int(users.place[i]), int(users.turn[i])): (users.capability[i], int(users.entry_week[i]),
                                                        int(users.state[i]), int(users.end_week[i]),
                                                        int(users.reviews_held[i]), int(users.reviews_missed[i]),
                                                        int(users.weeks_without_plan[i])) for i in range(users.n)}
    assert got.keys() == want.keys() and len(got) > 40      # users left and new users took their places
    for person, values in want.items():
        assert got[person][0] == pytest.approx(values[0], abs=1e-12)
        assert got[person][1:] == values[1:], person


def test_every_place_always_has_one_user_and_every_user_is_a_mesa_agent():
    users = _population(n_places=30, n_advisers=3)
    for week in range(1, 80):
        users.week(week, np.full(3, 0.9))
        on = np.flatnonzero(users.state[:users.n] == ON_CASELOAD)
        assert sorted(users.place[on].tolist()) == list(range(30))
    assert len(users.agents) == users.n and users.n > 30
    agent = users.agents[-1]
    assert isinstance(agent, OrdinaryUser) and agent in users.model.agents
    assert agent.capability == users.capability[users.n - 1] and agent.entry_week == users.entry_week[users.n - 1]


def test_no_casework_means_no_reviews_held_and_no_job_found():
    users = _population(n_places=20, n_advisers=2)
    for week in range(1, 53):
        users.week(week, np.zeros(2))
    n = users.n
    assert users.reviews_held[:n].sum() == 0 and users.reviews_missed[:n].sum() > 0
    assert not (users.state[:n] == JOB).any()


def test_the_places_of_an_office_and_the_caseloads_they_make():
    cfg = from_dict({"office": {"n_advisers": 5, "caseload_ordinary": 30, "target_share": 0.2}})
    places = ordinary_places(cfg, 7)        # more advisers than office.n_advisers: the job specialists' positions
    assert len(places) == (30 - target_users_per_adviser(30, 0.2)) * 5
    counts = np.bincount(places, minlength=7)
    assert counts.sum() == len(places) and counts.max() - counts.min() <= 1


def test_the_users_there_at_the_start_are_the_same_people_under_every_policy():
    seen = {}
    for policy in ("saksbehandler", "hybrid"):
        model = InclusionModel(from_dict({"policy": {"name": policy}, "seed": 4, "horizon_weeks": 4}))
        users = model.ordinary
        first = users.turn[:users.n] == 0
        seen[policy] = (users.place[:users.n][first], users.key[:users.n][first], users.capability[:users.n][first])
        counts = np.bincount(users.place_adviser, minlength=len(model.staff.advisers))
        assert counts.tolist() == [adviser.other_users for adviser in model.staff.advisers]
    a, b = seen.values()
    assert all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))


def _kpis(**changes) -> dict:
    data = {"horizon_weeks": 104, "seed": 2, "office": {"n_advisers": 6}}
    for path, value in changes.items():
        section, name = path.split("__")
        data.setdefault(section, {})[name] = value
    return run_model(from_dict(data)).runs.iloc[0].to_dict()


def test_what_a_missed_review_costs_moves_the_other_users_and_nothing_of_the_target_group():
    loaded = {"office__admin_hours_per_case": 1.5}     # casework far beyond the advisers' hours
    none, costly = _kpis(**loaded, ordinary_users__missed_review_effect=0.0), \
        _kpis(**loaded, ordinary_users__missed_review_effect=0.5)
    target = [k for k in none if not k.startswith(("ordinary_", "cfg.", "run_id", "config_hash", "wall", "setup"))]
    for name in target:
        a, b = none[name], costly[name]
        assert (a == b) or (isinstance(a, float) and math.isnan(a) and math.isnan(b)), name
    assert costly["ordinary_job_by_end_share"] < none["ordinary_job_by_end_share"]
    assert costly["ordinary_weeks_without_plan_share"] > 0


def test_casework_left_undone_costs_the_other_users_jobs_and_plans():
    light, heavy = _kpis(office__admin_hours_per_case=0.3), _kpis(office__admin_hours_per_case=0.9)
    assert heavy["ordinary_job_by_end_share"] < light["ordinary_job_by_end_share"]
    assert heavy["ordinary_weeks_without_plan_share"] > light["ordinary_weeks_without_plan_share"]
    assert heavy["ordinary_reviews_missed_per_user_year"] > light["ordinary_reviews_missed_per_user_year"]


def test_a_world_of_several_regions_numbers_the_places_on():
    result = run_model(from_dict({"horizon_weeks": 8, "world": {"n_offices": 3, "offices_per_region": 2},
                                  "office": {"n_advisers": 2, "caseload_ordinary": 20}}))
    per_office = (20 - target_users_per_adviser(20, 0.25)) * 2
    assert int(result.runs["ordinary_n_users"].iloc[0]) >= 3 * per_office
    assert result.weekly["ordinary_reviews_overdue"].notna().all()
