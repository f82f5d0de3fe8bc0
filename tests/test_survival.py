"""The Kaplan-Meier curve of ``domain.survival`` (scipy.stats.ecdf's estimate) against the product-limit
formula written out by hand, with ties and censoring as a run has them, and its edge cases."""

from __future__ import annotations

import math

import numpy as np
import pytest

from domain.survival import kaplan_meier
from sim.kpis import km_median


def _by_hand(durations, observed):
    """The product-limit estimate, time by time: S(t) = prod over event times u <= t of (1 - d_u / n_u)."""
    times = sorted(set(durations.tolist()))
    survival, level = [], 1.0
    for t in times:
        at_risk = sum(1 for d in durations if d >= t)
        events = sum(1 for d, o in zip(durations, observed, strict=True) if d == t and o)
        level *= 1 - events / at_risk
        survival.append(level)
    return np.array(times), np.array(survival)


@pytest.mark.parametrize("seed", range(12))
def test_the_curve_is_the_product_limit_estimate(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 400))
    durations = rng.integers(0, 60, n).astype(float)      # whole weeks: many ties, as in a run
    observed = rng.random(n) < rng.uniform(0.05, 0.95)
    ours = kaplan_meier(durations, observed)
    times, survival = _by_hand(durations, observed)
    assert np.array_equal(ours.times, times)
    assert ours.survival == pytest.approx(survival, abs=1e-12)
    grid = np.arange(-2.0, 70.0, 0.5)
    step = np.searchsorted(times, grid, side="right") - 1
    assert ours.at(grid) == pytest.approx(np.where(step < 0, 1.0, survival[np.maximum(step, 0)]), abs=1e-12)
    below = np.flatnonzero(survival <= 0.5 + 1e-12)
    expected = float(times[below[0]]) if below.size else math.nan
    assert ours.median() == expected or (math.isnan(expected) and math.isnan(ours.median()))


def test_by_hand():
    # four users: a job at weeks 1 and 2, one still searching at week 2, a job at week 3
    curve = kaplan_meier([1, 2, 2, 3], [True, True, False, True])
    assert curve.times.tolist() == [1.0, 2.0, 3.0]
    assert curve.survival.tolist() == pytest.approx([0.75, 0.5, 0.0])
    assert curve.median() == 2.0
    assert curve.at([0, 1, 2.5, 9]).tolist() == pytest.approx([1.0, 0.75, 0.5, 0.0])


def test_no_event_no_median_and_mismatched_inputs_refused():
    assert math.isnan(km_median(np.array([3.0, 5.0]), np.array([False, False])))
    assert math.isnan(km_median(np.array([]), np.array([], bool)))
    assert math.isnan(kaplan_meier([4, 5, 6], [True, False, False]).median())   # the curve stays at 2/3
    assert np.isnan(kaplan_meier([], []).at([0, 1])).all()
    with pytest.raises(ValueError, match="same shape"):
        kaplan_meier([1, 2], [True])
    with pytest.raises(ValueError, match="finite"):   # as scipy.stats.ecdf refuses them
        kaplan_meier([1.0, float("nan")], [True, False])
