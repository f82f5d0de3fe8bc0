"""Dropout by cumulative-hazard inversion (``domain.rng.BY_CUMULATIVE_HAZARD``).

A user draws an Exp(1) threshold once and drops out in the first week at a workplace in which the
dropout hazard summed over the weeks at risk (``-log(1 - p)`` a week) exceeds it; the sum then
starts again against the next threshold. The threshold is the user's own, the same under every
policy (common random numbers), and the rule gives the distribution a shock a week would give:
no event over weeks at risk with chance ``prod(1 - p)``, and, as the sum starts again after an
event, an event in each week at risk with chance ``p`` whatever happened before.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

from agents.work_training import workplace_hazards
from conftest import small_config
from domain.params import merge
from domain.rng import LIFE, LifeEvent, LifeShocks, Streams, exponential, uniform, week_hazard
from scenarios.office_agents import candidate_settings
from sim.model import InclusionModel


def test_a_users_dropout_threshold_is_the_same_under_every_policy():
    models = []
    for policy in ("saksbehandler", "jobbspesialist"):
        m = InclusionModel(small_config(policy={"name": policy}, horizon_weeks=30))
        for _ in range(30):
            m.step()
        models.append(m)
    a, b = ({c.serial: c for c in m.candidates} for m in models)
    assert a.keys() == b.keys()
    at_risk = 0
    for serial, user in a.items():
        other = b[serial]
        # the n-th threshold is a fixed number of the user's life stream, whatever the policy did
        assert [user.life.threshold(LifeEvent.DROPOUT, n) for n in range(4)] == \
            [other.life.threshold(LifeEvent.DROPOUT, n) for n in range(4)]
        for cand in (user, other):
            assert cand.dropout_threshold == cand.life.threshold(LifeEvent.DROPOUT, cand.n_dropout_thresholds)
            assert 0.0 <= cand.dropout_hazard_sum <= cand.dropout_threshold
        if user.n_dropout_thresholds == other.n_dropout_thresholds:
            assert user.dropout_threshold == other.dropout_threshold
        at_risk += user.dropout_hazard_sum > 0
    assert at_risk > 0     # some users were at a workplace, so the sums moved


def test_the_threshold_is_exponential():
    streams = Streams(5)
    thresholds = [LifeShocks(streams.user_key(serial, LIFE), 10).threshold(LifeEvent.DROPOUT, 0)
                  for serial in range(4000)]
    assert stats.kstest(thresholds, "expon").pvalue > 1e-3
    assert exponential(0.0) == 0.0 and week_hazard(0.0) == 0.0 and week_hazard(1.0) == math.inf
    assert abs(week_hazard(0.3) + math.log(0.7)) < 1e-15
    assert LifeShocks(7, 10).threshold(LifeEvent.DROPOUT, 2) == exponential(uniform(7, 2 * 16 + LifeEvent.DROPOUT))


class _AtWorkplace:
    """A user at a workplace whose dropout hazard is the need level's base hazard exactly: supported,
    no problem or crisis, fully secure, a perfect match, no mentor and no firm strain."""

    def __init__(self, key: int):
        self.need_level = "medium"
        self.crisis = False
        self.problem_weeks = 0
        self.security = 1.0
        self.match = 1.0
        self.strain_weeks = 0
        self.mentor = None
        self.weekly_key = key
        self.life = LifeShocks(key, 10)
        self.n_dropout_thresholds = 0
        self.dropout_threshold = self.life.threshold(LifeEvent.DROPOUT, 0)
        self.dropout_hazard_sum = 0.0

    def unsupported(self) -> bool:
        return False


def test_the_summed_hazard_gives_the_distribution_of_a_shock_a_week():
    """For a fixed path of weekly hazards (a zero and a certain week among them), over 8,000 users:
    the week of the first dropout has the distribution ``prod(1 - p) p`` (chi-square), and every
    week's dropouts, first or not, are Binomial(users, p_w) (the sum starts again after an event)."""
    path = [0.05, 0.0, 0.12, 0.3, 0.02, 0.08, 1.0, 0.15, 0.04, 0.2, 0.1, 0.06]
    streams = Streams(2024)
    users = [_AtWorkplace(streams.user_key(serial, LIFE)) for serial in range(8000)]
    first = np.full(len(users), len(path))          # len(path): no dropout within the path
    per_week = []
    for week, p in enumerate(path):
        cfg = merge(small_config(), {"pathway": {"h0_drop_medium": p}})
        hit = workplace_hazards(users, week, candidate_settings(cfg)).dropout
        per_week.append(int(hit.sum()))
        first[hit & (first == len(path))] = week
    survival = np.cumprod([1.0] + [1.0 - p for p in path])
    expected = np.array([survival[w] * p for w, p in enumerate(path)] + [survival[-1]]) * len(users)
    observed = np.bincount(first, minlength=len(path) + 1)
    assert observed[1] == 0 and observed[7:].sum() == 0       # a week of no hazard; a certain one
    keep = expected > 5
    chi = stats.chisquare(observed[keep], expected[keep] * observed[keep].sum() / expected[keep].sum())
    assert chi.pvalue > 1e-3
    for p, n in zip(path, per_week, strict=True):
        if 0.0 < p < 1.0:
            assert stats.binomtest(n, len(users), p).pvalue > 1e-3 / len(path)
        else:
            assert n == round(p * len(users))
    assert all(u.dropout_threshold == u.life.threshold(LifeEvent.DROPOUT, u.n_dropout_thresholds) for u in users)
