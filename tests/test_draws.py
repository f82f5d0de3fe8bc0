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
from domain.rng import (DRAWS_PER_WEEK, LIFE, PROCESS, WEEKLY, LifeEvent, LifeShocks, Streams, WeeklyDraw, uniforms,
                        week_positions)
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
