"""The HTML report of a sweep: its tables hold exactly what the statistics functions return, the
charts that a sweep's design allows are drawn (the others are skipped with a note), and the
figures and CSV tables are written beside a self-contained HTML file."""

from __future__ import annotations

import html
import dataclasses
import importlib.util
import os
import re
import stat
import warnings
from pathlib import Path

import pandas as pd
import pytest
from markupsafe import escape

from analysis import charts as C
from analysis import report as R
from analysis.formatting import format_kpi, format_kpi_difference
from analysis.report import render as render_module
from analysis.derived_kpis import with_derived_kpis
from analysis.stats import paired_differences, summarise
from domain.schema import DIFFERENCE_KPIS, SUMMARY_KPIS


def _fabricate():
    """The fabricated-sweep helpers of test_charts.py, loaded by path (no package needed)."""
    spec = importlib.util.spec_from_file_location("_inclusim_fabricate", Path(__file__).with_name("test_charts.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


FAB = _fabricate()


def _quick_save(fig, path, dpi=150):
    """Stand-in for ``charts.save_figure`` where the pixels do not matter (tables, file layout):
    drawing is most of a report's build time, and the charts' own tests draw every chart."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    png, svg = path.with_name(path.name + ".png"), path.with_name(path.name + ".svg")
    png.write_bytes(TINY_PNG)
    svg.write_text("<?xml version='1.0'?><svg xmlns='http://www.w3.org/2000/svg' width='1' height='1'/>")
    return png, svg


TINY_PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                         "1f15c4890000000d49444154789c63f8ffff3f0005fe02fea7d6a4b00000000049454e44ae426082")


_SHARED: dict = {}


def main_report(tmp_path_factory) -> tuple[Path, R.Report, Path]:
    """A policies x seeds sweep (no lever) and its report, in memory and written to ``sweep/report``.

    Built once per test session: test_report_browser.py opens the same report in Chromium."""
    if "main" not in _SHARED:
        sweep = FAB.fake_sweep(tmp_path_factory.mktemp("sweep") / "policy_compare")
        rep = R.make_report(sweep)
        _SHARED["main"] = (sweep, rep, R.write_report(rep, sweep / "report", dpi=60))
    return _SHARED["main"]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return main_report(tmp_path_factory)


@pytest.fixture(scope="module")
def built_levers(tmp_path_factory):
    """A sweep over two levers, without the usual baseline."""
    sweep = FAB.fake_sweep(tmp_path_factory.mktemp("sweep") / "levers", policies=("hybrid", "brobygger"),
                           seeds=(1, 2, 3), caseloads=(50, 90), slots=(1, 4))
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(C, "save_figure", _quick_save)
        return sweep, R.write_report(R.make_report(sweep), sweep / "report")


def _runs(sweep: Path) -> pd.DataFrame:
    return with_derived_kpis(pd.read_parquet(sweep / "runs.parquet"))


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


# --- the numbers ---------------------------------------------------------------------------------

def test_summary_table_is_what_summarise_returns(built):
    sweep, rep, _ = built
    runs = _runs(sweep)
    kpis = [k for k in SUMMARY_KPIS if k in runs and runs[k].notna().any()]
    expected = summarise(runs, kpis, by=["policy"])
    got = rep.tables["summary"]
    pd.testing.assert_frame_equal(got[list(expected.columns)], expected, check_exact=True)
    assert (got["sets"] == 0).all() and got["set_low"].isna().all()   # no ensemble in this sweep


def test_differences_table_is_what_paired_differences_returns(built):
    sweep, rep, _ = built
    runs = _runs(sweep)
    kpis = [k for k in DIFFERENCE_KPIS if k in runs and runs[k].notna().any()]
    expected = paired_differences(runs, kpis, baseline="saksbehandler")
    pd.testing.assert_frame_equal(rep.tables["differences"][list(expected.columns)], expected, check_exact=True)
    # the seed effect is shared by every policy, so pairing by seed removes it: hybrid's lead is exact
    row = expected[(expected["policy"] == "hybrid") & (expected["kpi"] == "dropout_share")].iloc[0]
    assert row["pairs"] == 4 and row["low"] <= row["difference"] <= row["high"]


def test_every_rendered_cell_is_in_the_html_and_comes_from_the_numbers(built):
    _, rep, html_path = built
    page = _text(html_path)
    s = rep.tables["summary"]
    for r in s.itertuples():
        cell = format_kpi(r.kpi, r.mean, r.low, r.high)
        assert cell in rep.rendered["summary"][r.policy].tolist()
        assert cell in page
    d = rep.tables["differences"]
    shown = rep.rendered["differences"]["Difference (90 % interval)"].tolist()
    assert shown == [format_kpi_difference(r.kpi, r.difference, r.low, r.high) for r in d.itertuples()]
    for cell in shown:
        assert cell in page


def test_csv_tables_hold_the_numbers_at_full_precision(built):
    sweep, rep, _ = built
    for name in ("summary", "differences"):
        back = pd.read_csv(sweep / "report" / "tables" / f"{name}.csv")
        pd.testing.assert_frame_equal(back, rep.tables[name], check_exact=True, check_dtype=False)


def test_readings_are_generated_from_the_same_numbers(built):
    _, rep, _ = built
    s = rep.tables["summary"]
    d = rep.tables["differences"]
    outcomes = next(e for e in rep.charts if e.key == "outcomes")
    hyb = s[(s["policy"] == "hybrid") & (s["kpi"] == "employed_share_w52")].iloc[0]
    diff = d[(d["policy"] == "hybrid") & (d["kpi"] == "employed_share_w52")].iloc[0]
    text = " ".join(outcomes.reading)
    assert f"hybrid reaches {100 * hyb['mean']:.1f} % ({100 * hyb['low']:.1f} to {100 * hyb['high']:.1f})" in text
    assert f"{abs(100 * diff['difference']):.1f} points" in text and "paired over 4 seeds" in text
    for e in rep.charts:
        if e.figure is not None:
            assert e.reading, f"chart {e.key} has no reading"


def test_the_reading_of_chart_9_says_each_policy_and_its_numbers(built):
    """Chart 9's reading: the baseline's share of the users outside the target group with a job by the end,
    each policy's share and its difference paired by seed, computed here from the runs."""
    sweep, rep, _ = built
    runs = _runs(sweep)
    entry = next(e for e in rep.charts if e.key == "ordinary")
    assert entry.title == "9. Users outside the target group" and entry.figure is not None
    name = "ordinary_job_by_end_share"
    s = summarise(runs, [name], by="policy").set_index(["policy", "kpi"])
    d = paired_differences(runs, [name], baseline="saksbehandler").set_index("policy")
    base, hyb, bro = (s.loc[(p, name)] for p in ("saksbehandler", "hybrid", "brobygger"))
    assert entry.reading[0] == (f"Users outside the target group: under saksbehandler, {format_kpi(name, *base[['mean', 'low', 'high']])} "
                                "of those on the caseloads at the start found a job by the end (week 52).")
    for sentence, policy, row in zip(entry.reading[1:3], ("hybrid", "brobygger"), (hyb, bro), strict=True):
        diff = d.loc[policy]
        assert diff["high"] < 0   # the fabricated runs cost them casework: a clear difference, said as one
        assert sentence == (f"{policy}: {format_kpi(name, *row[['mean', 'low', 'high']])}, "
                            f"{abs(100 * diff['difference']):.1f} points ({100 * diff['low']:+.1f} to "
                            f"{100 * diff['high']:+.1f}) fewer than saksbehandler, paired over 4 seeds.")
    assert entry.reading[3].startswith("Left NAV follow-up without a job, compared with saksbehandler: hybrid ")
    assert entry.reading[4].startswith("In the model, the weekly chance of a job") and len(entry.reading) == 5
    assert rep.tables["chart_ordinary_summary"] is entry.figure.inclusim_data["summary"]


def test_chart_9_is_not_drawn_for_runs_made_before_the_users_outside_the_target_group(tmp_path):
    sweep = FAB.fake_sweep(tmp_path / "old", policies=("saksbehandler", "hybrid"), seeds=(1, 2), caseloads=(50, 90))
    runs = pd.read_parquet(sweep / "runs.parquet")
    runs.drop(columns=[c for c in runs if c.startswith("ordinary_")]).to_parquet(sweep / "runs.parquet")
    rep = R.make_report(sweep)
    chart = {e.key: e for e in rep.charts}
    assert chart["ordinary"].skipped.startswith("Not drawn: these runs have no results for the users outside the "
                                                "target group") and chart["ordinary"].title.startswith("9. ")
    assert not any(key.startswith("ordinary_tradeoff") for key in chart)
    assert any(note.startswith("Charts 1-4, 6, 8, 9 show one setting") and "Charts 5, 7 show the levers" in note
               for note in rep.notes)


def test_chart_data_tables_are_the_figures_own(built):
    _, rep, _ = built
    outcomes = next(e for e in rep.charts if e.key == "outcomes")
    assert rep.tables["chart_outcomes_summary"] is outcomes.figure.inclusim_data["summary"]


# --- the page and the files -----------------------------------------------------------------------

def test_report_is_written_beside_its_figures_and_tables(built):
    sweep, rep, html_path = built
    assert html_path == sweep / "report" / "report.html"
    drawn = [e for e in rep.charts if e.figure is not None]
    assert {e.key for e in drawn} == {"outcomes", "employment", "first_job", "adviser_hours", "pathway",
                                      "mentors_subsidies", "ordinary"}
    for e in drawn:
        for ext in ("png", "svg"):
            assert (sweep / "report" / "figures" / f"{e.key}.{ext}").stat().st_size > 1000
    assert (sweep / "report" / "tables" / "runs_index.csv").exists()


def test_page_text_is_escaped(built):
    _, rep, html_path = built
    page = R.render_html(dataclasses.replace(rep, notes=["<script>alert('x')</script> & more"]), html_path.parent)
    assert "<script" not in page and "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; more" in page


def test_html_is_self_contained(built):
    _, rep, html_path = built
    page = _text(html_path)
    drawn = [e for e in rep.charts if e.figure is not None]
    images = re.findall(r"<img src='([^']*)'", page)
    assert len(images) == len(drawn) and all(src.startswith("data:image/png;base64,") for src in images)
    assert not re.search(r"""(src|href)=['"]https?://""", page)
    assert "<script" not in page


def test_sweep_without_levers_skips_charts_5_and_7_with_a_note(built):
    _, rep, html_path = built
    skipped = {e.key: e.skipped for e in rep.charts if e.skipped}
    assert set(skipped) == {"tradeoff", "heatmap"}
    page = _text(html_path)
    for note in skipped.values():
        assert str(escape(note)) in page


def test_provenance_and_config_are_reported(built):
    sweep, rep, html_path = built
    page = _text(html_path)
    prov = rep.provenance
    assert prov["n_runs"] == 12 and prov["n_config_hashes"] == 12 and prov["n_meta"] == 12
    assert prov["run_commits"] == {"abc123": 12}
    assert "abc123 (12 runs)" in page and "mesa 3.5.1" in page
    assert rep.design["replications"] == 4 and rep.design["policies"] == ["saksbehandler", "hybrid", "brobygger"]
    assert rep.config["varying"]["policy.name"] == ["brobygger", "hybrid", "saksbehandler"]
    for h in pd.read_parquet(sweep / "runs.parquet")["config_hash"]:
        assert h in page
    assert "policy=a,b" in page   # the sweep command from multirun.yaml


# --- sweeps with levers ---------------------------------------------------------------------------

def test_lever_sweep_draws_tradeoffs_and_heatmaps(built_levers):
    sweep, html_path = built_levers
    keys = {p.stem for p in (sweep / "report" / "figures").glob("*.png")}
    assert {"tradeoff_caseload_ordinary", "tradeoff_hybrid_slots", "heatmap", "heatmap_load"} <= keys
    assert keys >= {"outcomes", "employment", "first_job", "adviser_hours", "pathway", "mentors_subsidies", "ordinary",
                    "ordinary_tradeoff_caseload_ordinary", "ordinary_tradeoff_hybrid_slots"}
    page = _text(html_path)
    assert ("Charts 1-4, 6, 8, 9a show one setting of the swept levers" in page
            and "Charts 5, 7, 9b, 9c show the levers" in page)
    assert "9b. Users outside the target group: trade-off, users per ordinary adviser (caseload)" in page
    assert page.count("data:image/png;base64,") == len(keys)
    assert "class='skipped'" not in page
    # charts 1-4, 6, 8 are shown at the reference setting: each lever at its middle (lower-middle) value
    assert "Shown at users per ordinary adviser (caseload) = 50, close-follow-up places per hybrid adviser = 1." in page


def test_the_trade_off_of_chart_9_reads_the_users_outside_the_target_group(built_levers):
    """Chart 9b's reading: the share with a job by the end at the lowest and highest caseload, the other
    lever held at its reference value (1 close-follow-up place), computed here from the runs."""
    sweep, html_path = built_levers
    runs = _runs(sweep)
    lever, name = "cfg.office.caseload_ordinary", "ordinary_job_by_end_share"
    held = summarise(runs[runs["cfg.office.hybrid_slots"] == 1], [name], by=["policy", lever]).set_index(["policy", lever])
    low, high = (held.loc[("brobygger", value)] for value in (50, 90))
    assert low["mean"] > high["mean"]
    expected = (f"brobygger: the share of those on the caseloads at the start with a job by the end goes from "
                f"{format_kpi(name, *low[['mean', 'low', 'high']])} at users per ordinary adviser (caseload) 50 to "
                f"{format_kpi(name, *high[['mean', 'low', 'high']])} at 90")
    assert str(escape(expected)) in _text(html_path)


def test_lever_sweep_tables_split_by_setting(built_levers):
    sweep, _ = built_levers
    runs = _runs(sweep)
    levers = ["cfg.office.caseload_ordinary", "cfg.office.hybrid_slots"]
    kpis = [k for k in SUMMARY_KPIS if k in runs and runs[k].notna().any()]
    summary = pd.read_csv(sweep / "report" / "tables" / "summary.csv")
    expected = summarise(runs, kpis, by=["policy"] + levers)
    pd.testing.assert_frame_equal(summary[list(expected.columns)], expected, check_exact=True, check_dtype=False)
    diffs = pd.read_csv(sweep / "report" / "tables" / "differences.csv")
    dk = [k for k in DIFFERENCE_KPIS if k in runs and runs[k].notna().any()]
    sub = runs[(runs[levers[0]] == 90) & (runs[levers[1]] == 4)]
    expected = paired_differences(sub, dk, baseline="hybrid").reset_index(drop=True)
    got = diffs[(diffs[levers[0]] == 90) & (diffs[levers[1]] == 4)].drop(columns=levers).reset_index(drop=True)
    pd.testing.assert_frame_equal(got[list(expected.columns)], expected, check_exact=True, check_dtype=False)
    assert len(diffs) == 4 * len(dk)   # one block per lever setting


def test_missing_baseline_falls_back_with_a_note(built_levers):
    sweep, html_path = built_levers
    assert str(escape("no 'saksbehandler' runs; differences are taken from 'hybrid'")) in _text(html_path)
    diffs = pd.read_csv(sweep / "report" / "tables" / "differences.csv")
    assert set(diffs["policy"]) == {"brobygger"} and set(diffs["baseline"]) == {"hybrid"}


def test_build_report_from_runs_alone_at_one_lever_setting(tmp_path, monkeypatch):
    monkeypatch.setattr(C, "save_figure", _quick_save)
    runs = FAB.fake_runs(policies=("saksbehandler", "hybrid"), seeds=(1, 2), caseloads=(50, 70, 90))
    sweep = tmp_path / "s"
    sweep.mkdir()
    runs.to_parquet(sweep / "runs.parquet")   # runs only: the weekly and candidate charts are skipped
    path = R.build_report(sweep)
    assert path == sweep / "report" / "report.html" and path.exists()   # the default folder
    page = _text(path)
    for title in ("2. Employment week by week", "3. Time to first job", "6. Where users are on the pathway"):
        assert "<li><a href='#chart-" in page and f"{title}</a> (not drawn)" in page
    # with one lever swept, charts 1-4 show its middle value: 2 seeds at caseload 70, not all 6 runs
    shown = pd.read_csv(sweep / "report" / "tables" / "chart_outcomes_summary.csv")
    assert (shown["n"] == 2).all()
    assert (sweep / "report" / "figures" / "tradeoff_caseload_ordinary.png").exists()
    assert "cfg.* columns of runs.parquet" in page


def test_build_report_needs_a_collected_sweep(tmp_path):
    with pytest.raises(FileNotFoundError, match="collect"):
        R.build_report(tmp_path / "nothing_here")


def test_the_method_note_states_how_intervals_are_made(built):
    _, rep, html_path = built
    page = _text(html_path)
    assert "Student t interval with fewer than 20 replications, percentile bootstrap from 20" in page
    assert set(rep.tables["summary"]["method"]) == {"t"}   # 4 seeds
    interval_row = rep.rendered["summary"].set_index("Outcome (mean and 90 % interval)").loc["Interval"]
    assert set(interval_row) == {"Student t"}
    assert "class='warning'" not in page


# --- one replication: no interval, and no claim ----------------------------------------------------

@pytest.fixture(scope="module")
def built_one_seed(tmp_path_factory):
    sweep = FAB.fake_sweep(tmp_path_factory.mktemp("sweep") / "one_seed", seeds=(1,))
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(C, "save_figure", _quick_save)
        rep = R.make_report(sweep)
        return sweep, rep, R.write_report(rep, sweep / "report")


def test_one_replication_has_no_interval_and_a_warning_at_the_top(built_one_seed):
    _, rep, html_path = built_one_seed
    page = _text(html_path)
    top = page[:page.index("<nav>")]
    assert "class='warning'" in top
    assert "One replication: no interval; run more seeds, e.g. 'seed=range(1,11)'" in html.unescape(top)
    s, d = rep.tables["summary"], rep.tables["differences"]
    assert s["low"].isna().all() and s["high"].isna().all() and set(s["method"]) == {"none"}
    assert d["low"].isna().all() and d["high"].isna().all() and (d["pairs"] == 1).all()
    cells = rep.rendered["summary"].iloc[:-2, 1:].to_numpy().ravel()   # all but the replications and method rows
    assert all(cell.endswith("(n/a)") for cell in cells)
    assert all(cell.endswith("(n/a)") for cell in rep.rendered["differences"]["Difference (90 % interval)"])


def test_one_replication_readings_make_no_claim_from_an_interval(built_one_seed):
    _, rep, html_path = built_one_seed
    text = " ".join(sentence for entry in rep.charts for sentence in entry.reading)
    for claim in ("no longer overlap", "no clear difference", "more than saksbehandler", "fewer than saksbehandler",
                  "higher by", "lower by", "more than 52"):
        assert claim not in text, claim
    assert "points against saksbehandler (no interval" in text and "paired over 1 seed." in text
    assert "weeks (no interval)" in text   # the median time to a first job, without its interval
    drawn = [e for e in rep.charts if e.figure is not None]
    assert {e.key for e in drawn} == {"outcomes", "employment", "first_job", "adviser_hours", "pathway",
                                      "mentors_subsidies", "ordinary"}   # the means are still drawn


# --- runs without users: nothing to show, said so -----------------------------------------------------

@pytest.mark.parametrize("caseloads", [(70,), (50, 90)], ids=["policies", "lever"])
def test_sweep_without_users_says_there_is_nothing_to_show(tmp_path, monkeypatch, caseloads):
    monkeypatch.setattr(C, "save_figure", _quick_save)
    sweep = FAB.fake_sweep(tmp_path / "no_users", users=False, seeds=(1, 2), caseloads=caseloads)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        rep = R.make_report(sweep)
        page = _text(R.write_report(rep, sweep / "report"))
    skipped = {e.key: e.skipped for e in rep.charts}
    for key in ("outcomes", "employment", "first_job", "pathway", "mentors_subsidies"):
        assert skipped[key].startswith("Nothing to show") and "n_candidates = 0" in skipped[key], key
    if len(caseloads) > 1:
        assert skipped["tradeoff_caseload_ordinary"].startswith("Nothing to show")
        assert "ordinary_n_users = 0" in skipped["ordinary_tradeoff_caseload_ordinary"]
    assert skipped["ordinary"].startswith("Nothing to show") and "ordinary_n_users = 0" in skipped["ordinary"]
    assert skipped["adviser_hours"] is None   # the advisers' booked hours are still there to show
    assert "Nothing to show for the outcomes" in page[:page.index("<nav>")]
    assert "Nothing to show: no run has a value for these KPIs." in page
    hours = next(e for e in rep.charts if e.key == "adviser_hours")
    assert rep.rendered["summary"].empty and hours.reading and "n/a" not in " ".join(hours.reading)


# --- writing: whole or not at all, with the umask's modes ---------------------------------------------

def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".report"))


@pytest.fixture
def small_report(tmp_path, monkeypatch):
    monkeypatch.setattr(C, "save_figure", _quick_save)
    sweep = FAB.fake_sweep(tmp_path / "small", policies=("saksbehandler", "hybrid"), seeds=(1, 2))
    return sweep, R.make_report(sweep)


@pytest.mark.parametrize("step", ["figure", "page"])
def test_a_failed_write_leaves_the_old_report_as_it_was(small_report, monkeypatch, step):
    sweep, rep = small_report
    R.write_report(rep, sweep / "report")
    before = _snapshot(sweep / "report")
    saved = []

    def save_then_fail(fig, path, dpi=150):   # new figures, then the disk is full at the third
        saved.append(path)
        if len(saved) == 3:
            raise OSError(28, "No space left on device")
        png, svg = _quick_save(fig, path, dpi)
        png.write_bytes(TINY_PNG + b"new")
        return png, svg

    def page_fails(report, out_dir):
        raise OSError(28, "No space left on device")

    if step == "figure":
        monkeypatch.setattr(C, "save_figure", save_then_fail)
    else:
        monkeypatch.setattr(render_module, "render_html", page_fails)
    with pytest.raises(OSError, match="No space left"):
        R.write_report(rep, sweep / "report")
    assert _snapshot(sweep / "report") == before
    assert _leftovers(sweep) == []


def test_a_new_report_replaces_the_old_folder_whole(small_report):
    sweep, rep = small_report
    R.write_report(rep, sweep / "report")
    (sweep / "report" / "stale.csv").write_text("from an older report")
    path = R.write_report(rep, sweep / "report")
    assert path == sweep / "report" / "report.html" and not (sweep / "report" / "stale.csv").exists()
    assert _leftovers(sweep) == []
    drawn = [e for e in rep.charts if e.figure is not None]
    assert drawn and all(f.parent == sweep / "report" / "figures" and f.exists() for e in drawn for f in e.files)


@pytest.mark.parametrize(("umask", "file_mode", "folder_mode"), [(0o022, 0o644, 0o755), (0o002, 0o664, 0o775)])
def test_report_files_get_the_modes_the_umask_allows(small_report, umask, file_mode, folder_mode):
    sweep, rep = small_report
    old = os.umask(umask)
    try:
        R.write_report(rep, sweep / "report")
    finally:
        os.umask(old)
    report = sweep / "report"
    assert stat.S_IMODE(report.stat().st_mode) == folder_mode
    for p in report.rglob("*"):
        assert stat.S_IMODE(p.stat().st_mode) == (folder_mode if p.is_dir() else file_mode), p


def _figure_bytes(report: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((report / "figures").iterdir()) if p.suffix == ".png"}


def test_the_report_has_a_workbook_with_numbers_and_the_settings(built):
    """Issue 27: the report's tables for a spreadsheet: numbers as numbers (shares in per cent), each KPI
    named with its unit, and the settings and versions on a sheet of their own."""
    from openpyxl import load_workbook

    _sweep, report, html_path = built
    book = load_workbook(html_path.parent / "tables.xlsx")
    summary, differences, settings = book.worksheets
    header = [cell.value for cell in summary[1]]
    rows = [dict(zip(header, (cell.value for cell in row), strict=True)) for row in summary.iter_rows(min_row=2)]
    ever = [row for row in rows if row["kpi"] == "ever_employed_share"]
    expected = summarise(_runs(_sweep), ["ever_employed_share"])
    assert len(ever) == len(expected)
    for row in ever:
        mean = float(expected.loc[expected["policy"] == row["Policy"], "mean"].iloc[0])
        assert isinstance(row["mean"], float) and row["mean"] == pytest.approx(100 * mean)
        assert row["Unit"] == "%" and row["low"] <= row["mean"] <= row["high"]
    assert differences.max_row == len(report.tables["differences"]) + 1
    names = [row[0].value for row in settings.iter_rows(min_row=2)]
    assert "policy.name" in names and "report_commit" in names


def test_a_comparison_at_unequal_staff_is_said_to_be_not_like_for_like():
    """Issue 26: policies compared with different positions in all get a warning that names them."""
    import pandas as pd

    from analysis.report.readings import unequal_staff

    runs = pd.DataFrame({"policy": ["saksbehandler", "hybrid"] * 2, "seed": [1, 1, 2, 2], "lever": [1, 1, 2, 2],
                         "positions_saksbehandler": [15.0, 10.0, 15.0, 9.0], "positions_hybrid": [0.0, 5.0, 0.0, 3.0],
                         "positions_jobbspesialist": [0.0, 0.0, 0.0, 3.0]})
    assert unequal_staff(runs, ["lever"]) == [] == unequal_staff(runs.iloc[:2], [])     # 15 positions each time
    runs.loc[3, "positions_jobbspesialist"] = 5.0
    (warning,) = unequal_staff(runs, ["lever"])
    assert "not like for like" in warning and "hybrid 16.0" in warning and "saksbehandler 15.0" in warning
