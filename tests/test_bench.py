"""``inclusim bench`` works end to end on a tiny case (it measures speed; this test does not)."""

from __future__ import annotations

from inclusim.bench import Case, Target, against_targets, measure, office_of, scaling_chart


def test_the_benchmark_measures_each_case_in_its_own_process_and_draws_the_scaling(tmp_path):
    tiny = {**office_of(600, "brobygger", caseload=60), "horizon_weeks": 20}
    references, rows = measure(cases=(Case("tiny", tiny, 600, scaling=True),), repeats=1)
    assert references["mesa_agent_steps_per_s"] > 0 and references["numpy_user_weeks_per_s"] > 0
    (row,) = rows
    assert row["wall_min_s"] <= row["wall_median_s"] <= row["wall_max_s"]
    assert row["target_user_weeks_per_s"] > 0 and 0 < row["stepped_share"] <= 1 and row["peak_memory_mb"] > 10
    scaling_chart(rows, tmp_path / "scaling.png")
    assert (tmp_path / "scaling.png").stat().st_size > 1000


def test_a_bigger_world_keeps_the_default_offices_proportions():
    county = office_of(50_000, "brobygger")
    assert county["office"]["n_advisers"] == 200 and county["office"]["caseload_ordinary"] == 250
    assert abs(county["population"]["inflow_per_week"] / 50_000 - 0.8 / 840) < 1e-12


def test_the_targets_say_met_or_by_how_much_they_are_missed():
    rows = [{"case": "a", "wall_median_s": 0.2, "caseload_x_mesa": 0.5, "peak_memory_mb": 100.0}]
    targets = (Target("a", "wall_median_s", "at most", 0.05, "s"), Target("a", "caseload_x_mesa", "at least", 2.0, "x"),
               Target("a", "peak_memory_mb", "at most", 4096.0, "MB"), Target("not run", "wall_median_s", "at most", 1, "s"))
    wall, ratio, memory = against_targets(rows, targets)
    assert (wall["met"], round(wall["missed_by"], 6)) == (False, 4.0)
    assert (ratio["met"], round(ratio["missed_by"], 6)) == (False, 4.0)
    assert memory["met"] and memory["missed_by"] == 1.0
