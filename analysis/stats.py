"""Statistics over replications: means with intervals, paired policy differences, and Kaplan-Meier
curves.

Every mean comes with a 90 % interval over replications, chosen by how many there are
(:func:`interval_method`): none with fewer than 2 finite values (the interval is NaN, printed
"n/a"); a Student t interval for the mean (``scipy.stats.t``) with 2 to 19; a percentile bootstrap
(``scipy.stats.bootstrap`` with a fixed seed, so the same table always gives the same numbers) from 20 on, where it is no longer too narrow.
Values that are all equal give a zero-width interval: no variation was observed. Policy differences
are paired by seed: the same seed gives the same users and firms under every policy (common random
numbers), so the difference is taken seed by seed and the same rule applies to those per-seed
differences.
"""

from __future__ import annotations

import functools
import math
from typing import NamedTuple

import numpy as np
import pandas as pd

from analysis.i18n import tr
from analysis.labels import DEFAULT_BASELINE, order_policies
from domain.schema import CONFIG_PREFIX, NOT_LEVERS
from domain.schema import kpi as kpi_entry
from domain.survival import kaplan_meier

LEVEL = 0.90
N_RESAMPLES = 2000
BOOT_SEED = 20161
#: From this many replications on the interval is a percentile bootstrap; below it, Student t.
BOOTSTRAP_FROM = 20
#: The rule of :func:`interval_method` in words, for the report's method note (:func:`interval_rule`).
INTERVAL_RULE_TEXT = ("Student t interval with fewer than {bootstrap} replications, percentile bootstrap from "
                      "{bootstrap}, none with a single replication; an interval of a share, of hours, weeks, kroner "
                      "or a count ends at the values it can take (0 % and 100 %, 0)")
INTERVAL_RULE = INTERVAL_RULE_TEXT.format(bootstrap=BOOTSTRAP_FROM)


def interval_rule() -> str:
    """:data:`INTERVAL_RULE` in the current language (``analysis.i18n``)."""
    return tr(INTERVAL_RULE_TEXT, bootstrap=BOOTSTRAP_FROM)


class Estimate(NamedTuple):
    """A mean and its interval over ``n`` finite values; ``method`` names how the interval was made."""
    mean: float
    low: float
    high: float
    n: int

    @property
    def method(self) -> str:
        return interval_method(self.n)


def interval_method(n: int) -> str:
    """How the interval over ``n`` finite values is made: "none" (n < 2), "t" (n < 20), else "bootstrap"."""
    if n < 2:
        return "none"
    return "t" if n < BOOTSTRAP_FROM else "bootstrap"


def mean_ci(values, level: float = LEVEL) -> Estimate:
    """Mean of the finite values with its interval (:func:`interval_method`), and how many values there were."""
    return mean_cis([values], level)[0]


#: Most resampled values held at once (memory: 8 bytes each).
BOOTSTRAP_BATCH_VALUES = 20_000_000


def mean_cis(samples, level: float = LEVEL, bounds=None) -> list[Estimate]:
    """:func:`mean_ci` of each sample. The bootstraps of samples of one size share their resamples (the
    fixed resampling seed) and run together (:func:`_bootstrap_intervals`).

    ``bounds``: for each sample, the (lowest, highest) value its mean can take (``domain.schema.KPI.bounds``);
    a t interval that reaches past them ends there (a share's interval at 0 or 1). A percentile bootstrap
    of values inside the bounds stays inside them."""
    out = _mean_cis(samples, level)
    if bounds is None:
        return out
    return [est if (low, high) == (-math.inf, math.inf) else
            est._replace(low=min(max(est.low, low), high), high=max(min(est.high, high), low))
            for est, (low, high) in zip(out, bounds, strict=True)]


def _mean_cis(samples, level: float) -> list[Estimate]:
    out: list[Estimate | None] = [None] * len(samples)
    to_bootstrap: dict[int, list[tuple[int, np.ndarray]]] = {}
    for i, values in enumerate(samples):
        x = np.asarray(values, dtype=float)
        x = x[np.isfinite(x)]
        n = len(x)
        method = interval_method(n)
        if method == "none":
            out[i] = Estimate(float(x.mean()) if n else math.nan, math.nan, math.nan, n)
            continue
        m = float(x.mean())
        if np.all(x == x[0]):
            out[i] = Estimate(m, m, m, n)
        elif method == "t":
            half = float(_t_quantile(level, n - 1) * x.std(ddof=1) / math.sqrt(n))
            out[i] = Estimate(m, m - half, m + half, n)
        else:
            to_bootstrap.setdefault(n, []).append((i, x))
    for n, group in to_bootstrap.items():
        lows, highs = _bootstrap_intervals(np.stack([x for _i, x in group]), level)
        for (i, x), low, high in zip(group, lows.tolist(), highs.tolist(), strict=True):
            out[i] = Estimate(float(x.mean()), low, high, n)
    return out  # type: ignore[return-value]


def _bootstrap_intervals(matrix: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Percentile bootstrap intervals of the mean of each row of ``matrix`` (``scipy.stats.bootstrap``,
    ``N_RESAMPLES`` resamples drawn with the fixed seed ``BOOT_SEED``; the rows of one call share them),
    :data:`BOOTSTRAP_BATCH_VALUES` resampled values at a time."""
    from scipy import stats

    rows, n = matrix.shape
    batch = max(1, BOOTSTRAP_BATCH_VALUES // max(1, rows * n))
    result = stats.bootstrap((matrix,), np.mean, n_resamples=N_RESAMPLES, batch=batch, axis=-1, vectorized=True,
                             confidence_level=level, method="percentile", rng=np.random.default_rng(BOOT_SEED))
    return (np.atleast_1d(result.confidence_interval.low).astype(float),
            np.atleast_1d(result.confidence_interval.high).astype(float))


@functools.lru_cache(maxsize=1024)
def _t_quantile(level: float, dof: int) -> float:
    """The two-sided ``level`` quantile of Student's t with ``dof`` degrees of freedom (``scipy.stats.t``;
    loaded when the first interval is made)."""
    from scipy import stats

    return float(stats.t.ppf((1 + level) / 2, dof))


def summarise(runs: pd.DataFrame, kpis: list[str], by: str | list[str] = "policy",
              level: float = LEVEL) -> pd.DataFrame:
    """Long table: one row per group and KPI with mean, interval, number of replications (``n``) and
    how the interval was made (``method``, :func:`interval_method`)."""
    by = [by] if isinstance(by, str) else list(by)
    present = [kpi for kpi in kpis if kpi in runs]
    grouped = runs.groupby(by, sort=True, observed=True)
    keys = grouped.size().index           # the groups in order, as iterating the groupby gives them
    # each group's rows (in table order) taken from the columns at once: making a frame per group
    # was most of the time of the report's week-by-week charts (624 groups in a 4-policy sweep)
    codes = grouped.ngroup().to_numpy(dtype=float, na_value=-1.0).astype(np.int64)
    grouped_rows = np.argsort(codes, kind="stable")[np.count_nonzero(codes < 0):]
    bounds = np.cumsum(np.bincount(codes[codes >= 0], minlength=len(keys)))[:-1]
    columns = {kpi: runs[kpi].to_numpy() for kpi in present}
    labels, samples = [], []
    for key, rows_of_group in zip(keys, np.split(grouped_rows, bounds) if len(keys) else [], strict=True):
        key = key if isinstance(key, tuple) else (key,)
        for kpi in present:
            labels.append({**dict(zip(by, key, strict=True)), "kpi": kpi})
            samples.append(columns[kpi][rows_of_group])
    bounds = [kpi_entry(label["kpi"]).bounds for label in labels]
    rows = [{**label, **est._asdict(), "method": est.method}
            for label, est in zip(labels, mean_cis(samples, level, bounds), strict=True)]
    return pd.DataFrame(rows, columns=[*by, "kpi", *Estimate._fields, "method"])


def paired_difference(runs: pd.DataFrame, kpi: str, policy: str, baseline: str, by: str = "policy",
                      pair_on: str = "seed", level: float = LEVEL, within: list[str] | None = None) -> dict:
    """Mean difference ``policy - baseline`` in ``kpi``, paired by seed, with the interval of
    :func:`mean_ci` over the per-seed differences.

    ``within``: further columns that must match for two runs to be a pair (e.g. swept levers).
    """
    return _differences(runs, [kpi], policy, baseline, by, pair_on, level, within)[0]


def _differences(runs: pd.DataFrame, kpis: list[str], policy: str, baseline: str, by: str, pair_on: str,
                 level: float, within: list[str] | None) -> list[dict]:
    """:func:`paired_difference` for each of ``kpis``, the runs paired once for all of them."""
    kpis = list(dict.fromkeys(kpis))
    # runs pair within a parameter set and a sensitivity point too: the same seed, set and point
    keys = [pair_on] + list(within or []) + [c for c in (PARAMETER_SET, SENSITIVITY_POINT)
                                             if c in runs and c not in (within or []) and runs[c].nunique() > 1]
    a = runs[runs[by] == policy].set_index(keys)[kpis]
    b = runs[runs[by] == baseline].set_index(keys)[kpis]
    joined = pd.concat([a.add_prefix("a:"), b.add_prefix("b:")], axis=1, join="inner")
    out = []
    for kpi in kpis:
        pair = joined[[f"a:{kpi}", f"b:{kpi}"]].dropna()
        diff = (pair[f"a:{kpi}"] - pair[f"b:{kpi}"]).to_numpy(dtype=float)
        est = mean_ci(diff, level)
        out.append({"kpi": kpi, "policy": policy, "baseline": baseline, "difference": est.mean, "low": est.low,
                    "high": est.high, "pairs": est.n, "method": est.method})
    return out


# --- tables over several KPIs and policies, and the sweep's design -------------------------------

def paired_differences(runs: pd.DataFrame, kpis: list[str], baseline: str = DEFAULT_BASELINE,
                       by: str = "policy", pair_on: str = "seed", level: float = LEVEL,
                       within: list[str] | None = None) -> pd.DataFrame:
    """Every policy against ``baseline``, for each KPI: one ``paired_difference`` row per pair.

    Columns: policy, baseline, kpi, difference, low, high, pairs, method. A KPI missing from ``runs``
    is skipped; a policy with no run sharing a seed with the baseline gets ``pairs`` = 0 and NaNs.
    """
    cols = ["policy", "baseline", "kpi", "difference", "low", "high", "pairs", "method"]
    present = set(runs[by].astype(str)) if by in runs else set()
    if baseline not in present:
        return pd.DataFrame(columns=cols)
    rows = []
    for policy in order_policies(present):
        if policy == baseline:
            continue
        present_kpis = [kpi for kpi in kpis if kpi in runs]
        if present_kpis:
            rows += [{name: d[name] for name in cols}
                     for d in _differences(runs, present_kpis, policy, baseline, by, pair_on, level, within)]
    return pd.DataFrame(rows, columns=cols)


#: The run's parameter set of the calibrated ensemble (``+uncertainty=ensemble``).
PARAMETER_SET = f"{CONFIG_PREFIX}parameter_set"


#: The point of a sensitivity design (``+experiment=sensitivity``).
SENSITIVITY_POINT = f"{CONFIG_PREFIX}sensitivity_point"


def _varied_with(runs: pd.DataFrame, key: str) -> list[str]:
    """``key`` and the ``cfg.*`` columns that vary only with it (constant within each of its values),
    when it takes more than one value; otherwise none."""
    if key not in runs or runs[key].nunique() < 2:
        return []
    found = [key]
    for col in runs.columns:
        if not col.startswith(CONFIG_PREFIX) or col == key:
            continue
        values = runs[col].map(lambda v: v if isinstance(v, (str, int, float, bool, type(None))) else repr(v))
        if values.nunique(dropna=False) > 1 and (values.groupby(runs[key]).nunique(dropna=False) <= 1).all():
            found.append(col)
    return found


def ensemble_columns(runs: pd.DataFrame) -> list[str]:
    """The ``cfg.*`` columns that vary only with the parameter set: ``cfg.parameter_set`` and the
    calibrated parameters it sets, when a sweep ran more than one set. A parameter also swept on
    purpose (it varies within a set) is not one of them: it stays a lever."""
    return _varied_with(runs, PARAMETER_SET)


def uncertainty_columns(runs: pd.DataFrame) -> list[str]:
    """The columns of the calibrated ensemble and of a sensitivity design's points: the values a sweep
    varied to show uncertainty, not levers (a setting of them is a replication, not a setting)."""
    return list(dict.fromkeys(ensemble_columns(runs) + _varied_with(runs, SENSITIVITY_POINT)))


def swept_levers(runs: pd.DataFrame, by: str = "policy") -> list[str]:
    """The ``cfg.*`` columns a sweep varied on purpose, besides the policy and the seed.

    A column counts when it takes more than one value among the runs of one policy (so settings that
    a policy's own config fixes, and that merely differ between policies, are not levers). Columns
    that split the runs in exactly the same way (e.g. every value of one office preset) count once,
    the first in column order, a ``*.name`` column preferred. The parameter sets of the calibrated
    ensemble and the points of a sensitivity design are not levers (:func:`uncertainty_columns`).
    """
    uncertain = set(uncertainty_columns(runs))
    cands = [c for c in runs.columns if c.startswith(CONFIG_PREFIX) and c not in NOT_LEVERS and c not in uncertain]
    groups = runs[by] if by in runs else pd.Series(0, index=runs.index)
    found: list[str] = []
    seen: dict[tuple, int] = {}
    position = {c: i for i, c in enumerate(runs.columns)}
    for col in sorted(cands, key=lambda c: (not c.endswith(".name"), position[c])):
        if _one_value(runs[col]):
            continue   # the same in every run (most settings): no need to compare within policies
        values = runs[col]
        if values.dtype == object:   # lists and the like compare by their text
            values = values.map(lambda v: v if isinstance(v, (str, int, float, bool, type(None))) else repr(v))
        if not (values.groupby(groups).nunique(dropna=False) > 1).any():
            continue
        codes = tuple(pd.factorize(values, use_na_sentinel=False)[0])
        canon = tuple(pd.factorize(pd.Series(codes))[0])
        if canon in seen:
            continue
        seen[canon] = len(found)
        found.append(col)
    return sorted(found, key=list(runs.columns).index)


def _one_value(column: pd.Series) -> bool:
    """The column holds one value in every row (lists and other unhashable values: not known, False)."""
    try:
        return column.nunique(dropna=False) <= 1
    except TypeError:
        return False


def reference_setting(runs: pd.DataFrame, levers: list[str]) -> dict:
    """One value per lever to hold it at while looking at something else: the middle of its values.

    With an even number of values the lower of the two middle ones is taken. Each lever's middle is
    taken among the runs at the levers before it, so the setting is one the sweep ran also when its
    levers are not crossed (a part of a policy switched off changes that way of working's settings).
    """
    ref = {}
    rows = runs
    for lever in levers:
        values = sorted(rows[lever].dropna().unique().tolist())
        if values:
            ref[lever] = values[(len(values) - 1) // 2]
            rows = rows[rows[lever] == ref[lever]]
    return ref


# --- time to an event: Kaplan-Meier ---------------------------------------------------------------

def km_survival(durations, observed, grid) -> np.ndarray:
    """Kaplan-Meier estimate of P(T > t) at each t of ``grid`` (``domain.survival``; ``observed`` is False
    where a duration is censored). Beyond the last duration the curve stays at its last value; with no
    durations it is NaN."""
    return kaplan_meier(durations, observed).at(grid)


def ratio_ci(numerators, denominators, level: float = LEVEL) -> Estimate:
    """The ratio of two means, ``mean(numerators) / mean(denominators)``, from paired values (one pair
    per replication, e.g. per-seed differences in cost and in users employed), with Fieller's interval
    at ``level`` (Student t with n - 1 degrees of freedom, the covariance of the pair taken into
    account). The interval is NaN (unbounded) when the denominator's own interval reaches zero, and
    with fewer than 2 finite pairs; ``n`` counts the finite pairs."""
    x, y = np.asarray(numerators, dtype=float), np.asarray(denominators, dtype=float)
    keep = np.isfinite(x) & np.isfinite(y)
    x, y = x[keep], y[keep]
    n = len(x)
    if n == 0 or y.mean() == 0:
        return Estimate(math.nan, math.nan, math.nan, n)
    a, b = float(x.mean()), float(y.mean())
    ratio = a / b
    if n < 2:
        return Estimate(ratio, math.nan, math.nan, n)
    cov = np.cov(x, y, ddof=1) / n
    q2 = _t_quantile(level, n - 1) ** 2
    qa, qb, qc = (float(v) for v in (b * b - q2 * cov[1, 1], a * b - q2 * cov[0, 1], a * a - q2 * cov[0, 0]))
    disc = qb * qb - qa * qc
    if qa <= 0 or disc < 0:
        return Estimate(ratio, math.nan, math.nan, n)
    root = math.sqrt(disc)
    return Estimate(ratio, (qb - root) / qa, (qb + root) / qa, n)
