"""Charts on small fabricated results tables: axes, labels, one series per policy, intervals drawn,
files written. The fabricated tables follow the schemas a sweep writes (runs, weekly, candidates);
``fake_sweep`` writes them as a sweep folder for the report tests."""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PolyCollection
from matplotlib.container import BarContainer, ErrorbarContainer
from matplotlib.figure import Figure
from matplotlib.image import AxesImage

from analysis import charts as C
from analysis.derived_kpis import caseholder_pressure, headline_outcomes, ordinary_outcomes
from analysis.labels import kpi_label, kpi_short, lever_label, order_policies
from analysis.stats import km_survival, paired_differences, summarise
from domain.survival import first_time_at_or_below
from domain.schema import (CANDIDATE_COLUMNS, EVENT_COLUMNS, KPIS, ORDINARY_JOB_WEEKS, adviser_weeks_column,
                           hours_column, kpi, ordinary_job_kpi)
from domain.states import EMPLOYED_STATES, STATE_GROUPS, State
from domain.terms import ACTIVITIES, ROLES, Activity

POLICIES = ("saksbehandler", "hybrid", "brobygger")
ACTS = tuple(a.key for a in ACTIVITIES)
EFFECT = {"saksbehandler": 0.0, "hybrid": 0.06, "jobbspesialist": 0.09, "brobygger": 0.12}
CASEHOLDER = {"saksbehandler": "saksbehandler", "hybrid": "hybrid", "jobbspesialist": "saksbehandler",
              "brobygger": "hybrid"}
#: What each policy costs the users outside the target group (their job by the end, in 0-1): close follow-up
#: takes casework hours from their advisers.
ORDINARY_COST = {"saksbehandler": 0.0, "hybrid": 0.06, "jobbspesialist": 0.04, "brobygger": 0.05}


# --- fabricated tables -----------------------------------------------------------------------------

def fake_runs(policies=POLICIES, seeds=(1, 2, 3, 4), caseloads=(70,), slots=(3,), horizon=52) -> pd.DataFrame:
    """One row per run, with the KPI, config and bookkeeping columns the charts and report read."""
    rows = []
    for pol in policies:
        for seed in seeds:
            for cl in caseloads:
                for sl in slots:
                    rng = np.random.default_rng([seed, cl, sl, len(pol)])
                    noise = rng.normal(0, 0.01, 8)
                    seed_effect = 0.01 * seed   # common to every policy: pairing by seed removes it
                    load = (cl / 70) * (1 + 0.03 * sl)
                    eff = EFFECT.get(pol, 0.03) - 0.1 * (load - 1)
                    n_emp = 40 + int(100 * eff) + seed
                    r = {"run_id": f"{pol[:3]}{seed}c{cl}s{sl}", "config_hash": f"h{pol[:3]}{seed}c{cl}s{sl}",
                         "seed": seed, "policy": pol, "office": "default", "population": "default",
                         "labour_market": "urban", "n_candidates": 300, "n_ever_employed": n_emp,
                         "ever_employed_share": 0.2 + eff + seed_effect + noise[0],
                         "employed_share_w26": 0.05 + eff / 3 + seed_effect + noise[1],
                         "employed_share_w52": 0.08 + eff / 2 + seed_effect + noise[2],
                         "employed_share_w104": 0.12 + eff + seed_effect + noise[3] if horizon >= 104 else math.nan,
                         "employed_share_w156": 0.14 + eff + seed_effect + noise[3] if horizon >= 156 else math.nan,
                         "dropout_share": 0.18 - eff / 3 + noise[4], "apprentice_share": 0.01 + eff / 10,
                         "education_share": 0.02 + eff / 8, "lockin_share": 0.004, "retention_52": 0.7 + noise[5],
                         "median_weeks_to_first_job_if_employed": 40 + 10 * noise[6],
                         "adviser_weeks_over_budget_share": min(1.0, 0.5 * load + noise[7]),
                         "git_commit": "abc123", "mesa_version": "3.5.1", "overrides": f"policy={pol} seed={seed}",
                         "cfg.seed": seed, "cfg.horizon_weeks": horizon, "cfg.policy.name": pol,
                         "cfg.office.caseload_ordinary": cl, "cfg.office.hybrid_slots": sl,
                         "cfg.office.adviser_hours_week": 37.5, "cfg.office.n_advisers": 12}
                    tot_c = tot_e = 0.0
                    for i, a in enumerate(ACTS):
                        h = (1 + i) * (1 + 4 * EFFECT.get(pol, 0.03)) * (1 + 0.02 * seed)
                        r[f"hours_per_candidate_{a}"] = h
                        r[f"hours_per_employment_{a}"] = h * 300 / n_emp
                        tot_c += h
                        tot_e += h * 300 / n_emp
                    r["hours_per_candidate"], r["hours_per_employment"] = tot_c, tot_e
                    for role in map(str, ROLES):
                        active = role == CASEHOLDER.get(pol, "saksbehandler")
                        r[f"adviser_pressure_{role}"] = load * (0.9 + 0.02 * seed) if active else math.nan
                        r[f"adviser_hours_{role}"] = 50000.0 if active else 0.0
                    mh_s, mh_n = 10000.0 + 20000 * EFFECT.get(pol, 0.03) + 100 * seed, 500.0 * (pol != "saksbehandler")
                    r.update({"mentor_hours_support": mh_s, "mentor_hours_network": mh_n,
                              "mentor_hours_subsidised": 1.1 * mh_s,
                              "mentor_hours_per_employment": (mh_s + mh_n) / n_emp,
                              "mentor_subsidy_nok": 400 * 1.1 * mh_s, "wage_subsidy_nok": 5e6 + 1e5 * seed})
                    r["subsidy_cost_per_employment"] = (r["mentor_subsidy_nok"] + r["wage_subsidy_nok"]) / n_emp
                    r.update(_ordinary_kpis(pol, seed, load, horizon, rng))
                    rows.append(r)
    return pd.DataFrame(rows)


def _ordinary_kpis(policy: str, seed: int, load: float, horizon: int, rng) -> dict:
    """The KPIs of the users outside the target group: a job by the end that falls with the policy's
    cost to their casework and with the load, a seed effect common to every policy; a job by week N is
    a job by the end when N is the last week (``sim.kpis.ordinary_kpis``) and missing after it."""
    cost = ORDINARY_COST.get(policy, 0.03) + 0.1 * (load - 1)
    end = 0.6 - cost + 0.01 * seed + rng.normal(0, 0.005)
    by_week = {w: (math.nan if w > horizon else end if w == horizon else end * (0.4 + 0.5 * w / horizon))
               for w in ORDINARY_JOB_WEEKS}
    return {"ordinary_n_users": 600 + int(400 * end), **{ordinary_job_kpi(w): v for w, v in by_week.items()},
            "ordinary_job_by_end_share": end, "ordinary_left_without_job_share": 0.15 + cost / 4 + rng.normal(0, 0.003),
            "ordinary_median_weeks_to_job": 60 + 100 * cost, "ordinary_weeks_without_plan_share": max(0.0, cost / 10),
            "ordinary_reviews_missed_per_user_year": max(0.0, 1.5 * cost) + 0.01 * seed}


def fake_weekly(runs: pd.DataFrame) -> pd.DataFrame:
    """run_id x week: state counts that grow employment faster under better policies, and hours."""
    rows = []
    for r in runs.itertuples():
        h = int(runs.loc[r.Index, "cfg.horizon_weeks"])
        eff = EFFECT.get(r.policy, 0.03)
        for w in range(1, h + 1):
            present = 100 + w
            emp = int(present * min(0.9, (0.1 + eff) * w / h + 0.002 * r.seed))
            counts = dict.fromkeys(State, 0)
            counts[State.EMPLOYED], counts[State.POST_FOLLOWUP] = emp // 2, emp // 4
            counts[State.RETAINED] = emp - emp // 2 - emp // 4
            counts[State.TRAINING] = 10 + w // 5
            counts[State.EXITED] = w // 3
            counts[State.DROPOUT] = 2
            counts[State.POOL] = present - sum(counts.values())
            row = {"run_id": r.run_id, "week": w, **{s.column: c for s, c in counts.items()}}
            holder = CASEHOLDER.get(r.policy, "saksbehandler")
            for role in ROLES:
                staffed = role == holder or role.is_specialist
                row[adviser_weeks_column(role)] = (3 if role.is_specialist else 12) if staffed else 0
                for i, a in enumerate(ACTIVITIES):
                    row[hours_column(role, a)] = (300.0 if a is Activity.ADMIN else 5.0 * (i + 1)) if staffed else 0.0
            rows.append(row)
    return pd.DataFrame(rows)


def fake_candidates(runs: pd.DataFrame, per_run: int = 40) -> pd.DataFrame:
    """run_id x candidate: entry week and (nullable) first-job week."""
    rows = []
    for r in runs.itertuples():
        h = int(runs.loc[r.Index, "cfg.horizon_weeks"])
        rng = np.random.default_rng([r.seed, len(r.policy)])
        p = 0.02 + EFFECT.get(r.policy, 0.03) / 4
        for c in range(per_run):
            entry = int(rng.integers(0, h // 2)) if c % 3 else 0
            wait = int(rng.geometric(p))
            first = entry + wait if entry + wait <= h else None
            rows.append({"run_id": r.run_id, "candidate_id": c, "entry_week": entry, "first_job_week": first,
                         "need_level": "medium", "final_state": "EMPLOYED" if first is not None else "POOL"})
    out = pd.DataFrame(rows)
    out["first_job_week"] = out["first_job_week"].astype("Int64")
    return out


def without_users(runs: pd.DataFrame, weekly: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame,
                                                                       pd.DataFrame]:
    """The tables of runs that had no users: n_candidates 0 and every KPI missing in ``runs``, no one in
    any state in ``weekly`` (the advisers' hours stay), and empty ``candidates`` and ``events``."""
    runs = runs.assign(**{c: math.nan for c in runs.columns if c in KPIS}).assign(n_candidates=0)
    weekly = weekly.assign(**{s.column: 0 for s in State if s.column in weekly})
    empty = [pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
             for columns in (CANDIDATE_COLUMNS, EVENT_COLUMNS)]
    return runs, weekly, *empty


def fake_sweep(root: Path, users: bool = True, **kw) -> Path:
    """A sweep folder as the collector leaves it: the tables, meta.json per run, multirun.yaml;
    ``users=False``: runs that had no users (:func:`without_users`)."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    runs = fake_runs(**kw)
    weekly, candidates, events = fake_weekly(runs), fake_candidates(runs), None
    if not users:
        runs, weekly, candidates, events = without_users(runs, weekly)
        events.to_parquet(root / "events.parquet")
    runs.to_parquet(root / "runs.parquet")
    weekly.to_parquet(root / "weekly.parquet")
    candidates.to_parquet(root / "candidates.parquet")
    for r in runs.itertuples():
        d = root / "runs" / r.config_hash
        d.mkdir(parents=True, exist_ok=True)
        meta = {"run_id": r.run_id, "config_hash": r.config_hash, "seed": r.seed, "git_commit": "abc123",
                "versions": {"python": "3.12.1", "mesa": "3.5.1"}, "wall_seconds": 0.5,
                "config": {"seed": r.seed, "horizon_weeks": int(runs.loc[r.Index, "cfg.horizon_weeks"]),
                           "office": {"caseload_ordinary": int(runs.loc[r.Index, "cfg.office.caseload_ordinary"]),
                                      "hybrid_slots": int(runs.loc[r.Index, "cfg.office.hybrid_slots"])},
                           "policy": {"name": r.policy}},
                "overrides": [f"policy={r.policy}", f"seed={r.seed}"]}
        (d / "meta.json").write_text(json.dumps(meta))
        (d / "_COMPLETE").write_text("")
    (root / "multirun.yaml").write_text("hydra:\n  overrides:\n    task:\n    - policy=a,b\n  sweeper:\n"
                                        "    params:\n      seed: range(1,5)\n")
    return root


# --- fixtures ----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def runs():
    return fake_runs()


@pytest.fixture(scope="module")
def weekly(runs):
    return fake_weekly(runs)


@pytest.fixture(scope="module")
def candidates(runs):
    return fake_candidates(runs)


@pytest.fixture(scope="module")
def lever_runs():
    return fake_runs(policies=("hybrid", "brobygger"), seeds=(1, 2, 3), caseloads=(50, 70, 90), slots=(1, 3))


def _errorbars(ax) -> list[ErrorbarContainer]:
    return [c for c in ax.containers if isinstance(c, ErrorbarContainer)]


def _bands(ax) -> list[PolyCollection]:
    return [c for c in ax.collections if isinstance(c, PolyCollection)]


def _drawn_colours(ax) -> list[str]:
    from matplotlib.colors import to_hex
    return [to_hex(line.get_color()) for line in ax.get_lines() if not line.get_label().startswith("_")]


def _assert_saves(fig: Figure, tmp_path: Path, name: str) -> None:
    png, svg = C.save_figure(fig, tmp_path / name, dpi=50)
    assert png.exists() and svg.exists()
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 2000
    assert svg.read_text().lstrip().startswith("<?xml") and "<svg" in svg.read_text()[:2000]


# --- palette and saving ------------------------------------------------------------------------------

def test_palette_gives_every_policy_of_a_chart_its_own_colour():
    # two new policies whose names once hashed to the same spare colour
    six = ("saksbehandler", "hybrid", "jobbspesialist", "brobygger", "youth", "ipsplus")
    runs = fake_runs(policies=six, seeds=(1, 2))
    colours = C.policy_colours(runs["policy"])
    assert list(colours) == order_policies(six) and len(set(colours.values())) == 6
    assert {p: colours[p] for p in C.POLICY_COLOURS} == C.POLICY_COLOURS   # the known four keep Okabe-Ito's
    assert [colours["ipsplus"], colours["youth"]] == list(C.SPARE_COLOURS[:2])   # spares in display order
    assert C.policy_colour("youth", six) == colours["youth"]
    fig = C.employment_over_time(fake_weekly(runs), runs)
    assert _drawn_colours(fig.axes[0]) == [colours[p].lower() for p in order_policies(six)]
    most = [*six, "zeta"]
    assert len(set(C.policy_colours(most).values())) == len(C.POLICY_COLOURS) + len(C.SPARE_COLOURS) == 7
    assert not set(C.ACTIVITY_COLOURS.values()) & (set(C.POLICY_COLOURS.values()) | set(C.SPARE_COLOURS))


def test_save_figure_writes_png_and_svg_whatever_the_suffix(tmp_path):
    fig = Figure()
    fig.subplots().plot([0, 1], [0, 1])
    png, svg = C.save_figure(fig, tmp_path / "sub" / "chart.png", dpi=30)
    assert (png.name, svg.name) == ("chart.png", "chart.svg")
    assert png.exists() and svg.exists()


# --- 1 -------------------------------------------------------------------------------------------

def test_policy_comparison(runs, tmp_path):
    fig = C.policy_comparison(runs)
    ax, ax_diff = fig.axes
    kpis = headline_outcomes(runs)
    assert "employed_share_w104" not in kpis and "employed_share_w52" in kpis   # horizon 52: w104 has no data
    assert [t.get_text().replace("\n", " ") for t in ax.get_xticklabels()] == [kpi(k).label for k in kpis]
    assert "%" in ax.get_ylabel() and "percentage points" in ax_diff.get_ylabel()
    assert len(_errorbars(ax)) == len(POLICIES)             # one series per policy, with whiskers
    assert len(_errorbars(ax_diff)) == len(POLICIES) - 1    # every policy but the baseline
    for eb in _errorbars(ax):
        segs = eb.lines[2][0].get_segments()
        assert len(segs) == len(kpis) and any(abs(s[1][1] - s[0][1]) > 0 for s in segs)
    from matplotlib.colors import to_hex
    assert [to_hex(eb.lines[0].get_color()) for eb in _errorbars(ax)] == [C.policy_colour(p).lower() for p in POLICIES]
    pd.testing.assert_frame_equal(fig.inclusim_data["summary"], summarise(runs, kpis, by="policy"))
    pd.testing.assert_frame_equal(fig.inclusim_data["differences"],
                                  paired_differences(runs, kpis, baseline="saksbehandler"))
    _assert_saves(fig, tmp_path, "outcomes")


def test_policy_comparison_without_baseline_draws_one_panel():
    fig = C.policy_comparison(fake_runs(policies=("hybrid", "brobygger"), seeds=(1, 2)))
    assert len(fig.axes) == 1 and len(_errorbars(fig.axes[0])) == 2


# --- 2 -------------------------------------------------------------------------------------------

def test_employment_share_counts_every_state_present():
    weekly = pd.DataFrame([{"run_id": "r", "week": 1, **{s.column: 1 for s in State}}])
    runs = pd.DataFrame({"run_id": ["r"], "policy": ["hybrid"], "seed": [1]})
    share = C.employment_by_week(weekly, runs)["employed_share"].iloc[0]
    assert share == pytest.approx(len(EMPLOYED_STATES) / len(State))   # employed, post-hire, retained of all


def test_employment_over_time(runs, weekly, tmp_path):
    fig = C.employment_over_time(weekly, runs)
    (ax,) = fig.axes
    assert ax.get_xlabel() == "Week of the simulation" and "%" in ax.get_ylabel()
    assert [t.get_text() for t in ax.get_legend().get_texts()] == list(POLICIES)
    assert _drawn_colours(ax) == [C.policy_colour(p).lower() for p in POLICIES]   # the palette, in every chart
    assert len(_bands(ax)) == len(POLICIES)
    band = fig.inclusim_data["band"]
    assert (band["high"] >= band["low"]).all() and (band["high"] > band["low"]).any()
    assert len(band) == len(POLICIES) * int(runs["cfg.horizon_weeks"].iloc[0])
    pd.testing.assert_frame_equal(band, summarise(fig.inclusim_data["per_run"], ["employed_share"],
                                                  by=["policy", "week"]))
    _assert_saves(fig, tmp_path, "employment")


# --- 3 -------------------------------------------------------------------------------------------

def _km_by_steps(durations, observed, grid):
    """The Kaplan-Meier curve step by step, as the charts computed it before scipy did."""
    d, e = np.asarray(durations, dtype=float), np.asarray(observed, dtype=bool)
    times = np.unique(d[e])
    surv, s = np.ones(len(times)), 1.0
    for i, t in enumerate(times):
        s *= 1.0 - np.count_nonzero((d == t) & e) / np.count_nonzero(d >= t)
        surv[i] = s
    idx = np.searchsorted(times, grid, side="right") - 1
    return np.where(idx >= 0, surv[np.clip(idx, 0, None)], 1.0)


def test_km_survival_and_its_median_by_hand():
    # durations 1, 2, 2 (censored), 3: S(1) = 3/4, S(2) = 3/4 * (1 - 1/3) = 1/2, S(3) = 0
    grid = [0, 1, 2, 3, 4]
    curve = km_survival([1, 2, 2, 3], [True, True, False, True], grid)
    assert curve == pytest.approx([1.0, 0.75, 0.5, 0.0, 0.0])
    assert first_time_at_or_below(grid, curve) == 2.0   # the median
    # 4 users, 1 hired at week 5, the others censored at 8, 9, 9: the curve stays at 3/4, no median
    curve = km_survival([5, 8, 9, 9], [True, False, False, False], [4, 5, 20])
    assert curve == pytest.approx([1.0, 0.75, 0.75]) and math.isnan(first_time_at_or_below([4, 5, 20], curve))
    assert np.isnan(km_survival([], [], [0, 1])).all()


def test_km_survival_agrees_with_the_step_by_step_estimate():
    rng = np.random.default_rng(7)
    grid = np.arange(0, 60)
    for _ in range(20):
        durations = rng.integers(0, 50, size=int(rng.integers(1, 80)))
        observed = rng.random(len(durations)) < 0.6
        assert km_survival(durations, observed, grid) == pytest.approx(_km_by_steps(durations, observed, grid),
                                                                      abs=1e-12)


def test_first_job_curves_censor_at_the_horizon():
    runs = pd.DataFrame({"run_id": ["r"], "policy": ["hybrid"], "seed": [1], "cfg.horizon_weeks": [10]})
    cands = pd.DataFrame({"run_id": ["r"] * 3, "entry_week": [0, 4, 8],
                          "first_job_week": pd.array([2, None, None], dtype="Int64")})
    curve = C.first_job_curves(cands, runs).set_index("weeks")["without_job"]
    assert curve.loc[1] == 1.0 and curve.loc[2] == pytest.approx(2 / 3) and curve.loc[10] == pytest.approx(2 / 3)


def test_time_to_first_job(runs, candidates, tmp_path):
    fig = C.time_to_first_job(candidates, runs)
    (ax,) = fig.axes
    assert "first job" in ax.get_ylabel() and "Weeks" in ax.get_xlabel()
    assert [t.get_text() for t in ax.get_legend().get_texts()] == list(POLICIES)
    assert len(_bands(ax)) == len(POLICIES)
    band = fig.inclusim_data["band"]
    assert band["mean"].between(0, 1).all()
    first = band.sort_values("weeks").groupby("policy")["mean"]
    assert (first.apply(lambda s: (np.diff(s.to_numpy()) <= 1e-12).all())).all()   # curves never rise
    _assert_saves(fig, tmp_path, "first_job")


# --- 4 -------------------------------------------------------------------------------------------

def test_adviser_hours(runs, weekly, tmp_path):
    fig = C.adviser_hours(runs, weekly)
    a, b, c = fig.axes
    for ax in (a, b):
        assert [t.get_text() for t in ax.get_xticklabels()] == list(POLICIES)
        assert len([x for x in ax.containers if isinstance(x, BarContainer)]) == len(ACTS)   # one stack per activity
        assert len(_errorbars(ax)) == 1                                                     # the totals' intervals
    assert "per user" in a.get_title() and "employed" in b.get_title()
    assert "hours" in a.get_ylabel().lower()
    by_role = fig.inclusim_data["by_role"]
    # saksbehandler office: saksbehandler + job specialists; hybrid offices: hybrid + job specialists
    assert len(c.get_xticks()) == 2 * len(POLICIES)
    assert len(_errorbars(c)) == 1
    assert any(abs(line.get_ydata()[0] - 37.5) < 1e-9 for line in c.get_lines())           # the weekly hours
    tot = by_role[(by_role["kpi"] == "total") & (by_role["role"] == "saksbehandler")]["mean"].iloc[0]
    assert tot == pytest.approx((300 + 5 * (2 + 3 + 4 + 5 + 6)) / 12)
    per_cand = fig.inclusim_data["per_candidate"]
    assert set(per_cand["kpi"]) == {f"hours_per_candidate_{x}" for x in ACTS} | {"hours_per_candidate"}
    _assert_saves(fig, tmp_path, "hours")


def test_adviser_hours_without_weekly_has_two_panels(runs):
    assert len(C.adviser_hours(runs).axes) == 2


# --- 5 -------------------------------------------------------------------------------------------

def test_caseload_tradeoff(lever_runs, tmp_path):
    fixed = {"cfg.office.hybrid_slots": 1}
    fig = C.caseload_tradeoff(lever_runs, "cfg.office.caseload_ordinary", fixed=fixed)
    out_ax, load_ax = fig.axes
    for ax in fig.axes:
        assert ax.get_xlabel() == lever_label("cfg.office.caseload_ordinary")
        assert list(ax.get_xticks()) == [50, 70, 90]
        assert len(_errorbars(ax)) == 2 and len(_bands(ax)) >= 2
    assert "week 52" in out_ax.get_title() and "%" in out_ax.get_ylabel()   # horizon 52: last checkpoint w52
    assert "workload" in load_ax.get_ylabel().lower()
    over = fig.inclusim_data["over_budget"].set_index("policy")["cfg.office.caseload_ordinary"]
    # pressure = caseload / 70 * 1.03 * (0.9 + 0.02 seed): about 0.69, 0.97, 1.24 -> over budget first at 90
    assert over.to_dict() == {"hybrid": 90, "brobygger": 90}
    crossing = fig.inclusim_data["crossing"].set_index("policy")["cfg.office.caseload_ordinary"]
    assert all(70 < value < 90 for value in crossing)          # marked where the line crosses, between 70 and 90
    marks = [line for line in load_ax.get_lines() if line.get_label() == "_over budget from here"]
    assert sorted(float(line.get_xdata()[0]) for line in marks) == sorted(crossing.tolist())
    load = fig.inclusim_data["load"]
    assert set(load["cfg.office.caseload_ordinary"]) == {50, 70, 90} and (load["n"] == 3).all()
    assert any(line.get_ydata()[0] == 1.0 for line in load_ax.get_lines())   # the budget line
    _assert_saves(fig, tmp_path, "tradeoff")


def test_over_budget_points_none_when_never_over():
    tab = pd.DataFrame({"policy": ["a", "a"], "x": [1, 2], "mean": [0.5, 0.9]})
    assert C.over_budget_points(tab, "x") == {"a": None}


def test_the_over_budget_point_is_where_the_load_crosses_the_line_not_the_next_swept_value():
    """Issue 27: the mark sat on the first swept value over budget (90) though the load crossed 1 at 71."""
    from analysis.charts.data import over_budget_crossings

    tab = pd.DataFrame({"policy": ["a"] * 3 + ["b"] * 2 + ["c"] * 2, "x": [50, 70, 90, 50, 70, 50, 70],
                        "mean": [0.69, 0.97, 1.24, 1.2, 1.5, 0.5, 0.9]})
    crossing = over_budget_crossings(tab, "x")
    assert crossing["a"] == pytest.approx(70 + (1.0 - 0.97) / (1.24 - 0.97) * 20)      # about 72.2
    assert crossing["b"] == 50 and crossing["c"] is None        # over from the first value; never over


def test_caseholder_pressure_picks_the_role_with_the_caseloads():
    runs = pd.DataFrame({"adviser_pressure_saksbehandler": [1.2, math.nan], "adviser_pressure_hybrid": [math.nan, 0.8],
                         "adviser_hours_saksbehandler": [100.0, 0.0], "adviser_hours_hybrid": [0.0, 90.0]})
    assert caseholder_pressure(runs).tolist() == [1.2, 0.8]


# --- 6 -------------------------------------------------------------------------------------------

def test_pathway_occupancy(runs, weekly, tmp_path):
    fig = C.pathway_occupancy(weekly, runs, band_every=6)
    panels = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title() for ax in panels] == list(POLICIES)
    groups = len(STATE_GROUPS)
    for ax in panels:
        # the stacked areas (one per group) plus a band along each inner boundary
        assert len(_bands(ax)) == groups + groups - 1
    assert "Users" in panels[0].get_ylabel() and panels[-1].get_xlabel() == "Week of the simulation"
    mean = fig.inclusim_data["mean"]
    top = mean[[key for key, _states in STATE_GROUPS]].sum(axis=1)
    assert top.to_numpy() == pytest.approx(100 + mean["week"].to_numpy())   # every user is somewhere
    _assert_saves(fig, tmp_path, "pathway")


# --- 7 -------------------------------------------------------------------------------------------

def test_lever_heatmap(lever_runs, tmp_path):
    fig = C.lever_heatmap(lever_runs, "employed_share_w52", "cfg.office.caseload_ordinary", "cfg.office.hybrid_slots")
    panels = [ax for ax in fig.axes if ax.get_images()]
    assert [ax.get_title() for ax in panels] == ["hybrid", "brobygger"]
    for ax in panels:
        (img,) = ax.get_images()
        assert isinstance(img, AxesImage) and img.get_array().shape == (2, 3)
        labels = [t.get_text() for t in ax.texts]
        assert len(labels) == 6 and all("±" in t and "%" in t for t in labels)   # mean and interval width
        assert ax.get_xlabel() == lever_label("cfg.office.caseload_ordinary")
        assert ax.get_ylabel() == lever_label("cfg.office.hybrid_slots")
    cells = fig.inclusim_data["cells"]
    assert len(cells) == 12 and (cells["half_width"] >= 0).all()
    first = cells.iloc[0]
    txt = panels[0].texts[0].get_text()   # cell (row 0, col 0) = slots 1, caseload 50
    row = cells[(cells["policy"] == "hybrid") & (cells["cfg.office.caseload_ordinary"] == 50)
                & (cells["cfg.office.hybrid_slots"] == 1)].iloc[0]
    assert txt.startswith(f"{100 * row['mean']:.1f} %") and first["n"] == 3
    assert len(fig.axes) == len(panels) + 1   # and a colour bar
    _assert_saves(fig, tmp_path, "heatmap")


# --- 8 -------------------------------------------------------------------------------------------

def test_mentor_and_subsidy(runs, tmp_path):
    fig = C.mentor_and_subsidy(runs)
    axes = fig.axes
    assert len(axes) == 3
    assert "NOK" in axes[2].get_ylabel() and "Mentor hours" in axes[0].get_ylabel()
    for ax in axes:
        assert [t.get_text() for t in ax.get_xticklabels()] == list(POLICIES)
        assert len(_errorbars(ax)) >= 1
    assert len(_errorbars(axes[0])) == 2   # total hours and the subsidised hours
    s = fig.inclusim_data["summary"]
    per_emp = s[(s["kpi"] == "subsidy_cost_per_employment") & (s["policy"] == "hybrid")]["mean"].iloc[0]
    assert per_emp == pytest.approx(runs[runs["policy"] == "hybrid"]["subsidy_cost_per_employment"].mean())
    parts = s[s["kpi"].isin(["mentor_subsidy_per_employment", "wage_subsidy_per_employment"])
              & (s["policy"] == "hybrid")]["mean"].sum()
    assert parts == pytest.approx(per_emp)
    bar_colours = {tuple(np.round(p.get_facecolor()[:3], 3)) for p in axes[1].patches}
    from matplotlib.colors import to_rgb
    assert tuple(np.round(to_rgb(C.policy_colour("brobygger")), 3)) in bar_colours
    _assert_saves(fig, tmp_path, "mentors")


# --- 9 -------------------------------------------------------------------------------------------

def test_ordinary_outcomes_are_the_weeks_before_the_end_the_end_and_leaving():
    end, left = "ordinary_job_by_end_share", "ordinary_left_without_job_share"
    assert ordinary_outcomes(fake_runs(seeds=(1,), horizon=156)) == [
        "ordinary_job_by_w26_share", "ordinary_job_by_w52_share", "ordinary_job_by_w104_share", end, left]
    # a job by the last week simulated is a job by the end: shown once
    assert ordinary_outcomes(fake_runs(seeds=(1,), horizon=104)) == [
        "ordinary_job_by_w26_share", "ordinary_job_by_w52_share", end, left]
    runs = fake_runs(seeds=(1,))
    assert ordinary_outcomes(runs) == ["ordinary_job_by_w26_share", end, left]
    assert ordinary_outcomes(runs.drop(columns="cfg.horizon_weeks")) == [
        "ordinary_job_by_w26_share", "ordinary_job_by_w52_share", end, left]   # no horizon known: every week present
    assert ordinary_outcomes(runs.drop(columns=[c for c in runs if c.startswith("ordinary_")])) == []


def test_ordinary_users(runs, tmp_path):
    fig = C.ordinary_users(runs)
    ax, ax_diff = fig.axes
    kpis = ordinary_outcomes(runs)
    assert [t.get_text().replace("\n", " ") for t in ax.get_xticklabels()] == [kpi_short(k) for k in kpis] == [
        "A job by week 26", "A job by the end", "Left NAV follow-up without a job"]
    assert ax.get_title() == "Users outside the target group, by policy"
    assert ax.get_ylabel() == "Share of the users on the caseloads at the start (%)"
    assert "percentage points" in ax_diff.get_ylabel() and "paired by seed" in ax_diff.get_title()
    assert len(_errorbars(ax)) == len(POLICIES) and len(_errorbars(ax_diff)) == len(POLICIES) - 1
    for eb in _errorbars(ax) + _errorbars(ax_diff):
        assert any(abs(s[1][1] - s[0][1]) > 0 for s in eb.lines[2][0].get_segments())   # whiskers drawn
    # the points drawn are the runs' means, and the differences the seed-paired ones, computed by hand
    end = kpis.index("ordinary_job_by_end_share")
    by_policy = runs.set_index(["policy", "seed"])["ordinary_job_by_end_share"]
    for eb, pol in zip(_errorbars(ax), POLICIES, strict=True):
        assert eb.lines[0].get_ydata()[end] == pytest.approx(by_policy[pol].mean())
    for eb, pol in zip(_errorbars(ax_diff), POLICIES[1:], strict=True):
        paired = (by_policy[pol] - by_policy["saksbehandler"]).mean()
        assert eb.lines[0].get_ydata()[end] == pytest.approx(100 * paired) and paired < 0
    pd.testing.assert_frame_equal(fig.inclusim_data["summary"], summarise(runs, kpis, by="policy"))
    pd.testing.assert_frame_equal(fig.inclusim_data["differences"],
                                  paired_differences(runs, kpis, baseline="saksbehandler"))
    assert "on the caseloads at the start of the run." in " ".join(fig.texts[-1].get_text().split())   # the note
    _assert_saves(fig, tmp_path, "ordinary")


def test_policy_comparison_keeps_its_titles_unless_given_others(runs):
    fig = C.policy_comparison(runs, title="A title", ylabel="A label (%)", note="One more sentence.")
    assert (fig.axes[0].get_title(), fig.axes[0].get_ylabel()) == ("A title", "A label (%)")
    assert " ".join(fig.texts[-1].get_text().split()).endswith("same seed. One more sentence.")
    assert C.policy_comparison(runs).axes[0].get_title() == "Outcomes by policy"


def test_caseload_tradeoff_of_the_users_outside_the_target_group(lever_runs):
    lever, outcome = "cfg.office.caseload_ordinary", "ordinary_job_by_end_share"
    fig = C.caseload_tradeoff(lever_runs, lever, outcome=outcome, fixed={"cfg.office.hybrid_slots": 1})
    out_ax, _load_ax = fig.axes
    assert out_ax.get_title() == kpi_label(outcome) and "%" in out_ax.get_ylabel()
    drawn = fig.inclusim_data["outcome"].set_index(["policy", lever])["mean"]
    held = lever_runs[lever_runs["cfg.office.hybrid_slots"] == 1]
    assert drawn.to_dict() == pytest.approx(held.groupby(["policy", lever])[outcome].mean().to_dict())
    assert drawn["hybrid"].is_monotonic_decreasing   # a larger caseload: less casework done per user


# --- one replication, and runs without users -----------------------------------------------------

def _every_chart(runs, weekly, candidates, lever_runs) -> dict[str, Figure]:
    """Every chart, drawn with warnings as errors."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return {"outcomes": C.policy_comparison(runs), "ordinary": C.ordinary_users(runs),
                "employment": C.employment_over_time(weekly, runs),
                "first_job": C.time_to_first_job(candidates, runs), "hours": C.adviser_hours(runs, weekly),
                "pathway": C.pathway_occupancy(weekly, runs), "mentors": C.mentor_and_subsidy(runs),
                "tradeoff": C.caseload_tradeoff(lever_runs, "cfg.office.caseload_ordinary",
                                                fixed={"cfg.office.hybrid_slots": 1}),
                "heatmap": C.lever_heatmap(lever_runs, "employed_share_w52", "cfg.office.caseload_ordinary",
                                           "cfg.office.hybrid_slots")}


def test_one_replication_draws_the_means_and_no_interval(tmp_path):
    runs = fake_runs(seeds=(1,))
    lever_runs = fake_runs(policies=("hybrid", "brobygger"), seeds=(1,), caseloads=(50, 90), slots=(1, 3))
    figs = _every_chart(runs, fake_weekly(runs), fake_candidates(runs), lever_runs)
    for name, fig in figs.items():
        for frame in fig.inclusim_data.values():
            if "low" in frame:
                assert frame["low"].isna().all() and frame["high"].isna().all(), name   # n/a, not zero width
        _assert_saves(fig, tmp_path, name)
    ax, ax_diff = figs["outcomes"].axes
    for eb in _errorbars(ax) + _errorbars(ax_diff):
        assert np.isfinite(np.asarray(eb.lines[0].get_ydata(), dtype=float)).all()         # the means are drawn
        assert all(abs(s[1][1] - s[0][1]) == 0 for s in eb.lines[2][0].get_segments())      # no whiskers
    for name in ("employment", "first_job", "tradeoff"):
        assert all(not _bands(ax) for ax in figs[name].axes), name                          # no bands ...
    for name in ("employment", "first_job"):
        assert len(_drawn_colours(figs[name].axes[0])) == len(POLICIES), name               # ... but the lines
    assert [len(_errorbars(ax)) for ax in figs["tradeoff"].axes] == [2, 2]
    cells = [t.get_text() for ax in figs["heatmap"].axes for t in ax.texts]
    assert cells and all(t.endswith("no interval") for t in cells)


def test_charts_of_runs_without_users_draw_without_warnings(tmp_path):
    runs, weekly, candidates, _events = without_users(fake_runs(seeds=(1, 2)), fake_weekly(fake_runs(seeds=(1, 2))))
    lever_runs, _, _, _ = without_users(fake_runs(policies=("hybrid",), seeds=(1, 2), caseloads=(50, 90),
                                                  slots=(1, 3)), pd.DataFrame())
    for name, fig in _every_chart(runs, weekly, candidates, lever_runs).items():
        _assert_saves(fig, tmp_path, name)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = C.employment_over_time(weekly.iloc[:0], runs)
    assert fig.inclusim_data["band"].empty and fig.axes[0].get_legend() is None


def test_the_hours_by_role_show_the_work_asked_above_the_hours_booked(runs, weekly):
    """Issue 27: booked hours stop at the weekly hours, so an overloaded office read '38 t' like any
    other. The work asked and not done (the ledger's unmet hours) now stands on top, hatched."""
    from domain.schema import unmet_column
    from domain.terms import Activity

    asked = weekly.copy()
    asked[unmet_column("saksbehandler", Activity.ADMIN)] = 24.0       # 12 advisers, 2 hours each a week
    fig = C.adviser_hours(runs, asked)
    by_role = fig.inclusim_data["by_role"]
    unmet = by_role[(by_role["kpi"] == "unmet") & (by_role["role"] == "saksbehandler")]["mean"]
    assert len(unmet) and unmet.iloc[0] == pytest.approx(2.0)
    panel = fig.axes[2]
    hatched = [bar for bar in panel.patches if bar.get_hatch() == "///"]
    assert hatched and all(bar.get_y() > 30 for bar in hatched)          # on top of the booked hours
    assert "not done" in " ".join(t.get_text() for legend in fig.legends for t in legend.get_texts())
    no_unmet = C.adviser_hours(runs, weekly)
    assert not [bar for bar in no_unmet.axes[2].patches if bar.get_hatch() == "///"]
