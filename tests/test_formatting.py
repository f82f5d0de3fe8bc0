"""One set of formatters for the terminal, the report and the charts: a KPI's unit decides its form."""

from __future__ import annotations

import math

from analysis.formatting import (format_interval, format_kpi, format_kpi_difference, format_value, lever_value,
                                 natural_key, percent, setting_text)
from domain.schema import HOURS, NOK, RATIO, SHARE


def test_report_form_by_unit():
    assert format_kpi("employed_share_w52", 0.1234, 0.1, 0.15) == "12.3 % (10.0 to 15.0)"
    assert format_kpi("subsidy_cost_per_employment", 240911.4, 231939.2, 250281.0) == "240 911 (231 939 to 250 281)"
    assert format_kpi("caseholder_pressure", 1.084, 1.07, 1.09) == "1.08 (1.07 to 1.09)"
    assert format_kpi("hours_per_candidate", 40.12, 38.0, 42.0) == "40.1 (38.0 to 42.0)"
    assert format_kpi("ever_employed_share", math.nan, math.nan, math.nan) == "n/a"


def test_differences_are_signed_and_shares_in_points():
    assert format_kpi_difference("dropout_share", -0.004, -0.012, 0.003) == "-0.4 points (-1.2 to +0.3)"
    assert format_kpi_difference("hours_per_candidate", 14.5, 13.9, 15.0) == "+14.5 (+13.9 to +15.0)"
    assert format_kpi_difference("subsidy_cost_per_employment", -1234.4, -2000, 500) == "-1 234 (-2 000 to +500)"
    assert format_kpi_difference("caseholder_pressure", math.nan, 0, 0) == "n/a"


def test_compact_form_of_the_terminal():
    assert format_kpi("ever_employed_share", 0.437, 0.426, 0.449, compact=True) == "43.7 (42.6-44.9)"
    assert format_kpi("subsidy_cost_per_employment", 240911.4, 231939.2, 250281.0, compact=True) == "241 (232-250)"
    assert format_kpi("caseholder_pressure", 1.084, 1.07, 1.09, compact=True) == "1.08 (1.07-1.09)"
    assert format_kpi("n_close_cases", 45.25, 40.0, 50.0, compact=True) == "45.2 (40.0-50.0)"


def test_values_and_intervals_by_unit():
    assert format_value(0.5, SHARE, digits=0) == "50" and percent(0.123) == "12.3 %" and percent(math.nan) == "n/a"
    assert format_value(12500, NOK) == "12 500" and format_value(12500, NOK, compact=True) == "12"
    assert format_value(18_366_250, NOK, compact=True) == "18 366"      # thousands, no 'k' (issue 27)
    assert format_value(0.5, RATIO) == "0.50" and format_value(3.0, HOURS, sign=True) == "+3.0"
    assert format_interval(40.4, 38.2, 42.6, HOURS, digits=0) == "40 (38 to 43)"


def test_natural_order_reads_numbers():
    texts = ["slots=10", "slots=2", "slots=1", "caseload=0.5", "caseload=0.25", "b", "a"]
    assert sorted(texts, key=natural_key) == ["a", "b", "caseload=0.25", "caseload=0.5", "slots=1", "slots=2",
                                              "slots=10"]
    assert sorted(["100", "40", "1e-05", "nan", "x"], key=natural_key) == ["1e-05", "40", "100", "nan", "x"]


def test_lever_values_and_settings():
    assert [lever_value(v) for v in (70, 70.0, 0.25, "urban", True)] == ["70", "70", "0.25", "urban", "True"]
    assert setting_text({"cfg.office.caseload_ordinary": 70.0, "cfg.office.hybrid_slots": 3}) == \
        "users per ordinary adviser (caseload) = 70, close-follow-up places per hybrid adviser = 3"


def test_a_missing_interval_is_printed_na():
    assert format_kpi("employed_share_w52", 0.123, math.nan, math.nan) == "12.3 % (n/a)"
    assert format_kpi("ever_employed_share", 0.437, math.nan, math.nan, compact=True) == "43.7 (n/a)"
    assert format_kpi_difference("dropout_share", 0.02, math.nan, math.nan) == "+2.0 points (n/a)"
    assert format_kpi("caseholder_pressure", 1.084, 1.084, 1.084) == "1.08 (1.08 to 1.08)"   # equal values: width 0
