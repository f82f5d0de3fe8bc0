"""Time to an event from right-censored durations: the Kaplan-Meier estimate, the one home of the rule.

The run's KPIs (``sim.kpis``: the median weeks to a first job) and the report's curves
(``analysis.stats.km_survival``) both read it. The estimate is ``scipy.stats.ecdf``'s on right-censored
data; this module only gives it the form the model reads (a curve to evaluate on a grid and its median)
and says what it does with no durations.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Survival:
    """A Kaplan-Meier curve: ``survival[i]`` is P(T > t) from ``times[i]`` until the next time; 1 before
    the first. ``times`` are the distinct durations, censored ones included (the curve does not drop there)."""

    times: np.ndarray
    survival: np.ndarray

    def at(self, grid) -> np.ndarray:
        """The curve at each t of ``grid`` (right-continuous: at a time it has already dropped; beyond
        the last time it keeps its last value)."""
        grid = np.asarray(grid, dtype=float)
        if len(self.times) == 0:
            return np.full(grid.shape, math.nan)
        step = np.searchsorted(self.times, grid, side="right") - 1
        return np.where(step < 0, 1.0, self.survival[np.maximum(step, 0)])

    def median(self) -> float:
        """The first time at which the curve is at or below one half; NaN if it never is."""
        return first_time_at_or_below(self.times, self.survival)


def first_time_at_or_below(times, values, level: float = 0.5) -> float:
    """The first of ``times`` at which ``values`` (a curve falling from 1) is at or below ``level``,
    NaN when it never is: at the default level, the median of a survival curve."""
    hit = np.flatnonzero(np.asarray(values, dtype=float) <= level)
    return float(np.asarray(times, dtype=float)[hit[0]]) if len(hit) else math.nan


def kaplan_meier(durations, observed) -> Survival:
    """The Kaplan-Meier curve of ``durations``; ``observed`` is False where a duration is censored (the
    event had not happened when it ended)."""
    durations = np.asarray(durations, dtype=float)
    observed = np.asarray(observed, dtype=bool)
    if durations.shape != observed.shape:
        raise ValueError(f"durations {durations.shape} and observed {observed.shape} must have the same shape")
    if not np.isfinite(durations).all():
        raise ValueError(f"durations must be finite numbers; got {durations[~np.isfinite(durations)][:3].tolist()}")
    if durations.size == 0:
        return Survival(np.empty(0), np.empty(0))
    from scipy import stats

    curve = stats.ecdf(stats.CensoredData.right_censored(durations.ravel(), ~observed.ravel())).sf
    return Survival(np.asarray(curve.quantiles, dtype=float), np.asarray(curve.probabilities, dtype=float))
