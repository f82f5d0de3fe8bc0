"""The report and the terminal summary in Norwegian bokmål (``lang=nb``), from one translation table.

A bokmål report of a small sweep is scanned as a reader sees it (the page's text and every SVG
figure's text) for common English words; the same scan of the English report finds them, so the test
fails when a string is left untranslated. The table is checked on its own: every entry has a bokmål
text with the fields of its English source, and every plain name the domain defines has an entry.
"""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from analysis import i18n
from analysis.i18n import current_language, fields_of, language, tr, translations
from analysis.labels import KPI_SHORT, LEVER_LABELS, LEVER_SHORT, METHOD_NAMES
from analysis.report import build_report
from analysis.report.build import COLUMN_TITLES
from analysis.summary import ENSEMBLE_HEADING, SUMMARY_HEADING_TEXT, summary_text, terminal_summary
from domain.config import config_hash
from domain.params import ConfigError
from domain.schema import KPIS
from domain.states import STATE_GROUP_NAMES
from domain.terms import ACTIVITY_NAMES, ROLE_NAMES
from test_report import FAB, _quick_save   # the fabricated-sweep helpers of test_charts.py; saving without drawing

#: English words that are not also Norwegian, as a reader would spot them (whole words, any case).
ENGLISH = ("the", "and", "of", "with", "users", "user", "employed", "week", "weeks", "hours", "adviser", "advisers",
           "policy", "policies", "share", "dropout", "interval", "difference", "differences", "seed", "seeds",
           "replications", "outcome", "outcomes", "chart", "charts", "reading", "mean", "than", "each", "every",
           "which", "where", "this", "that", "no", "not", "is", "are", "without", "between", "job", "specialist",
           "specialists", "caseload", "employer", "subsidy", "cost", "none", "yes", "setting", "lever", "levers",
           "summary", "sweep", "runs", "warning", "files", "half", "whiskers", "baseline", "paired", "work",
           "training", "follow-up", "employment", "in", "a")
#: ... as whole words, not inside a command (seed=...), a file name (runs.parquet) or a path
_WORD = re.compile(r"(?<![\w/.=-])(" + "|".join(map(re.escape, ENGLISH)) + r")(?![\w/=-]|\.\w)", re.IGNORECASE)


class _PageText(HTMLParser):
    """The text a reader sees on the page: every text node and image's alt text, except command-line
    code, file links and the cells of the tables that list settings by their config names."""

    IDENTIFIER_TABLES = ("config-table", "runs-table", "varying-table")

    def __init__(self):
        super().__init__()
        self.open: list[tuple[str, bool]] = []
        self.parts: list[str] = []
        self.in_table = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self.in_table = attrs.get("id") or ""
        if tag == "img":
            self.parts.append(attrs.get("alt") or "")
        if tag in ("img", "meta", "br", "link"):
            return
        skip = tag in ("code", "a", "style") or (tag == "td" and self.in_table in self.IDENTIFIER_TABLES)
        self.open.append((tag, skip))

    def handle_endtag(self, tag):
        if tag == "table":
            self.in_table = ""
        while self.open and self.open.pop()[0] != tag:
            pass

    def handle_data(self, data):
        if not any(skip for _tag, skip in self.open):
            self.parts.append(data)


def page_text(html: Path) -> str:
    parser = _PageText()
    parser.feed(html.read_text(encoding="utf-8"))
    return "\n".join(parser.parts)


def svg_text(svg: Path) -> str:
    """The text of a figure: its ``<text>`` elements (titles, axes, ticks, legends, notes)."""
    root = ET.parse(svg).getroot()
    return "\n".join("".join(el.itertext()) for el in root.iter() if el.tag.endswith("}text"))


def english_in(report_html: Path) -> dict[str, list[str]]:
    """Where the page and its SVG figures hold English words: {'page' or figure name: [word in context]}."""
    found: dict[str, list[str]] = {}
    texts = {"page": page_text(report_html)}
    texts |= {svg.name: svg_text(svg) for svg in sorted((report_html.parent / "figures").glob("*.svg"))}
    for name, text in texts.items():
        hits = [" ".join(text[max(m.start() - 30, 0):m.end() + 30].split()) for m in _WORD.finditer(text)]
        if hits:
            found[name] = hits
    return found


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    """One small sweep over two levers (every chart but the sensitivity ones), reported in bokmål and in
    English; and the English texts the bokmål build looked up without finding them."""
    sweep = FAB.fake_sweep(tmp_path_factory.mktemp("lang") / "s1", policies=("saksbehandler", "hybrid", "brobygger"),
                           seeds=(1, 2, 3), caseloads=(50, 90), slots=(1, 4))
    before = i18n.missing("nb")
    nb = build_report(sweep, tmp_path_factory.mktemp("nb") / "report", lang="nb")
    lacking = i18n.missing("nb") - before
    en = build_report(sweep, tmp_path_factory.mktemp("en") / "report")
    return sweep, nb, en, lacking


# --- the report ------------------------------------------------------------------------------------

def test_the_bokmal_report_has_no_english_left(reports):
    _, nb, _, lacking = reports
    assert not lacking, f"texts with no bokmål in analysis/translations.yaml: {sorted(lacking)}"
    assert english_in(nb) == {}
    assert "<html lang='nb'>" in nb.read_text(encoding="utf-8")


def test_the_scan_finds_the_english_of_the_english_report(reports):
    """The same scan of the English report finds English on the page and in every figure, so it would
    catch a string left untranslated."""
    _, nb, en, _ = reports
    found = english_in(en)
    figures = {svg.name for svg in (en.parent / "figures").glob("*.svg")}
    assert "page" in found and figures <= set(found)
    words = {m.group(1).lower() for hits in found.values() for hit in hits for m in _WORD.finditer(hit)}
    assert {"the", "users", "employed", "week", "hours", "policy", "interval", "difference", "seeds"} <= words


def test_warnings_and_notes_are_in_bokmal_too(tmp_path, monkeypatch):
    """A sweep with one seed and without the baseline policy: the warning at the top and the notes."""
    from analysis import charts

    monkeypatch.setattr(charts, "save_figure", _quick_save)   # the page's words are what this test reads
    sweep = FAB.fake_sweep(tmp_path / "s2", policies=("hybrid", "brobygger"), seeds=(1,))
    before = i18n.missing("nb")
    page = build_report(sweep, lang="nb")
    assert i18n.missing("nb") - before == set()
    assert english_in(page) == {}
    text = page_text(page)
    assert "Advarsel:" in text and "Én replikasjon: intet intervall" in text
    assert "Denne serien har ingen kjøringer med 'saksbehandler'" in text


def test_the_bokmal_report_reads_in_nav_terms_with_decimal_commas(reports):
    _, nb, _, _ = reports
    page = page_text(nb)
    for term in ("brukere", "veileder", "jobbspesialist", "arbeidstrening", "oppfølging", "Noen gang i jobb",
                 "prosentpoeng", "Sammendragstabeller", "Tolkning", "Mentortimer per bruker i jobb", "lønnstilskudd",
                 "Brukere utenfor målgruppen: med saksbehandler fikk", "9b. Brukere utenfor målgruppen: avveining"):
        assert term in page, term
    assert re.search(r"\d+,\d %", page) and not re.search(r"\d+\.\d %", page)   # 12,3 %, never 12.3 %
    assert "Uke i simuleringen" in svg_text(nb.parent / "figures" / "employment.svg")


def test_the_bokmal_report_keeps_the_numbers_and_the_data_tables(reports):
    """Only the words change: the CSV tables beside the report hold the same numbers in both languages."""
    _, nb, en, _ = reports
    for name in ("summary", "differences"):
        pd.testing.assert_frame_equal(pd.read_csv(nb.parent / "tables" / f"{name}.csv"),
                                      pd.read_csv(en.parent / "tables" / f"{name}.csv"))


# --- the terminal summary and the command line ------------------------------------------------------

def test_the_terminal_summary_in_bokmal(reports):
    sweep, *_ = reports
    runs = pd.read_parquet(sweep / "runs.parquet")
    english = summary_text(terminal_summary(runs))
    with language("nb"):
        norwegian = summary_text(terminal_summary(runs))
    assert english.startswith("Summary: mean over replications") and "ever_employed_share" in english
    assert norwegian.startswith("Sammendrag: gjennomsnitt over replikasjoner (90 %-intervall")
    assert "andeler i %, kroner i tusen" in norwegian.splitlines()[0]
    assert "Noen gang i jobb" in norwegian and "ever_employed_share" not in norwegian
    one_setting = runs[(runs["cfg.office.caseload_ordinary"] == 50) & (runs["cfg.office.hybrid_slots"] == 1)]
    with language("nb"):   # a few policies: one row per KPI of the summary, the users outside the target group last
        rows = terminal_summary(one_setting).index.tolist()
    assert rows[-4:] == ["Utenfor målgruppen: fått jobb innen uke 52", "Utenfor målgruppen: fått jobb innen slutten",
                         "Utenfor målgruppen: gått ut av NAV-oppfølging uten jobb",
                         "Utenfor målgruppen: uker uten gyldig aktivitetsplan (en gjennomgang på overtid)"]
    assert _WORD.findall(norwegian.split("\n", 1)[0]) == []


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "inclusim.cli", *args], capture_output=True, text=True, timeout=120)


def test_summary_and_report_commands_take_a_language(reports, tmp_path):
    sweep, *_ = reports
    proc = _cli("summary", str(sweep), "--lang", "nb")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("Sammendrag:") and "Noen gang i jobb" in proc.stdout
    proc = _cli("report", str(sweep), "--lang", "xx")
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.strip().splitlines() == [
        "inclusim: error: --lang = 'xx': allowed values are en, nb (en English, nb Norwegian bokmål)"]


# --- the language setting ---------------------------------------------------------------------------

def test_lang_is_the_commands_setting_and_changes_no_result():
    from inclusim.compose import compose_config_and_settings, split_settings

    cfg, settings = compose_config_and_settings(["lang=nb"])
    default, default_settings = compose_config_and_settings([])
    assert settings.lang == "nb" and default_settings.lang == "en"
    assert config_hash(cfg) == config_hash(default)     # the same run folder, the same results
    with pytest.raises(ConfigError, match=r"^lang = 'de': allowed values are en, nb$"):
        split_settings({"lang": "de"})


def test_an_unknown_language_is_a_clear_error():
    with pytest.raises(ConfigError, match=r"^lang = 'de': allowed values are en, nb \(en English, nb Norwegian bokmål\)$"):
        with language("de"):
            pass
    with pytest.raises(ConfigError, match="'se'"):
        translations("se")


def test_tr_translates_then_fills_in_and_the_language_is_restored():
    assert current_language() == "en"
    assert tr("{n} runs", n=3) == "3 runs" and tr("Outcomes by policy") == "Outcomes by policy"
    with language("nb"):
        assert tr("{n} runs", n=3) == "3 kjøringer"
        assert tr("Outcomes by policy") == "Resultater etter oppfølgingsmodell"
        with language("en"):
            assert tr("Policy") == "Policy"
        assert tr("Policy") == "Modell" and current_language() == "nb"
        assert tr("{braces} are left alone without fields") == "{braces} are left alone without fields"
    assert current_language() == "en"


# --- the table ----------------------------------------------------------------------------------------

def test_every_entry_has_bokmal_with_the_fields_of_its_english():
    table = translations("nb")
    assert len(table) > 300
    empty = [en for en, nb in table.items() if not nb.strip()]
    assert not empty
    mismatched = {en: nb for en, nb in table.items() if fields_of(en) != fields_of(nb)}
    assert not mismatched


def test_every_plain_name_of_the_domain_and_the_report_has_an_entry():
    table = translations("nb")
    sources = ([k.label for k in KPIS.values()] + list(ROLE_NAMES.values()) + list(ACTIVITY_NAMES.values())
               + list(STATE_GROUP_NAMES.values()) + list(LEVER_LABELS.values()) + list(LEVER_SHORT.values())
               + list(METHOD_NAMES.values()) + list(COLUMN_TITLES.values()) + list(KPI_SHORT.values())
               + [SUMMARY_HEADING_TEXT, ENSEMBLE_HEADING])
    assert [text for text in sources if text not in table] == []


def test_a_text_translated_twice_is_refused(tmp_path, monkeypatch):
    """The table holds one entry per English text: a second one is an error, not a silent override."""
    doubled = tmp_path / "analysis"
    doubled.mkdir()
    (doubled / i18n.TABLE_FILE).write_text('"Policy": "Modell"\n"Policy": "Politikk"\n', encoding="utf-8")
    monkeypatch.setattr(i18n.resources, "files", lambda _package: doubled)
    i18n._table.cache_clear()
    try:
        with pytest.raises(ValueError, match="'Policy' is translated twice"):
            i18n._table()
    finally:
        monkeypatch.undo()
        i18n._table.cache_clear()


def test_lang_alone_runs_the_main_job_in_that_language(monkeypatch):
    """`inclusim lang=nb` is the main job in bokmål (a key=value that only changes how results are
    shown does not turn the main job into a single run); any other key=value still means one run."""
    import sys

    from inclusim import cli, launch, preflight

    seen: list[list[str]] = []
    monkeypatch.setattr(preflight, "check", lambda argv: None)
    monkeypatch.setattr(launch, "_hydra_main", lambda: seen.append(list(sys.argv[1:])))
    monkeypatch.setattr(sys, "argv", ["inclusim"])
    cli.main(["lang=nb"])
    cli.main(["lang=nb", "seed=3"])
    cli.main(["output_root=/tmp/elsewhere", "lang=nb"])
    assert seen == [[*launch.MAIN_JOB, "lang=nb"], ["lang=nb", "seed=3"],
                    [*launch.MAIN_JOB, "output_root=/tmp/elsewhere", "lang=nb"]]


def test_a_sweep_in_bokmal_says_its_progress_skips_and_results_in_bokmal(tmp_path):
    """Issue 27: the terminal's start, progress, skip and result lines stayed in English with lang=nb."""
    from cli_faults import sweep

    first = sweep(tmp_path, "nb", "seed=1,2", "report=false", "lang=nb")
    assert first.returncode == 0, first.stderr[-2000:]
    assert "inclusim: kjøringsserie 'nb' med 2 kjøringer" in first.stdout
    assert "[2/2 kjøringer] brukt" in first.stdout and "samlet 2 kjøringer i" in first.stdout
    again = sweep(tmp_path, "nb", "seed=1,2", "report=false", "lang=nb")
    assert "(2 allerede ferdige, kontrollert, hoppes over)" in again.stdout and "  hopper over " in again.stdout
    for english in ("runs]", "elapsed", "collected", "skip ", "already complete", "results:"):
        assert english not in first.stdout + again.stdout, english


def test_a_setting_reads_by_its_levers_names_in_bokmal():
    """Issue 27: settings showed as override text ('policy=hybrid office.caseload_ordinary=40')."""
    from analysis.labels import setting_label

    with language("nb"):
        assert setting_label("policy=hybrid office.caseload_ordinary=40") == "hybrid, Portefølje 40"
        assert setting_label("office.hybrid_volunteer_share=0.45") == "Hybridandel 0,45"
        assert setting_label("two words") == "two words"         # not key=value: as it is
    assert setting_label("policy=hybrid office.caseload_ordinary=40") == "policy=hybrid office.caseload_ordinary=40"


def test_office_file_errors_and_notes_are_said_in_bokmal():
    """Issue 27: an office file's errors and notes keep their English template and fields
    (``domain.params.Said``), so the dashboard says them in its language, row and field named as before."""
    import pickle

    from analysis.i18n import say
    from domain.params import ConfigError
    from scenarios.office_file import office_from_dict

    bad = {"name": "x", "advisers": [{"role": "saksbehandler", "count": 2, "caseload": 5000}]}
    with pytest.raises(ConfigError) as caught:
        office_from_dict(bad, "f.yaml")
    english = str(caught.value)
    assert english == ("office file f.yaml: advisers, row 1: caseload = 5000: allowed range is 5 to 250 (users) "
                       "(the model's office.caseload_ordinary)")
    with language("nb"):
        said = say(caught.value.said)
        again = say(pickle.loads(pickle.dumps(caught.value)).said)     # as it comes back from another process
    assert said == again == ("kontorfil f.yaml: advisers, rad 1: caseload = 5000: tillatt er fra 5 til 250 (brukere) "
                             "(modellens office.caseload_ordinary)")
    office = office_from_dict({"name": "x", "advisers": [{"role": "saksbehandler", "count": 1, "caseload": 40},
                                                         {"role": "saksbehandler", "count": 1, "caseload": 61}]})
    office.overrides()
    with language("nb"):
        notes = [say(note) for note in office.notes]
    assert notes and all(note.startswith("veiledernes porteføljer er ulike (40 til 61 brukere)") for note in notes)


#: Words that are English and never bokmål (bokmål has 'over', 'per', 'i', 'for' too, so they are not here).
ENGLISH_ONLY = ("the", "and", "with", "users", "advisers", "adviser", "positions", "people", "cost", "which", "from",
                "this", "your", "today", "choice", "staff", "run", "runs", "seeds", "interval", "difference", "points",
                "results", "elapsed", "left", "summary", "share", "employed", "dropout", "hours", "mean", "budget",
                "estimating", "complete", "skip", "failed", "sweep")


def test_a_sweep_in_bokmal_prints_no_english(tmp_path):
    """Issue 27: every line the terminal shows for a sweep with lang=nb is bokmål (the start, each run's
    progress, the summary, where the results and the report are); paths and overrides are left out of
    the look, as they are the user's own words."""
    proc = subprocess.run([sys.executable, "-m", "inclusim.cli", "-m", "name=nb_words", f"output_root={tmp_path}",
                           "policy=saksbehandler,hybrid", "seed=1,2", "horizon_weeks=20", "lang=nb",
                           "hydra.launcher.n_jobs=1"], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    text = re.sub(r"\S*/\S*|\S+=\S+", " ", proc.stdout)      # paths and overrides
    english = sorted({word for word in re.findall(r"[A-Za-zæøåÆØÅ]+", text) if word.lower() in ENGLISH_ONLY})
    assert english == [], (english, proc.stdout[:3000])
    assert "Sammendrag" in proc.stdout and "rapport:" in proc.stdout


def test_a_bad_office_file_on_the_command_line_is_said_in_bokmal_with_lang_nb(tmp_path):
    office = tmp_path / "bad.yaml"
    office.write_text("name: x\nadvisers:\n  - {role: saksbehandler, count: 2, caseload: 5000}\n")
    said = {lang: subprocess.run([sys.executable, "-m", "inclusim.cli", f"office={office}", f"lang={lang}"],
                                 capture_output=True, text=True, timeout=120) for lang in ("nb", "en")}
    assert all(proc.returncode == 2 and "Traceback" not in proc.stderr for proc in said.values())
    assert f"kontorfil {office}: advisers, rad 1: caseload = 5000: tillatt er fra 5 til 250 (brukere)" in said["nb"].stderr
    assert f"office file {office}: advisers, row 1: caseload = 5000: allowed range is 5 to 250 (users)" in said["en"].stderr
