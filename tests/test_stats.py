"""Intervals over replications: none from one value, Student t below 20 replications, the percentile
bootstrap from 20 (the numbers of the main job unchanged), and the same rule for paired differences."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis.stats import (BOOT_SEED, BOOTSTRAP_FROM, N_RESAMPLES, _t_quantile, interval_method, mean_ci, mean_cis, paired_difference,
                            paired_differences, summarise)

#: Twenty replications; the interval the percentile bootstrap gave them before Student t came in.
TWENTY = [0.10, 0.12, 0.15, 0.11, 0.09, 0.14, 0.13, 0.16, 0.10, 0.12, 0.18, 0.08, 0.11, 0.13, 0.12, 0.17, 0.10,
          0.14, 0.09, 0.15]
TWENTY_BOOTSTRAP = (0.12449999999999999, 0.1145, 0.134)


def test_the_method_depends_on_the_number_of_replications():
    assert [interval_method(n) for n in (0, 1, 2, 19, 20, 200)] == ["none", "none", "t", "t", "bootstrap", "bootstrap"]
    assert BOOTSTRAP_FROM == 20


def test_t_interval_matches_a_hand_computation():
    # 1, 2, 3, 4, 6: mean 3.2, sum of squares 14.8, sd sqrt(14.8 / 4), se sd / sqrt(5);
    # the t table gives t(0.95, 4 df) = 2.131847 for a two-sided 90 % interval
    est = mean_ci([1, 2, 3, 4, 6])
    half = 2.131847 * math.sqrt(14.8 / 4) / math.sqrt(5)
    assert est.mean == pytest.approx(3.2)
    assert (est.low, est.high) == pytest.approx((3.2 - half, 3.2 + half), abs=1e-5)
    assert est.n == 5 and est.method == "t"


@pytest.mark.parametrize("level, dof, table", [(0.80, 5, 1.475884), (0.90, 4, 2.131847), (0.90, 19, 1.729133),
                                               (0.95, 10, 2.228139), (0.99, 1, 63.65674), (0.99, 30, 2.749996)])
def test_the_t_quantile_is_students(level, dof, table):
    # two-sided quantiles of Student's t from a printed table
    assert _t_quantile(level, dof) == pytest.approx(table, rel=1e-6)


def test_t_interval_of_two_values_is_wide():
    # two values: 1 df, t(0.95, 1) = 6.313752; se = |a - b| / 2
    est = mean_ci([0.1, 0.2])
    assert (est.low, est.high) == pytest.approx((0.15 - 6.313752 * 0.05, 0.15 + 6.313752 * 0.05), abs=1e-6)


def test_twenty_replications_keep_the_bootstrap_interval_unchanged():
    """The interval is scipy's percentile bootstrap with the fixed seed, the same called alone or with
    other samples, in batches."""
    est = mean_ci(TWENTY)
    assert est.method == "bootstrap" and est.n == 20
    assert (est.mean, est.low, est.high) == pytest.approx(TWENTY_BOOTSTRAP, rel=1e-12, abs=0)
    res = stats.bootstrap((np.asarray(TWENTY),), np.mean, n_resamples=N_RESAMPLES, confidence_level=0.9,
                          method="percentile", vectorized=True, rng=np.random.default_rng(BOOT_SEED))
    assert (est.low, est.high) == pytest.approx((res.confidence_interval.low, res.confidence_interval.high),
                                                rel=1e-12, abs=0)


@pytest.mark.parametrize(("n", "level"), [(20, 0.9), (37, 0.9), (250, 0.95), (600, 0.9)])   # 600: not cached
def test_many_bootstraps_at_once_are_scipys_one_by_one(n, level):
    """Samples of one size share the resamples; each interval is what scipy gives that sample alone."""
    rng = np.random.default_rng(n)
    samples = [rng.gamma(2.0, 3.0, n), rng.random(n) < 0.3, rng.normal(100.0, 1e-3, n)] + list(rng.random((40, n)))
    estimates = mean_cis([np.asarray(s, dtype=float) for s in samples], level)
    for sample, est in zip(samples, estimates, strict=True):
        res = stats.bootstrap((np.asarray(sample, dtype=float),), np.mean, n_resamples=N_RESAMPLES,
                              confidence_level=level, method="percentile", vectorized=True,
                              rng=np.random.default_rng(BOOT_SEED))
        assert est.n == n and est.method == "bootstrap"
        assert (est.low, est.high) == pytest.approx((res.confidence_interval.low, res.confidence_interval.high),
                                                    rel=1e-12, abs=1e-15)


def test_one_value_has_no_interval():
    for values in ([0.3], [0.3, math.nan], [math.inf, 0.3]):
        est = mean_ci(values)
        assert est.mean == pytest.approx(0.3) and est.n == 1 and est.method == "none"
        assert math.isnan(est.low) and math.isnan(est.high)
    empty = mean_ci([])
    assert math.isnan(empty.mean) and math.isnan(empty.low) and empty.n == 0 and empty.method == "none"


def test_identical_values_give_a_zero_width_interval_only_from_two():
    assert tuple(mean_ci([0.25, 0.25, 0.25])) == (0.25, 0.25, 0.25, 3)   # no variation was observed
    assert tuple(mean_ci([0.25] * 25)) == (0.25, 0.25, 0.25, 25)
    one = mean_ci([0.25])
    assert math.isnan(one.low) and math.isnan(one.high)


def test_an_estimate_still_unpacks_to_four_values():
    mean, low, high, n = mean_ci([1.0, 2.0, 4.0])
    assert n == 3 and low < mean < high
    assert mean_ci([1.0, 2.0, 4.0])._fields == ("mean", "low", "high", "n")


def test_summarise_records_the_method():
    runs = pd.DataFrame({"policy": ["a"] + ["b"] * 3 + ["c"] * 20,
                         "x": [0.5, 0.1, 0.2, 0.4] + TWENTY})
    table = summarise(runs, ["x"]).set_index("policy")
    assert list(table.columns) == ["kpi", "mean", "low", "high", "n", "method"]
    assert table["method"].to_dict() == {"a": "none", "b": "t", "c": "bootstrap"}
    assert math.isnan(table.loc["a", "low"]) and table.loc["a", "mean"] == 0.5
    assert (table.loc["b", "low"], table.loc["b", "high"]) == tuple(mean_ci([0.1, 0.2, 0.4]))[1:3]
    assert tuple(table.loc["c", ["mean", "low", "high"]]) == pytest.approx(TWENTY_BOOTSTRAP, rel=1e-12, abs=0)


def test_summarise_takes_each_group_in_order_with_its_rows_in_table_order():
    # groups as a sorted groupby gives them: rows with a missing key left out, categories only where
    # they occur, each group's values in the order of the table (its interval depends on that order)
    rng = np.random.default_rng(3)
    runs = pd.DataFrame({"policy": pd.Categorical(rng.choice(["b", "a"], 400), categories=["c", "b", "a"]),
                         "week": np.where(np.arange(400) % 11 == 0, np.nan, np.arange(400) % 4),
                         "x": rng.random(400), "y": rng.random(400)})
    table = summarise(runs, ["y", "missing", "x"], by=["policy", "week"])
    groups = [(key, grp) for key, grp in runs.groupby(["policy", "week"], sort=True, observed=True)]
    assert len(table) == 2 * len(groups) == 16
    for (key, grp), pair in zip(groups, np.split(table.to_numpy(), len(groups)), strict=True):
        for row, kpi in zip(pair, ["y", "x"], strict=True):
            assert tuple(row[:3]) == (*key, kpi)
            # summarise runs samples of one size together: the same interval to rounding
            assert tuple(row[3:7]) == pytest.approx(tuple(mean_ci(grp[kpi].to_numpy())), rel=1e-12, abs=0)


def test_summarise_of_nothing_has_the_columns():
    table = summarise(pd.DataFrame({"policy": pd.Series(dtype=str)}), ["x"], by=["policy"])
    assert table.empty and list(table.columns) == ["policy", "kpi", "mean", "low", "high", "n", "method"]


def test_paired_differences_follow_the_same_rule():
    runs = pd.DataFrame({"policy": ["base"] * 3 + ["new"] * 3, "seed": [1, 2, 3] * 2,
                         "x": [0.10, 0.20, 0.30, 0.13, 0.21, 0.35]})
    d = paired_difference(runs, "x", "new", "base")
    expected = mean_ci([0.03, 0.01, 0.05])
    assert (d["difference"], d["low"], d["high"]) == pytest.approx(tuple(expected)[:3])
    assert d["pairs"] == 3 and d["method"] == "t"
    one = paired_differences(runs[runs["seed"] == 2], ["x"], baseline="base").iloc[0]
    assert one["difference"] == pytest.approx(0.01) and one["pairs"] == 1 and one["method"] == "none"
    assert math.isnan(one["low"]) and math.isnan(one["high"])


def test_an_interval_ends_where_the_kpi_can_go_and_a_difference_is_not_cut():
    # four seeds of a rare outcome: the t interval of the share would reach below 0 (issue 24: -0.0064)
    runs = pd.DataFrame({"policy": ["a"] * 4 + ["b"] * 4, "seed": [1, 2, 3, 4] * 2,
                         "ever_employed_share_large": [0.0, 0.0, 0.0, 0.02, 0.99, 1.0, 1.0, 1.0],
                         "hours_per_candidate": [0.1, 0.1, 0.1, 9.0, 5.0, 5.0, 5.0, 5.0],
                         "caseholder_pressure": [0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0, 1.0]})
    uncut = mean_ci([0.0, 0.0, 0.0, 0.02])
    assert uncut.low < 0                                     # what Student t alone gives
    table = summarise(runs, ["ever_employed_share_large", "hours_per_candidate", "caseholder_pressure"])
    row = table.set_index(["policy", "kpi"])
    assert row.loc[("a", "ever_employed_share_large"), "low"] == 0.0
    assert row.loc[("a", "ever_employed_share_large"), "high"] == pytest.approx(uncut.high)
    assert row.loc[("b", "ever_employed_share_large"), "high"] == 1.0
    assert row.loc[("a", "hours_per_candidate"), "low"] == 0.0
    assert row.loc[("a", "caseholder_pressure"), "low"] < 0   # a ratio has no bound declared: not cut
    diff = paired_difference(runs, "ever_employed_share_large", "a", "b")
    assert diff["low"] < diff["difference"] < diff["high"] < 0   # a difference of shares is not cut at 0
