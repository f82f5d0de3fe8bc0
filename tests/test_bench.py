"""``inclusim bench`` works end to end on a tiny case (it measures speed; this test does not)."""

from __future__ import annotations

from inclusim.bench import Case, measure, office_of, scaling_chart


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
