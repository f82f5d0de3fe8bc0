"""Counter-based draws (``domain.rng.uniforms``): uniform, independent, and the same however computed.

The rules over arrays (work training, the workplace hazards) draw every user's numbers at once; a
user's life events are also read one at a time (``LifeShocks``). Both must give the same number,
and the result must not depend on the order in which users are worked.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from agents.work_training import train_week
from conftest import small_config
import domain.rng as rng
from domain.rng import (DRAWS_PER_CONTACT, DRAWS_PER_WEEK, LIFE, PROCESS, WEEKLY, LifeEvent, LifeShocks,
                        MentorDraw, SearchDraw, StaffDraw, Streams, WeeklyDraw, uniform, uniforms, week_positions)
from domain.states import State
from sim.model import InclusionModel


def test_the_draws_are_uniform_and_independent():
    streams = Streams(7)
    keys = np.array([streams.user_key(serial, LIFE) for serial in range(1000)], dtype=np.uint64)
    draws = uniforms(keys[:, None], np.arange(200)[None, :])
    assert stats.kstest(draws.ravel(), "uniform").pvalue > 1e-3
    # neighbouring users and neighbouring positions are uncorrelated (|r| < 0.02 at 200,000 pairs)
    assert abs(np.corrcoef(draws[:-1].ravel(), draws[1:].ravel())[0, 1]) < 0.02
    assert abs(np.corrcoef(draws[:, :-1].ravel(), draws[:, 1:].ravel())[0, 1]) < 0.02


def test_every_kind_of_draw_has_its_own_position_in_a_week():
    """A week holds DRAWS_PER_WEEK positions of a stream: one more kind would take the next week's first."""
    assert len(LifeEvent) <= DRAWS_PER_WEEK and len(WeeklyDraw) <= DRAWS_PER_WEEK
    positions = {int(p) for week in range(3) for p in week_positions(week, list(LifeEvent))}
    assert len(positions) == 3 * len(LifeEvent)


def test_keys_differ_between_users_streams_and_seeds():
    keys = {Streams(seed).user_key(serial, purpose)
            for seed in (1, 2) for serial in range(5000) for purpose in (LIFE, PROCESS, WEEKLY)}
    assert len(keys) == 2 * 5000 * 3


def test_keys_differ_across_entities_kinds_and_regions():
    """Every counter-based key of a run is its own: users' streams, searches, mentors, firms, adviser
    positions and the users outside the target group, in two regions and two seeds."""
    keys = []
    for seed in (1, 2):
        for region in (0, 1):
            streams = Streams(seed, region)
            for serial in range(500):
                keys += [streams.user_key(serial, purpose) for purpose in (LIFE, PROCESS, WEEKLY)]
                keys.append(streams.search_key(serial))
                keys += [streams.mentor_key(serial, ordinal) for ordinal in range(3)]
            keys += streams.firm_keys(500).tolist()
            keys += [int(k) for office in range(3) for k in streams.post_keys(office, 20)]
            keys += streams.ordinary_keys(np.arange(500), np.zeros(500)).tolist()
    assert len(set(keys)) == len(keys) == 4 * (500 * 7 + 500 + 60 + 500)
    # the kinds of a contact, a mentor and a staff draw each have their own position
    assert len(SearchDraw) <= DRAWS_PER_CONTACT and len(MentorDraw) <= DRAWS_PER_WEEK and len(StaffDraw) <= DRAWS_PER_WEEK
    # the one-at-a-time draw is the array draw
    key = Streams(4).search_key(9)
    assert [uniform(key, p) for p in range(40)] == uniforms(key, np.arange(40)).tolist()


def _search_draws_under(policy: str, monkeypatch) -> dict:
    """Every employer-search draw of a small run, (user, contact, kind) -> uniform, and the run's model."""
    seen = {}
    call = rng.ContactDraws.__call__

    def recording(self, kind):
        u = call(self, kind)
        seen[(self.key, self.first // DRAWS_PER_CONTACT, int(kind))] = u
        return u

    monkeypatch.setattr(rng.ContactDraws, "__call__", recording)
    model = InclusionModel(small_config(policy={"name": policy}, horizon_weeks=40, seed=11))
    model.run()
    by_serial = {c.search_key: c.serial for c in model.candidates}
    return {(by_serial[key], contact, kind): u for (key, contact, kind), u in seen.items()}, model


def test_a_users_search_and_mentor_draws_do_not_depend_on_the_policy(monkeypatch):
    """The same user's n-th employer contact meets the same draws under two policies that search at
    different speeds and order users differently; the user's n-th mentor is the same person."""
    ordinary, model_a = _search_draws_under("saksbehandler", monkeypatch)
    close, model_b = _search_draws_under("hybrid", monkeypatch)
    common = ordinary.keys() & close.keys()
    assert len(common) >= 50
    assert all(ordinary[k] == close[k] for k in common)
    # the keys of every user's streams are the same under both policies
    a = {c.serial: (c.search_key, c.weekly_key, c.life.key, c.draw.key) for c in model_a.candidates}
    b = {c.serial: (c.search_key, c.weekly_key, c.life.key, c.draw.key) for c in model_b.candidates}
    assert all(a[s] == b[s] for s in a.keys() & b.keys())
    # a mentor's attributes follow from its key (the user it was found for and how many came before)
    for model in (model_a, model_b):
        for m in model.mentor_pool.all:
            leader = uniform(m.key, MentorDraw.IS_LEADER) < model.cfg.mentor.share_leader_is_mentor
            assert m.is_leader == leader
    assert model_b.mentor_pool.all, "the hybrid run found no mentor to check"
    # a firm's new leader and an adviser position's turnover come from keys of their own, whatever the policy
    assert model_a.firm_keys.tolist() == model_b.firm_keys.tolist()
    assert [k.tolist() for k in model_a.post_keys] == [k.tolist() for k in model_b.post_keys]


def test_a_users_shock_is_the_same_read_alone_or_with_others():
    streams = Streams(3)
    shocks = [LifeShocks(streams.user_key(serial, LIFE), horizon_weeks=30) for serial in range(5)]
    keys = np.array([s.key for s in shocks], dtype=np.uint64)
    for kind in LifeEvent:
        for week in (0, 1, 17, 30):
            together = uniforms(keys, week_positions(week, kind))
            assert together.tolist() == [s(kind, week) for s in shocks]


def _trainees_after(weeks: int, seed: int):
    model = InclusionModel(small_config(policy={"name": "hybrid"}, seed=seed))
    for _ in range(weeks):
        model.step()
    trainees = [c for c in model.candidates if c.state == State.TRAINING]
    return model, trainees


def _state(trainees) -> list[tuple]:
    return [(c.capability, c.security, c.problem_weeks, c.crisis, c.strain_weeks,
             c.mentor.strain if c.mentor is not None else None) for c in trainees]


def test_a_week_of_work_training_does_not_depend_on_the_order_of_the_users():
    first, trainees = _trainees_after(40, seed=5)
    second, again = _trainees_after(40, seed=5)
    assert len(trainees) >= 5 and _state(trainees) == _state(again)
    train_week(trainees, [c.week_mode or c.mode for c in trainees], first.week + 1, first.candidate_settings)
    backwards = again[::-1]
    train_week(backwards, [c.week_mode or c.mode for c in backwards], second.week + 1, second.candidate_settings)
    assert _state(trainees) == _state(again)
    assert _state(trainees) != _state(_trainees_after(40, seed=5)[1])    # the week did change the users
