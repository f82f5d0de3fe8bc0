"""Writing a report: figures (PNG, SVG) and CSV tables beside one self-contained HTML file, rendered
from the Jinja2 templates in ``analysis/templates`` (autoescaped; the page's English lives there)."""

from __future__ import annotations

import base64
import json
import math
from pathlib import Path

import pandas as pd
from jinja2 import Environment, PackageLoader, select_autoescape

from analysis import charts
from analysis.charts.style import LEVEL_PERCENT, policy_colour
from analysis.formatting import lever_value
from analysis.labels import lever_label, lever_short
from analysis.report.build import COLUMN_TITLES, DEFAULT_BASELINE, Report, make_report
from domain.schema import CONFIG_PREFIX
from domain.store import atomic_write_bytes

TEMPLATES = Environment(loader=PackageLoader("analysis", "templates"), autoescape=select_autoescape(["html"]),
                        trim_blocks=True, lstrip_blocks=True)


def build_report(sweep_dir: Path, out_dir: Path | None = None, baseline: str = DEFAULT_BASELINE) -> Path:
    """Write the report of a collected sweep: ``report.html`` plus figures (PNG, SVG) and CSV tables
    beside it. ``out_dir`` defaults to ``sweep_dir/report``. Returns the path of ``report.html``."""
    report = make_report(Path(sweep_dir), baseline=baseline)
    return write_report(report, Path(out_dir) if out_dir is not None else Path(sweep_dir) / "report")


def write_report(report: Report, out_dir: Path, dpi: int = 150) -> Path:
    """Write a :class:`Report` to ``out_dir`` (figures at ``dpi``); returns the path of ``report.html``."""
    out_dir = Path(out_dir)
    (out_dir / "figures").mkdir(parents=True, exist_ok=True)
    (out_dir / "tables").mkdir(parents=True, exist_ok=True)
    for entry in report.charts:
        if entry.figure is not None:
            entry.files = charts.save_figure(entry.figure, out_dir / "figures" / entry.key, dpi=dpi)
    for name, frame in report.tables.items():
        frame.to_csv(out_dir / "tables" / f"{name}.csv", index=False)
    report.provenance["run_index"].to_csv(out_dir / "tables" / "runs_index.csv", index=False)
    target = out_dir / "report.html"
    atomic_write_bytes(target, render_html(report, out_dir).encode("utf-8"))
    return target


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
            "image": base64.b64encode(png.read_bytes()).decode("ascii") if png else ""}


def render_html(report: Report, out_dir: Path) -> str:
    """The page of a report whose figures have been saved under ``out_dir``."""
    design, provenance, config = report.design, report.provenance, report.config
    levers = [{"key": lever.removeprefix(CONFIG_PREFIX), "label": lever_label(lever), "short": lever_short(lever),
               "levels": [lever_value(v) for v in values]} for lever, values in design["levers"].items()]
    summary, differences = report.rendered["summary"], report.rendered["differences"]
    varying = pd.DataFrame({COLUMN_TITLES["setting"]: list(config["varying"]),
                            COLUMN_TITLES["values"]: [", ".join(v) for v in config["varying"].values()]})
    flat = pd.DataFrame({COLUMN_TITLES["setting"]: list(config["flat"]),
                         COLUMN_TITLES["value"]: [json.dumps(v) if isinstance(v, (list, dict)) else str(v)
                                                  for v in config["flat"].values()]})
    index = provenance["run_index"].copy()
    index.columns = [lever_short(c) if c.startswith(CONFIG_PREFIX) else c for c in index.columns]
    outcomes = next((e for e in report.charts if e.key == "outcomes"), None)
    return TEMPLATES.get_template("report.html").render(
        title=report.title, design=design, provenance=provenance, config=config, notes=report.notes,
        command=provenance["command"], level=LEVEL_PERCENT, levers=levers,
        policies=[{"name": p, "colour": policy_colour(p)} for p in design["policies"]],
        charts=[_chart_view(e, out_dir) for e in report.charts],
        in_short=outcomes.reading if outcomes else [],
        summary_table=table_view(summary, "summary-table", text_columns=summary.columns[:1]),
        differences_table=table_view(differences, "differences-table", text_columns=[
            COLUMN_TITLES[c] for c in ("policy", "baseline", "outcome")]),
        varying_table=table_view(varying, "varying-table", text_columns=varying.columns),
        config_table=table_view(flat, "config-table", text_columns=flat.columns),
        runs_table=table_view(index.astype(str), "runs-table", text_columns=("run_id", "config_hash", "policy")),
        unclean_commits=any(c == "unknown" or c.endswith("-dirty") for c in provenance["run_commits"]))
