"""`inclusim staffing`: the staff mixes of a budget, their mapping, the search (grid = Optuna on a tiny
office), the Pareto flag, reproducibility, errors and the written outputs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from domain.config import Config
from domain.params import ConfigError, merge, overrides
from inclusim.staffing import Mix, load_plan, mix_settings, mix_space, pareto_flags, search, today_mix
from inclusim.staffing_output import write_outputs

ROOT = Path(__file__).resolve().parent.parent

#: A tiny office: 3 advisers with 40 users each and one job specialist (4 positions), the hybrid policy.
TINY = {"horizon_weeks": 52, "office.n_advisers": 3, "office.caseload_ordinary": 40, "office.n_job_specialists": 1,
        "labour_market.n_firms": 60, "policy.name": "hybrid"}
PLAN = load_plan().with_changes(slots=(2, 3), seeds=2)


@pytest.fixture(scope="module")
def grid():
    return search(TINY, 4, workers=1, how="grid", plan=PLAN)


def test_a_mix_divides_the_office_users_among_its_advisers():
    base = merge(Config(), overrides(TINY))
    assert today_mix(base) == Mix(2, 1, 1, 3)
    s = mix_settings(Mix(1, 1, 2, 2), base)
    assert s["office.n_advisers"] == 2 and s["office.caseload_ordinary"] == 60     # 120 users on 2 caseloads
    assert round(s["office.caseload_ordinary"] * s["office.target_share"]) * 2 == 30   # the 30 target-group users kept
    assert s["office.hybrid_volunteer_share"] == 0.5 and s["office.hybrid_slots"] == 2
    assert s["office.n_job_specialists"] == 2 and s["office.fte_neutral"] is False
    assert s["policy.name"] == "brobygger"                  # hybrid advisers and job specialists [001:694]
    assert mix_settings(Mix(1, 1, 2, 2), base, "hybrid")["policy.name"] == "hybrid"
    assert mix_settings(Mix(4, 0, 0), base)["policy.name"] == "saksbehandler"
    assert mix_settings(Mix(2, 0, 2), base)["policy.name"] == "jobbspesialist"
    # caseloads above the office's cap (110) are not in the space: 1 adviser would have 120 users
    assert all(m.advisers >= 2 and m.positions == 4 for m in mix_space(4, base, (2, 3)))
    assert len(mix_space(4, base, (2, 3))) == (1 + 2 * 4) + (1 + 2 * 3) + (1 + 2 * 2)   # 4, 3 or 2 advisers


def test_today_staff_mapped_as_a_mix_gives_the_same_runs(grid):
    table = grid.table.set_index("mix")
    today, mapped = table.loc["today: 2 SB + 1 HY x3 + 1 JS"], table.loc["2 SB + 1 HY x3 + 1 JS"]
    for column in ("in_work_1y", "in_work_end", "nav_cost", "pathway_hours"):
        assert today[column] == pytest.approx(mapped[column], rel=1e-12)


def test_optuna_finds_the_best_mix_the_grid_finds(grid):
    found = search(TINY, 4, workers=1, how="optuna", plan=PLAN.with_changes(mixes=12, batch=4))
    assert found.search == "optuna" and len(found.table) - 1 == 12 < grid.space_size
    assert found.best["mix"] == grid.best["mix"]
    # the mixes both ran have the same figures (same seeds, common random numbers)
    both = found.table.merge(grid.table, on="mix", suffixes=("", "_grid"))
    assert len(both) == len(found.table)
    for column in ("in_work_end", "nav_cost", "extra_in_work", "cost_per_extra"):
        np.testing.assert_array_equal(both[column].to_numpy(), both[f"{column}_grid"].to_numpy())


def test_the_pareto_flag_on_a_hand_made_table():
    table = pd.DataFrame({"in_work_1y": [10, 12, 12, 9, 10], "in_work_end": [20, 20, 25, 19, 20],
                          "nav_cost": [5, 6, 6, 4, 5]})
    # row 1 is beaten by row 2 (as many at 1 year, more at the end, same cost); rows 0 and 4 tie: neither dominates
    assert pareto_flags(table).tolist() == [True, False, True, True, True]
    two = pd.DataFrame({"in_work_1y": [14, 12], "in_work_end": [20, 25], "nav_cost": [6, 6]})
    assert pareto_flags(two).tolist() == [True, True]      # more in work at 1 year is worth something
    two["in_work_1y"] = np.nan              # an objective with no values (a run shorter than a year) is left out
    assert pareto_flags(two).tolist() == [False, True]


def test_serial_and_parallel_give_the_same_table(grid):
    parallel = search(TINY, 4, workers=2, how="grid", plan=PLAN)
    pd.testing.assert_frame_equal(grid.table, parallel.table)


@pytest.mark.parametrize("budget, fragment", [
    (0, "budget_fte = 0: must be a whole number of positions, at least 1"),
    (1, "budget_fte = 1: too few positions for the office's 120 users on caseloads of at most 110"),
    ("15", "budget_fte = '15': must be a whole number"),
    (1_000_000, "budget_fte = 1000000: allowed are at most 2026 positions for this office: 26 advisers keep its 120 "
                "users on caseloads of at least 5, and an office has at most 2000 job specialists"),
])
def test_a_bad_budget_is_a_clear_error(budget, fragment):
    with pytest.raises(ConfigError) as err:
        search(TINY, budget, plan=PLAN)
    assert fragment in str(err.value)


def test_cli_errors_are_one_line_with_exit_status_2():
    for args, fragment in ((["budget_fte=many"], "budget_fte = 'many': must be a whole number"),
                           (["budget_fte=0", "horizon_weeks=4"], "budget_fte = 0: must be a whole number"),
                           (["budget_fte=4", "office.n_adviserz=3"], "office.n_adviserz"),
                           (["budget_fte=4", "seed=1,2"], "searches one office"),
                           (["search=random"], "search = 'random': allowed values are auto, grid, optuna")):
        proc = subprocess.run([sys.executable, "-m", "inclusim.cli", "staffing", *args], capture_output=True, text=True,
                              cwd=ROOT, timeout=120)
        assert proc.returncode == 2 and fragment in proc.stderr and "Traceback" not in proc.stderr, proc.stderr


def test_outputs_are_the_table_and_the_chart(grid, tmp_path):
    written = write_outputs(grid, tmp_path, PLAN)
    table = pd.read_csv(written["table"])
    assert len(table) == len(grid.table) and table["pareto"].any() and table["today"].sum() == 1
    assert written["chart"].stat().st_size > 10_000 and (tmp_path / "pareto.svg").exists()
    # the workbook: every mix run with numbers as numbers (overload in per cent), and the search's settings
    from openpyxl import load_workbook

    mixes, settings = load_workbook(written["workbook"]).worksheets
    header = [cell.value for cell in mixes[1]]
    over = [row[header.index("over_budget")].value for row in mixes.iter_rows(min_row=2)]
    assert len(over) == len(grid.table) and all(isinstance(v, int | float) for v in over)
    assert over == pytest.approx(list(100 * grid.table["over_budget"]))
    assert settings.max_row > 5


def test_overload_is_an_objective_of_the_pareto_front():
    table = pd.DataFrame({"in_work_1y": [10.0, 10.0], "in_work_end": [20.0, 20.0], "nav_cost": [5.0, 5.0],
                          "over_budget": [0.1, 0.5]})
    assert list(pareto_flags(table)) == [True, False]      # the same in work and cost, but more overload
    table["over_budget"] = [0.5, 0.1]
    table.loc[0, "in_work_end"] = 21.0
    assert list(pareto_flags(table)) == [True, True]       # more in work, or less overload: both on the front


def test_the_cost_per_extra_person_has_fiellers_interval():
    from analysis.stats import ratio_ci

    rng = np.random.default_rng(3)
    extra = rng.normal(10, 2, 8)
    cost = 500 * extra + rng.normal(0, 200, 8)
    est = ratio_ci(cost, extra)
    assert est.mean == pytest.approx(cost.mean() / extra.mean()) and est.low < 500 < est.high and est.n == 8
    unclear = ratio_ci([100, 120, 90], [-1.0, 0.5, 1.5])    # the extra users in work are not clearly above 0
    assert unclear.mean == pytest.approx(310 / 1.0) and np.isnan(unclear.low) and np.isnan(unclear.high)


def test_a_search_that_runs_no_mix_is_an_error_not_an_empty_table():
    # 2020 positions: every mix the budget allows has 1994-2000 job specialists, which Optuna's proposals
    # (any number of specialists and hybrid advisers) almost never hit
    with pytest.raises(ConfigError, match="budget_fte = 2020: Optuna proposed none of the"):
        search(TINY, 2020, how="optuna", plan=PLAN.with_changes(mixes=4, batch=4))


def test_a_search_in_bokmal_keeps_the_english_files_of_the_same_search():
    from inclusim.compose import CommandSettings
    from inclusim.staffing_output import default_folder

    english, bokmal = (default_folder(CommandSettings(lang=lang, output_root="out"), "default", 15) for lang in ("en", "nb"))
    assert english != bokmal and english.parent == bokmal.parent and bokmal.name == english.name + "_nb"
