"""Sweeps: the Hydra callback around a multirun, progress, and what happens at the end.

Layout of a sweep folder (``output_root/name``)::

    runs/<config_hash>/{runs,weekly,events,candidates}.parquet, meta.json, _COMPLETE
    jobs/<n>/.hydra/...        Hydra's own record of each job
    runs.parquet weekly.parquet events.parquet candidates.parquet   (after collect)
    summary.csv, summary.parquet, report/                             (after collect)

A run writes each file atomically and the ``_COMPLETE`` marker last (``infra.store``), so a killed
sweep leaves only whole runs; running the same command again skips every complete run (same config
hash) and runs the rest. Run folders are named by config hash, not job number, so the result of a
run does not depend on where in the sweep it ran.
"""

from __future__ import annotations

import contextlib
import json
import sys
import time
from pathlib import Path

from infra.store import (COMPLETE_MARKER, FAILED_MARKER, OTHER_CODE, atomic_write_bytes, complete_run_dirs,
                          count_complete_runs, failed_run_dirs, retire_damaged_runs, sweep_lock)
from inclusim.preflight import planned_runs
from infra.executor import release_shared_pool

try:  # the callback base class is only needed when Hydra runs the sweep
    from hydra.experimental.callback import Callback
except ImportError:  # pragma: no cover
    Callback = object

PROGRESS_FILE = ".progress.json"


def count_jobs(task_overrides: list[str], sweeper_params: dict) -> int:
    """Number of runs a multirun makes (the sweeper's params overridden by the command line)."""
    from inclusim.batching import sweep_jobs

    merged: dict[str, str] = {str(k): str(v) for k, v in (sweeper_params or {}).items()}
    for override in task_overrides:
        key = override.split("=", 1)[0]
        merged[key] = override.split("=", 1)[1] if "=" in override else ""
    return len(sweep_jobs([f"{k}={v}" for k, v in merged.items()])) or 1


def write_progress_start(sweep_dir: Path, total: int, already_complete: int, own_complete: int | None = None) -> None:
    """The progress file of a sweep that starts: its runs (``total``), the complete runs in its folder
    (``already_complete``) and how many of them are this sweep's own (``own_complete``; all if None)."""
    state = {"total": total, "start": time.time(), "already_complete": already_complete,
             "own_complete": already_complete if own_complete is None else own_complete}
    atomic_write_bytes(Path(sweep_dir) / PROGRESS_FILE, json.dumps(state).encode())


#: New runs done before the time left is estimated: the first runs include the start of the workers
#: (loading Python and the model), which would put the estimate at many times the real time left.
ESTIMATE_AFTER_RUNS = 5


def progress_bar(done: int, total: int, width: int = 24) -> str:
    """'[#########...............]' for ``done`` of ``total``."""
    filled = round(width * min(done, total) / total) if total else width
    return "[" + "#" * filled + "." * (width - filled) + "]"


def progress_line(sweep_dir: Path, record: bool = False, bar: bool = False) -> str:
    """'runs done / total, elapsed, estimated time left' for a running sweep. The time left comes
    from the pace since the sweep's first new run was done (``first_done`` in the progress file,
    written by the first worker to see it missing, ``record``), once :data:`ESTIMATE_AFTER_RUNS`
    new runs are done: before, it is still being estimated."""
    from analysis.i18n import tr

    path = Path(sweep_dir) / PROGRESS_FILE
    done = count_complete_runs(sweep_dir)
    if not path.exists():
        return tr("[{done} runs done]", done=done)
    state = json.loads(path.read_text())
    total, start, before = state["total"], state["start"], state.get("already_complete", 0)
    now = time.time()
    elapsed = now - start
    new = max(done - before, 0)
    done = state.get("own_complete", before) + new      # this sweep's runs (the folder may hold others)
    left = max(total - done, 0)
    first = state.get("first_done")
    if first is None and new and record:
        with contextlib.suppress(OSError):      # progress is a convenience, never a reason to fail
            atomic_write_bytes(path, json.dumps({**state, "first_done": now}).encode())
    lead = progress_bar(done, total) + " " if bar else ""
    if not left:
        eta_text = "0:00"
    elif first is not None and new >= ESTIMATE_AFTER_RUNS and now > first:
        eta_text = clock((now - first) / (new - 1) * left)
    else:
        return lead + tr("[{done}/{total} runs] elapsed {elapsed}, estimating the time left", done=min(done, total),
                         total=total, elapsed=clock(elapsed))
    return lead + tr("[{done}/{total} runs] elapsed {elapsed}, about {left} left", done=min(done, total), total=total,
                     elapsed=clock(elapsed), left=eta_text)


def clock(seconds: float) -> str:
    """Seconds as m:ss, or h:mm:ss from an hour."""
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


#: The sweeps Hydra ran in this process (set by the callback), finished by :func:`finish` after Hydra
#: returns: (sweep folder, write the report, language of the summary and report).
FINISHED_SWEEPS: list[tuple[Path, bool, str]] = []

def after_sweep(sweep_dir: Path, report: bool = True, lang: str = "en", pdf: bool = False) -> None:
    """Collect a sweep, print and save its summary, and write its HTML report (and with ``pdf`` its A4
    PDF, printed by Chromium), holding the folder's lock; the summary and the report in ``lang`` ('en',
    or 'nb' for bokmål). A PDF that cannot be printed raises ConfigError after the HTML report is written."""
    # the analysis (pandas, scipy) is loaded here, at the end: Hydra loads this module's callback
    # before the first run, and loading the analysis there would delay the first run
    from analysis.collect import collect
    from analysis.i18n import language, tr
    from analysis.summary import summary_text, write_summary
    from domain.params import ConfigError

    sweep_dir = Path(sweep_dir)
    with sweep_lock(sweep_dir, "collect the runs"), language(lang):
        collect(sweep_dir)
        print("\n" + summary_text(write_summary(sweep_dir)))
        print("\n" + tr("results: {folder}", folder=sweep_dir))
        if report:
            from analysis.report import build_report

            printer = None
            if pdf:
                from inclusim.report_pdf import print_pdf as printer
            try:
                path = build_report(sweep_dir, printer=printer)
            except ConfigError:
                print(tr("report:  {path}", path=(sweep_dir / "report" / "report.html").resolve()))
                raise
            print(tr("report:  {path}", path=path.resolve()))
            if pdf:
                print(tr("pdf:     {path}", path=(path.parent / "report.pdf").resolve()))


def finish(sweep_dir: Path, report: bool = True, lang: str = "en") -> int:
    """The end of a sweep: collect, summary and report, then the exit status (0 only if all went well).

    Failed runs are named (their folders hold ``_FAILED`` with what went wrong); the runs that
    finished are still collected so that partial results can be looked at.
    """
    sweep_dir = Path(sweep_dir)
    release_shared_pool()      # the sweep's idle workers: their memory is freed for the end of the sweep
    failed = failed_run_dirs(sweep_dir)
    done = complete_run_dirs(sweep_dir)
    if done:
        try:
            after_sweep(sweep_dir, report=report, lang=lang)
        except Exception as exc:  # noqa: BLE001 - the status says it failed, in one line
            print(f"inclusim: error: the end of the sweep failed in {sweep_dir}: {describe(exc)}", file=sys.stderr)
            return 1
    if failed:
        first = failed[0]
        what = (first / FAILED_MARKER).read_text().splitlines()
        print(f"inclusim: error: {len(failed)} run(s) failed in {sweep_dir / 'runs'}, e.g. {first.name} "
              f"({what[0] if what else ''}): {what[1] if len(what) > 1 else ''}; details in its {FAILED_MARKER}; "
              f"{len(done)} finished run(s) are collected; run the same command again to redo the failed ones",
              file=sys.stderr)
        return 1
    if not done:
        print(f"inclusim: error: no run finished in {sweep_dir}", file=sys.stderr)
        return 1
    return 0


def describe(exc: BaseException) -> str:
    """An exception as one line a user can act on (a full disk, a denied folder, a damaged file)."""
    if isinstance(exc, OSError) and exc.strerror:
        where = f" ({exc.filename})" if exc.filename else ""
        return f"{exc.strerror}{where}"
    return " ".join(f"{type(exc).__name__ if not str(exc) else ''}{exc}".split())


class SweepCallback(Callback):
    """Hydra callback: progress set-up before a multirun; after it, the sweep is handed to :func:`finish`."""

    def on_multirun_start(self, config, **kwargs) -> None:
        # Hydra turns an error here into a warning and goes on: a folder that cannot be written (a full
        # disk) fails Hydra's own writes next, and the command says so in one line (inclusim.cli)
        try:
            self._start(config)
        except OSError:
            pass

    def _start(self, config) -> None:
        hydra_cfg = config.hydra
        sweep_dir = Path(hydra_cfg.sweep.dir)
        sweep_dir.mkdir(parents=True, exist_ok=True)
        try:
            total = count_jobs(list(hydra_cfg.overrides.task), dict(hydra_cfg.sweeper.get("params") or {}))
        except Exception:  # noqa: BLE001 - progress is a convenience, never a reason to fail
            total = 0
        # checked before any run starts: a damaged run is a run to do, in the counts and the progress
        done, damaged = retire_damaged_runs(sweep_dir)
        planned = planned_runs()      # this sweep's own runs, as the check before it found them
        own = sum((sweep_dir / "runs" / run / COMPLETE_MARKER).exists() for run in planned) if planned else done
        others = done - own
        write_progress_start(sweep_dir, total, done, own)
        stale = [(run, problem) for run, problem in damaged if problem.startswith(OTHER_CODE)]
        damaged = [(run, problem) for run, problem in damaged if not problem.startswith(OTHER_CODE)]
        from analysis.i18n import language, tr

        with language(str(config.get("lang", "en"))):
            notes = ([tr("{n} already complete, checked, will be skipped", n=own)] if own else []) + \
                ([tr("{n} complete runs of other seeds or settings in the folder are collected with it", n=others)]
                 if others > 0 else []) + \
                ([tr("{n} damaged, will be redone, e.g. {run}: {problem}", n=len(damaged), run=damaged[0][0].name,
                     problem=damaged[0][1])] if damaged else []) + \
                ([tr("{n} made by other model code: redone if this sweep includes them, left out of its tables "
                     "otherwise", n=len(stale))] if stale else [])
            note = f" ({'; '.join(notes)})" if notes else ""
            print(tr("inclusim: sweep '{name}' with {total} runs -> {folder}{note}", name=config.name, total=total,
                     folder=sweep_dir, note=note), flush=True)

    def on_multirun_end(self, config, **kwargs) -> None:
        # Hydra turns an exception here into a warning: the real work is done after Hydra returns
        FINISHED_SWEEPS.append((Path(config.hydra.sweep.dir), bool(config.get("report", True)),
                                str(config.get("lang", "en"))))
