"""Writing a report: figures (PNG, SVG) and CSV tables beside one self-contained HTML file, rendered
from the Jinja2 templates in ``analysis/templates`` (autoescaped; the page's own text lives there, in
English, each piece passed through ``tr`` of ``analysis.i18n``, and is shown in the report's language).

The report is written whole or not at all: everything goes into a fresh temporary folder beside the
report folder, which then takes the old folder's place (:func:`swap_in`). A failure on the way
removes the temporary folder and leaves the old report as it was."""

from __future__ import annotations

import base64
import json
import math
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from analysis import charts
from analysis.charts.style import LEVEL_PERCENT, policy_colours
from analysis.formatting import format_value, lever_value, number_list
from analysis.i18n import DEFAULT_LANGUAGE, current_language, language, tr
from analysis.labels import lever_label, lever_short
from analysis.report.build import DEFAULT_BASELINE, Report, column_title, make_report
from analysis.stats import interval_rule
from analysis.workbook import workbook_bytes
from domain.params import ConfigError
from domain.schema import COUNT
from domain.schema import CONFIG_PREFIX, kpi
from infra.store import file_mode, folder_mode

TEMPLATES = Environment(loader=PackageLoader("analysis", "templates"), autoescape=select_autoescape(["html"]),
                        trim_blocks=True, lstrip_blocks=True)
TEMPLATES.globals["tr"] = tr


def _fill(text: str, **fields) -> Markup:
    """A translated text with markup in its fields (``tr("in {folder}")|fill(folder="<code>x</code>"|safe)``):
    the text is escaped, a field marked safe is put in as it is, any other field escaped."""
    return Markup(escape(text)).format(**fields)


TEMPLATES.filters["fill"] = _fill


def build_report(sweep_dir: Path, out_dir: Path | None = None, baseline: str = DEFAULT_BASELINE,
                 lang: str | None = None, printer: Printer | None = None) -> Path:
    """Write the report of a collected sweep: ``report.html`` plus figures (PNG, SVG) and CSV tables
    beside it, and ``report.pdf`` (A4) when a ``printer`` is given. ``out_dir`` defaults to
    ``sweep_dir/report``; ``lang`` ('en', 'nb') defaults to the current language (``analysis.i18n``).
    Returns the path of ``report.html``."""
    with language(lang or current_language()):
        report = make_report(Path(sweep_dir), baseline=baseline)
        return write_report(report, Path(out_dir) if out_dir is not None else Path(sweep_dir) / "report",
                            printer=printer)


def write_report(report: Report, out_dir: Path, dpi: int = 150, printer: Printer | None = None) -> Path:
    """Write a :class:`Report` as the folder ``out_dir`` (figures at ``dpi``, the page in the report's
    language; with a ``printer``, also ``report.pdf`` at A4), replacing any folder there only once
    everything is written; returns the path of ``report.html``."""
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(dir=out_dir.parent, prefix=f".{out_dir.name}.", suffix=".writing"))
    try:
        with language(report.lang):   # the page in the language its charts and readings were made in
            _write_files(report, work, dpi)
            unprinted = None
            if printer is not None:
                try:
                    _write_pdf(report, work, dpi, printer)
                except ConfigError as exc:      # no PDF (no browser, a failed print): the HTML report all the same
                    unprinted = exc
        _finish(work)
        swap_in(work, out_dir)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        for entry in report.charts:
            entry.files = ()
        raise
    for entry in report.charts:
        entry.files = tuple(out_dir / f.relative_to(work) for f in entry.files)
    if unprinted is not None:
        raise unprinted
    return out_dir / "report.html"


def _write_files(report: Report, folder: Path, dpi: int) -> None:
    """The figures, the CSV tables and the page, into ``folder``."""
    (folder / "figures").mkdir()
    (folder / "tables").mkdir()
    _save_figures([entry for entry in report.charts if entry.figure is not None], folder / "figures", dpi)
    for name, frame in report.tables.items():
        frame.to_csv(folder / "tables" / f"{name}.csv", index=False)
    report.provenance["run_index"].to_csv(folder / "tables" / "runs_index.csv", index=False)
    (folder / "tables.xlsx").write_bytes(report_xlsx(report))
    (folder / "report.html").write_bytes(render_html(report, folder).encode("utf-8"))


def report_xlsx(report: Report) -> bytes:
    """The report's summary and differences as an xlsx workbook for a spreadsheet: one row per policy (and
    lever setting) and KPI, the KPI named in words with its unit, mean, low and high as numbers (shares in
    per cent, differences of shares in percentage points); the settings of the runs and the versions that
    made them on a sheet of their own. Texts in the report's language."""
    def numbers(frame: pd.DataFrame, value: str) -> pd.DataFrame:
        out = frame.copy()
        shares = out["kpi"].map(lambda name: kpi(name).is_share)
        for column in (value, "low", "high", "set_low", "set_high"):
            if column in out:
                out[column] = out[column].where(~shares, out[column] * 100)
        out.insert(out.columns.get_loc("kpi") + 1, tr("Figure"), out["kpi"].map(lambda name: tr(kpi(name).label)))
        out.insert(out.columns.get_loc("kpi") + 2, tr("Unit"), [
            ("%" if value == "mean" else tr("points")) if share else kpi(name).unit
            for name, share in zip(out["kpi"], shares, strict=True)])
        names = {"policy": tr("Policy"), "baseline": tr("Compared with"), "mean": tr("mean"), "difference": tr("Difference"),
                 "low": tr("low"), "high": tr("high"), "set_low": tr("set low"), "set_high": tr("set high"),
                 "n": tr("Replications"), "pairs": tr("Seeds paired"), "method": tr("Interval"),
                 "sets": tr("sets"), "sign_robust": tr("Sign the same in every set")}
        return out.rename(columns=names)

    settings = pd.DataFrame({tr("Setting"): list(report.config["flat"]),
                             tr("Value"): [json.dumps(v) if isinstance(v, (list, dict)) else v
                                           for v in report.config["flat"].values()]})
    made = [("report_commit", report.provenance["report_commit"]),
            ("run_commits", ", ".join(report.provenance["run_commits"]))]
    made += [(name, value) for name, value in (report.provenance.get("report_versions") or {}).items()]
    settings = pd.concat([settings, pd.DataFrame(made, columns=settings.columns)], ignore_index=True)
    return workbook_bytes({tr("Summary"): numbers(report.tables["summary"], "mean"),
                           tr("Differences"): numbers(report.tables["differences"], "difference"),
                           tr("Settings"): settings})


#: Prints an HTML page to a PDF: (the page, the PDF to write) -> None; raises OSError when it cannot.
Printer = Callable[[Path, Path], None]
#: The text area of an A4 page with margins of 15 mm, in inches, upright and turned sideways; a little
#: height is kept for the chart's title above it.
PRINT_WIDTH_IN, PRINT_HEIGHT_IN = (210 - 2 * 15) / 25.4, (297 - 2 * 15) / 25.4 - 0.6
PRINT_WIDE_WIDTH_IN, PRINT_WIDE_HEIGHT_IN = (297 - 2 * 15) / 25.4, (210 - 2 * 15) / 25.4 - 0.6


def print_width(fig) -> float:
    """How wide a figure is printed, in inches: as large as a page's text area lets it be, upright or on a
    page turned sideways, whichever prints it larger (its text then needs least enlarging to be readable)."""
    width, height = fig.get_figwidth(), fig.get_figheight()
    upright = min(PRINT_WIDTH_IN / width, PRINT_HEIGHT_IN / height)
    sideways = min(PRINT_WIDE_WIDTH_IN / width, PRINT_WIDE_HEIGHT_IN / height)
    return width * max(upright, sideways)


def printed_sideways(fig) -> bool:
    """True when ``fig`` is printed on a page turned sideways (:func:`print_width`)."""
    return print_width(fig) > PRINT_WIDTH_IN + 1e-9


def _write_pdf(report: Report, folder: Path, dpi: int, printer: Printer) -> None:
    """``report.pdf`` in ``folder``: the page for print (A4, every chart the width of the text, its text
    made at least ``charts.style.PRINT_SMALLEST_PT`` on paper), printed by ``printer``. The page and
    figures for print are made in a folder of their own, removed when the PDF is written."""
    work = folder / ".print"
    (work / "figures").mkdir(parents=True)
    try:
        entries = [entry for entry in report.charts if entry.figure is not None]
        screen = {id(entry): entry.files for entry in entries}
        for entry in entries:
            charts.for_print(entry.figure, print_width(entry.figure))
            png = charts.save_figure(entry.figure, work / "figures" / entry.key, dpi=dpi)[0]
            entry.files = (png,)
        page = work / "report.html"
        page.write_bytes(render_html(report, work, printing=True).encode("utf-8"))
        for entry in entries:
            entry.files = screen[id(entry)]
        printer(page, folder / "report.pdf")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _save_figures(entries: list, folder: Path, dpi: int) -> None:
    """Save the figures of ``entries`` into ``folder`` (``charts.save_figure``), setting each entry's
    files."""
    for entry in entries:
        entry.files = tuple(charts.save_figure(entry.figure, folder / entry.key, dpi=dpi))


def _finish(folder: Path) -> None:
    """Give a written folder the modes the umask allows (``mkdtemp`` makes it 0700) and flush its files
    to disk, so that it can take its final name."""
    for root, dirs, files in os.walk(folder):
        os.chmod(root, folder_mode())
        for name in dirs:
            os.chmod(os.path.join(root, name), folder_mode())
        for name in files:
            path = os.path.join(root, name)
            os.chmod(path, file_mode())
            with open(path, "rb") as fh:
                os.fsync(fh.fileno())


def swap_in(new: Path, target: Path) -> None:
    """Put the folder ``new`` in ``target``'s place: the old ``target`` (if any) is renamed aside, ``new``
    renamed to ``target``, then the old one deleted. Should the second rename fail, the old one is put back."""
    if not target.exists():
        os.rename(new, target)
        return
    aside = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.", suffix=".old"))
    old = aside / target.name
    try:
        os.rename(target, old)
        try:
            os.rename(new, target)
        except BaseException:
            os.rename(old, target)
            raise
    except BaseException:
        if not old.exists():   # never delete the old folder while it is still set aside
            os.rmdir(aside)
        raise
    shutil.rmtree(aside, ignore_errors=True)


def table_view(frame: pd.DataFrame | None, table_id: str, text_columns=()) -> dict | None:
    """A table as the template draws it: its id, the columns (name, left-aligned text or not) and the
    rows of cells (missing values blank); None when it has no rows."""
    if frame is None or frame.empty:
        return None
    text = [column in text_columns for column in frame.columns]
    rows = [[{"value": "" if value is None or (isinstance(value, float) and math.isnan(value)) else value,
              "text": is_text} for value, is_text in zip(row, text, strict=True)]
            for row in frame.itertuples(index=False)]
    return {"id": table_id, "columns": [{"name": c, "text": t} for c, t in zip(frame.columns, text, strict=True)],
            "rows": rows}


def _chart_view(entry, out_dir: Path) -> dict:
    png = next((f for f in entry.files if f.suffix == ".png"), None)
    files = [f.relative_to(out_dir).as_posix() for f in entry.files]
    files += [f"tables/chart_{entry.key}_{name}.csv" for name in getattr(entry.figure, "inclusim_data", {})]
    return {"key": entry.key, "title": entry.title, "setting": entry.setting, "skipped": entry.skipped,
            "reading": entry.reading, "files": files,
            "print_mm": round(print_width(entry.figure) * 25.4, 1) if entry.figure is not None else 0,
            "sideways": entry.figure is not None and printed_sideways(entry.figure),
            "image": base64.b64encode(png.read_bytes()).decode("ascii") if png else ""}


def render_html(report: Report, out_dir: Path, printing: bool = False) -> str:
    """The page of a report whose figures have been saved under ``out_dir`` (``printing``: the page for
    an A4 print, without the parts that only work on a screen)."""
    design, provenance, config = report.design, report.provenance, report.config
    levers = [{"key": lever.removeprefix(CONFIG_PREFIX), "label": lever_label(lever), "short": lever_short(lever),
               "levels": number_list(lever_value(v) for v in values)} for lever, values in design["levers"].items()]
    summary, differences = report.rendered["summary"], report.rendered["differences"]
    varying = pd.DataFrame({column_title("setting"): list(config["varying"]),
                            column_title("values"): [", ".join(v) for v in config["varying"].values()]})
    flat = pd.DataFrame({column_title("setting"): list(config["flat"]),
                         column_title("value"): [json.dumps(v) if isinstance(v, (list, dict)) else str(v)
                                                 for v in config["flat"].values()]})
    index = provenance["run_index"].copy()
    index.columns = [lever_short(c) if c.startswith(CONFIG_PREFIX) else c for c in index.columns]
    if current_language() != DEFAULT_LANGUAGE:   # the run index's own columns, named in the page's language
        index = index.rename(columns={c: tr(c) for c in ("policy", "seed") if c in index})
    outcomes = next((e for e in report.charts if e.key == "outcomes"), None)
    # what close follow-up gives the few, and what the follow-up of the few costs the many (chart 9's first lines)
    ordinary = next((e for e in report.charts if e.key.startswith("ordinary") and e.reading), None)
    return TEMPLATES.get_template("report.html").render(
        lang=current_language(), printing=printing,
        wall_seconds=format_value(provenance["wall_seconds"], COUNT, 1),
        title=report.title, design=design, provenance=provenance, config=config, notes=report.notes,
        warnings=report.warnings, command=provenance["command"], level=LEVEL_PERCENT, interval_rule=interval_rule(),
        levers=levers, policies=[{"name": p, "colour": c} for p, c in policy_colours(design["policies"]).items()],
        charts=[_chart_view(e, out_dir) for e in report.charts],
        in_short=report.verdicts + (outcomes.reading if outcomes else []) + (ordinary.reading[:2] if ordinary else []),
        summary_table=table_view(summary, "summary-table", text_columns=summary.columns[:1]),
        differences_table=table_view(differences, "differences-table", text_columns=[
            column_title(c) for c in ("policy", "baseline", "outcome")]),
        varying_table=table_view(varying, "varying-table", text_columns=varying.columns),
        office_table=table_view(report.rendered.get("by_office"), "office-table", text_columns=(tr("Policy"),)),
        config_table=table_view(flat, "config-table", text_columns=flat.columns),
        runs_table=table_view(index.astype(str), "runs-table", text_columns=("run_id", "config_hash", tr("policy"))),
        unclean_commits=any(c == "unknown" or c.endswith("-dirty") for c in provenance["run_commits"]))
