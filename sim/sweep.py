"""Sweeps: per-run output keyed by config hash, resume, collect, progress.

Layout of a sweep folder (``output_root/name``)::

    runs/<config_hash>/{runs,weekly,events,candidates}.parquet, meta.json, _COMPLETE
    jobs/<n>/.hydra/...        Hydra's own record of each job
    runs.parquet weekly.parquet events.parquet candidates.parquet   (after collect)
    summary.csv                                                       (after collect)

A run writes each file atomically and the ``_COMPLETE`` marker last, so a killed sweep leaves
only whole runs; running the same command again skips every complete run (same config hash) and
runs the rest. Run folders are named by config hash, not job number, so the result of a run does
not depend on where in the sweep it ran.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim.run import COMPLETE_MARKER, TABLES, atomic_write_bytes, atomic_write_parquet

try:  # the callback base class is only needed when Hydra runs the sweep
    from hydra.experimental.callback import Callback
except ImportError:  # pragma: no cover
    Callback = object

HEADLINE_KPIS = [
    "ever_employed_share", "employed_share_w52", "employed_share_w156",
    "ever_employed_share_medium", "ever_employed_share_large", "dropout_share",
    "apprentice_share", "education_share", "median_weeks_to_first_job_if_employed", "retention_52",
    "n_close_cases", "close_employed_share_1y", "n_js_cases", "js_employed_share",
    "hours_per_candidate", "hours_per_employment", "adviser_weeks_over_budget_share",
    "subsidy_cost_per_employment",
]


def complete_run_dirs(sweep_dir: Path) -> list[Path]:
    root = Path(sweep_dir) / "runs"
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if (p / COMPLETE_MARKER).exists())


def collect(sweep_dir: Path, quiet: bool = False) -> dict[str, Path]:
    """Build one tidy table per kind for the whole sweep, streaming run by run (bounded memory).

    Rows are ordered by run folder (config hash), so collecting twice, or collecting a serial and a
    parallel sweep of the same configs, gives identical tables.
    """
    sweep_dir = Path(sweep_dir)
    dirs = complete_run_dirs(sweep_dir)
    if not dirs:
        raise FileNotFoundError(f"no complete runs under {sweep_dir / 'runs'}")
    out = {}
    for name in TABLES:
        target = sweep_dir / f"{name}.parquet"
        tmp = sweep_dir / f".{name}.parquet.collecting"
        writer = None
        schema = None
        try:
            for d in dirs:
                table = pq.read_table(d / f"{name}.parquet")
                if writer is None:
                    schema = table.schema
                    writer = pq.ParquetWriter(tmp, schema)
                else:
                    table = _conform(table, schema)
                writer.write_table(table)
        finally:
            if writer is not None:
                writer.close()
        tmp.replace(target)
        out[name] = target
    if not quiet:
        print(f"collected {len(dirs)} runs into {sweep_dir}")
    return out


def _conform(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """Cast a run's table to the sweep schema (e.g. an all-missing column read as null type)."""
    if table.schema.equals(schema):
        return table
    cols = []
    for field in schema:
        if field.name in table.column_names:
            cols.append(table[field.name].cast(field.type))
        else:
            cols.append(pa.nulls(len(table), type=field.type))
    return pa.Table.from_arrays(cols, schema=schema)


def count_jobs(task_overrides: list[str], sweeper_params: dict) -> int:
    """Number of jobs a basic-sweeper multirun will launch (params overridden by the command line)."""
    from hydra._internal.core_plugins.basic_sweeper import BasicSweeper
    from hydra.core.override_parser.overrides_parser import OverridesParser

    merged: dict[str, str] = {str(k): str(v) for k, v in (sweeper_params or {}).items()}
    for ov in task_overrides:
        key = ov.split("=", 1)[0]
        merged[key] = ov.split("=", 1)[1] if "=" in ov else ""
    parsed = OverridesParser.create().parse_overrides([f"{k}={v}" for k, v in merged.items()])
    batches = BasicSweeper.split_arguments(parsed, None)
    return len(batches[0]) if batches else 1


def write_progress_start(sweep_dir: Path, total: int) -> None:
    state = {"total": total, "start": time.time(), "already_complete": len(complete_run_dirs(sweep_dir))}
    atomic_write_bytes(Path(sweep_dir) / ".progress.json", json.dumps(state).encode())


def progress_line(sweep_dir: Path) -> str:
    """'runs done / total, elapsed, estimated time left' for a running sweep."""
    path = Path(sweep_dir) / ".progress.json"
    done = len(complete_run_dirs(sweep_dir))
    if not path.exists():
        return f"[{done} runs done]"
    state = json.loads(path.read_text())
    total, start, before = state["total"], state["start"], state.get("already_complete", 0)
    elapsed = time.time() - start
    new = max(done - before, 0)
    left = max(total - done, 0)
    eta = elapsed / new * left if new else float("nan")
    eta_s = _fmt_seconds(eta) if eta == eta else "?"
    return f"[{min(done, total)}/{total} runs] elapsed {_fmt_seconds(elapsed)}, about {eta_s} left"


def _fmt_seconds(s: float) -> str:
    s = int(round(s))
    h, rem = divmod(s, 3600)
    m, sec = divmod(rem, 60)
    return f"{h}:{m:02d}:{sec:02d}" if h else f"{m}:{sec:02d}"


def _compact(kpi: str, m: float, lo: float, hi: float) -> str:
    """'43.7 (42.6-44.9)': shares in %, money in thousands, other values as they are."""
    if m != m:
        return "n/a"
    if _is_share(kpi):
        return f"{100 * m:.1f} ({100 * lo:.1f}-{100 * hi:.1f})"
    if abs(m) >= 10_000:
        return f"{m / 1000:.0f}k ({lo / 1000:.0f}k-{hi / 1000:.0f}k)"
    return f"{m:.1f} ({lo:.1f}-{hi:.1f})"


def summary_table(runs: pd.DataFrame, kpis: list[str] | None = None, by: str = "policy") -> pd.DataFrame:
    """Wide summary: one row per KPI, one column per group, 'mean (90 % interval)'.

    Shares (KPIs named *share*, retention) are in per cent; NOK amounts in thousands.
    """
    from analysis.stats import order_policies, summarise

    kpis = [k for k in (kpis or HEADLINE_KPIS) if k in runs]
    long = summarise(runs, kpis, by=by)
    long["text"] = [_compact(k, m, lo, hi)
                    for k, m, lo, hi in zip(long["kpi"], long["mean"], long["low"], long["high"], strict=True)]
    wide = long.pivot(index="kpi", columns=by, values="text").reindex(kpis)
    if by == "policy":
        wide = wide[order_policies(list(wide.columns))]
    wide.columns.name = None
    wide.index.name = None
    return wide


#: the columns of the per-setting summary printed for sweeps with many settings
KEY_KPIS = ["ever_employed_share", "employed_share_w156", "dropout_share", "hours_per_candidate",
            "adviser_weeks_over_budget_share"]
WIDE_LIMIT = 6


def settings_table(runs: pd.DataFrame, by: str = "variant", kpis: list[str] | None = None) -> pd.DataFrame:
    """One row per setting (group), a few KPIs as columns, 'mean (90 % interval)'."""
    from analysis.stats import summarise

    kpis = [k for k in (kpis or KEY_KPIS) if k in runs]
    long = summarise(runs, kpis, by=by)
    long["text"] = [_compact(k, m, lo, hi)
                    for k, m, lo, hi in zip(long["kpi"], long["mean"], long["low"], long["high"], strict=True)]
    table = long.pivot(index=by, columns="kpi", values="text")[kpis]
    table = table.loc[sorted(table.index, key=_natural_key)]
    table.columns.name = None
    table.index.name = None
    return table


def _natural_key(text) -> list:
    """Sort 'caseload=40' before 'caseload=100'."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", str(text))]


def terminal_summary(runs: pd.DataFrame, by: str) -> pd.DataFrame:
    """KPIs x groups when there are few groups; one row per group when there are many."""
    if runs[by].nunique() <= WIDE_LIMIT:
        return summary_table(runs, by=by)
    return settings_table(runs, by=by)


def _is_share(kpi: str) -> bool:
    return "share" in kpi or kpi.startswith("retention")


def write_summary(sweep_dir: Path, by: str = "policy") -> pd.DataFrame:
    runs = pd.read_parquet(Path(sweep_dir) / "runs.parquet")
    from analysis.stats import summarise

    by = by if by in runs else "policy"
    long = summarise(runs, [k for k in HEADLINE_KPIS if k in runs], by=by)
    atomic_write_parquet(long, Path(sweep_dir) / "summary.parquet")
    atomic_write_bytes(Path(sweep_dir) / "summary.csv", long.to_csv(index=False).encode())
    return terminal_summary(runs, by=by)


class SweepCallback(Callback):
    """Hydra callback: progress set-up before a multirun, collect + summary after it."""

    def on_multirun_start(self, config, **kwargs) -> None:
        hc = config.hydra
        sweep_dir = Path(hc.sweep.dir)
        sweep_dir.mkdir(parents=True, exist_ok=True)
        try:
            total = count_jobs(list(hc.overrides.task), dict(hc.sweeper.get("params") or {}))
        except Exception:  # noqa: BLE001 - progress is a convenience, never a reason to fail
            total = 0
        write_progress_start(sweep_dir, total)
        done = len(complete_run_dirs(sweep_dir))
        note = f" ({done} already complete, will be skipped)" if done else ""
        print(f"inclusim: sweep '{config.name}' with {total} runs -> {sweep_dir}{note}", flush=True)

    def on_multirun_end(self, config, **kwargs) -> None:
        from sim.cli import after_sweep

        after_sweep(Path(config.hydra.sweep.dir), config, report=bool(config.get("report", True)))
