"""What the dashboard shows and gives to download: the sweep page charts what its table shows (the best
parameter set of an ensemble sweep); the table to download holds numbers a spreadsheet reads."""

from __future__ import annotations

import pandas as pd

from analysis.stats import PARAMETER_SET
from inclusim.dashboard import state


def _ensemble_runs() -> pd.DataFrame:
    """Two policies x 3 parameter sets x 4 seeds; each set far from the others in every KPI."""
    rows = []
    for policy in ("saksbehandler", "hybrid"):
        for parameter_set in range(3):
            for seed in range(1, 5):
                rows.append({"policy": policy, "seed": seed, PARAMETER_SET: parameter_set,
                             "run_id": f"{policy}-{parameter_set}-{seed}", "variant": policy,
                             "ever_employed_share": 0.2 + 0.3 * parameter_set + 0.01 * seed,
                             "employed_share_w156": 0.1 + 0.2 * parameter_set + 0.01 * seed})
    return pd.DataFrame(rows)


def test_an_ensemble_sweeps_chart_reads_the_best_set_as_its_table_does(monkeypatch):
    from inclusim.dashboard import sweep_page

    runs = _ensemble_runs()
    charted: list[pd.DataFrame] = []
    monkeypatch.setattr(sweep_page, "policy_comparison", lambda r: charted.append(r) or "figure")
    assert sweep_page._chart(runs, [], "", "employed_share_w156", "en") == "figure"
    assert set(charted[0][PARAMETER_SET]) == {0} and len(charted[0]) == 8
    shown = {}
    before = state.lang.value
    try:
        for lang in ("en", "nb"):
            state.lang.set(lang)
            shown[lang] = sweep_page._what_is_shown(runs, [])
    finally:
        state.lang.set(before)
    assert shown["en"][0] == "24 runs; no lever varied besides the policy"
    assert "3 parameter sets of the calibrated ensemble: the chart and the table show the best set" in shown["en"][1]
    assert "8 runs" in shown["en"][1]
    assert shown["nb"][0] == "24 kjøringer; ingen parameter variert utenom arbeidsmåten"
    assert "3 parametersett" in shown["nb"][1] and "8 kjøringer" in shown["nb"][1]


def test_a_sweep_without_an_ensemble_is_charted_whole(monkeypatch):
    from inclusim.dashboard import sweep_page

    runs = _ensemble_runs()
    runs = runs[runs[PARAMETER_SET] == 1]
    charted: list[pd.DataFrame] = []
    monkeypatch.setattr(sweep_page, "policy_comparison", lambda r: charted.append(r) or "figure")
    sweep_page._chart(runs, [], "", "employed_share_w156", "en")
    assert len(charted[0]) == len(runs) == 8
    assert len(sweep_page._what_is_shown(runs, ["office.caseload_ordinary"])) == 1


def test_the_table_to_download_has_numbers_a_norwegian_spreadsheet_reads_and_the_settings_that_differ():
    """Issue 27: the CSV held formatted text ('47,7 (45,5-50,0)') separated by commas, so a Norwegian
    spreadsheet read text, and it did not say what was compared. Now: numbers (';' and ',' in bokmål),
    mean, low and high per setting and for the difference, and the settings that differ."""
    import csv
    import io

    from analysis.i18n import language
    from conftest import small_config
    from domain.params import merge
    from inclusim.dashboard.runner import VARIANT, Outcome
    from inclusim.dashboard.state import CHOICE, TODAY
    from inclusim.dashboard.views import result_csv
    from sim.tables import run_model

    frames = []
    for label, caseload in ((TODAY, 40), (CHOICE, 30)):
        for seed in (1, 2, 3):
            cfg = merge(small_config(horizon_weeks=26, seed=seed), {"office": {"caseload_ordinary": caseload}})
            frames.append(run_model(cfg).runs.assign(**{VARIANT: label}))
    outcome = Outcome(pd.concat(frames, ignore_index=True), pd.DataFrame({"run_id": []}), [TODAY, CHOICE])
    with language("nb"):
        text = result_csv(outcome, TODAY, {TODAY: "I dag", CHOICE: "Ditt valg"}, "nb")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    header, body = rows[0], rows[1:]
    assert header[:3] == ["Del", "Nøkkeltall", "Enhet"] and "I dag: gjennomsnitt" in header
    assert "Forskjell: gjennomsnitt" in header
    mean = header.index("I dag: gjennomsnitt")
    ever = next(row for row in body if row[1] == "Noen gang i jobb")
    assert ever[2] == "%" and "," in ever[mean] and 0.0 < float(ever[mean].replace(",", ".")) < 100.0
    differ = [row for row in body if row[0] == "Innstillinger som er ulike"]
    assert ["office.caseload_ordinary", "40", "30"] == [differ[0][1], differ[0][3], differ[0][8]]
    with language("en"):
        english = result_csv(outcome, TODAY, {}, "en")
    first = next(csv.reader(io.StringIO(english)))
    assert first[:3] == ["Section", "Figure", "Unit"] and "Today: mean" in first


def test_the_workbook_to_download_holds_numbers_and_the_settings_on_a_sheet_of_their_own():
    import io

    from openpyxl import load_workbook

    from analysis.i18n import language
    from conftest import small_config
    from domain.params import merge
    from inclusim.dashboard.runner import VARIANT, Outcome
    from inclusim.dashboard.state import CHOICE, TODAY
    from inclusim.dashboard.views import result_xlsx
    from sim.tables import run_model

    frames = []
    for label, caseload in ((TODAY, 40), (CHOICE, 30)):
        for seed in (1, 2):
            cfg = merge(small_config(horizon_weeks=26, seed=seed), {"office": {"caseload_ordinary": caseload}})
            frames.append(run_model(cfg).runs.assign(**{VARIANT: label}))
    outcome = Outcome(pd.concat(frames, ignore_index=True), pd.DataFrame({"run_id": []}), [TODAY, CHOICE])
    with language("nb"):
        book = load_workbook(io.BytesIO(result_xlsx(outcome, TODAY, {TODAY: "I dag", CHOICE: "Ditt valg"})))
    assert book.sheetnames == ["Nøkkeltall", "Innstillinger"]
    figures, settings = book["Nøkkeltall"], book["Innstillinger"]
    header = [cell.value for cell in figures[1]]
    ever = next(row for row in figures.iter_rows(min_row=2, values_only=True) if row[1] == "Noen gang i jobb")
    assert isinstance(ever[header.index("I dag: gjennomsnitt")], float)
    assert 0.0 < ever[header.index("Ditt valg: gjennomsnitt")] < 100.0
    first = [cell.value for cell in settings[2]]
    assert first == ["office.caseload_ordinary", "ja", 40, 30]     # what differs comes first, numbers as numbers
    names = [row[0] for row in settings.iter_rows(min_row=2, values_only=True)]
    assert "model_code" in names and "seed" in names
