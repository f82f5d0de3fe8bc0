"""The Kaplan-Meier curve of ``domain.survival`` against ``scipy.stats.ecdf``, the library it stands in
for in processes that run models (importing scipy.stats cost each about 0.4 s)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from domain.survival import kaplan_meier
from sim.kpis import km_median


def _scipy_curve(durations, observed):
    return stats.ecdf(stats.CensoredData.right_censored(np.asarray(durations, float), ~np.asarray(observed, bool))).sf


@pytest.mark.parametrize("seed", range(12))
def test_the_curve_is_scipys_to_the_bit(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 400))
    durations = rng.integers(0, 60, n).astype(float)      # whole weeks: many ties, as in a run
    observed = rng.random(n) < rng.uniform(0.05, 0.95)
    ours = kaplan_meier(durations, observed)
    theirs = _scipy_curve(durations, observed)
    assert np.array_equal(ours.times, theirs.quantiles)
    assert np.array_equal(ours.survival, theirs.probabilities)
    grid = np.arange(-2.0, 70.0, 0.5)
    assert np.array_equal(ours.at(grid), np.asarray(theirs.evaluate(grid), float))
    below = np.flatnonzero(theirs.probabilities <= 0.5)
    expected = float(theirs.quantiles[below[0]]) if below.size else math.nan
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
