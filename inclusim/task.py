"""The Hydra task: run one configuration and write its run folder (skipped when already complete).

In a sweep a run that fails (a bug, a full disk) does not stop the other runs: its folder gets a
``_FAILED`` file with what went wrong, and the sweep ends with a non-zero exit status naming it
(``inclusim.sweep.finish``). A single run that fails ends the command with one line and status 1.
"""

from __future__ import annotations

import shutil
import sys
import traceback
from pathlib import Path

from domain.config import config_hash, validate
from domain.params import ConfigError, merge
from infra.provenance import model_code
from infra.store import COMPLETE_MARKER, check_run, prepare_redo, run_lock, write_failure
from inclusim.batching import BATCH_KEY, runs_of_job
from inclusim.compose import SETTINGS_KEYS, to_config_and_settings
from inclusim.errors import fail
from inclusim.workers import is_local_worker, watch_parent

# The model (``sim``) and the analysis are imported where a run is made or printed: the command's
# own process imports this module to hand the task to Hydra, and in a sweep only its worker
# processes run models; loading the model in the command's process would delay the first run.


def task(composed) -> None:
    """Run the composed config; in a sweep, write ``runs/<config_hash>/`` for each of the job's seeds
    (``seeds=[...]`` from the inclusim sweeper, else its one seed), else the single-run folder."""
    from hydra.core.hydra_config import HydraConfig
    from hydra.types import RunMode

    watch_parent()
    try:
        cfg, settings = to_config_and_settings(composed)
    except ConfigError as exc:
        fail(str(exc))
    hydra_cfg = HydraConfig.get()
    multirun = hydra_cfg.mode == RunMode.MULTIRUN
    seeds = list(composed.get(BATCH_KEY) or [])
    if seeds and not multirun:
        fail(f"{BATCH_KEY}={seeds}: '{BATCH_KEY}' is set by the sweeper; for several seeds sweep them: "
             f"inclusim -m seed=1,2,3")
    for seed, overrides in runs_of_job(list(hydra_cfg.overrides.task), seeds):
        run_cfg = cfg if seed is None else validate(merge(cfg, {"seed": seed}))
        # in a sweep's worker the runs already use every core of this machine: regions one after the other
        workers = 1 if is_local_worker() else settings.workers
        out = Path(hydra_cfg.sweep.dir) / "runs" / config_hash(run_cfg) if multirun else Path(hydra_cfg.run.dir)
        _run_one(run_cfg, settings, workers, overrides, out, multirun,
                 Path(hydra_cfg.sweep.dir) if multirun else None)


def _run_one(cfg, settings, workers: int, overrides: list[str], out: Path, multirun: bool,
             sweep_dir: Path | None) -> None:
    """One run: skipped when its folder is complete, else run and written (a failure is recorded). In a
    sweep, the run's folder is held meanwhile (``infra.store.run_lock``): another command with the
    same run waits, then skips it (one that waits longer than the lock's timeout stops the sweep with
    the lock's one line)."""
    if not multirun:
        return _run_and_write(cfg, settings, workers, overrides, out, multirun, sweep_dir)
    with run_lock(out):
        _run_and_write(cfg, settings, workers, overrides, out, multirun, sweep_dir)


def _run_and_write(cfg, settings, workers: int, overrides: list[str], out: Path, multirun: bool,
                   sweep_dir: Path | None) -> None:
    from analysis.i18n import language, tr
    from inclusim.sweep import progress_line
    from sim.tables import run_model

    chash = out.name
    if multirun:
        problem = check_run(out, chash, model_code())
        if problem is None:
            with language(settings.lang):
                _say("  " + tr("skip {run} (complete) {overrides}", run=chash, overrides=" ".join(overrides)))
            return
        if (out / COMPLETE_MARKER).exists():
            with language(settings.lang):
                _say("  " + tr("redo {run}: {problem}", run=chash, problem=problem))
        prepare_redo(out)     # not counted as done while it runs; no file of an earlier, killed writer kept
    try:
        result = run_model(cfg, workers)
        model_overrides = [o for o in overrides if not is_label_override(o)]
        result.run_row["overrides"] = " ".join(model_overrides)
        # what distinguishes this run from its replications: the overrides minus the seed and the
        # parameter set of the calibrated ensemble
        result.run_row["variant"] = " ".join(o for o in model_overrides
                                          if o.split("=", 1)[0] not in ("seed", "ensemble")) or cfg.policy.name
        result.meta["overrides"] = overrides
        result.write(out)
    except Exception as exc:  # noqa: BLE001 - one run's failure is reported, the sweep goes on
        message = f"{type(exc).__name__}: {exc}"
        if not multirun:
            fail(f"the run failed: {message} (output folder {out})", code=1)
        try:
            write_failure(out, f"{' '.join(overrides)}\n{message}\n\n{traceback.format_exc()}")
        except OSError:
            pass   # the folder cannot be written either; the sweep's end reports the missing run
        with language(settings.lang):
            _say("  " + tr("FAILED {run} {overrides}: {message}", run=chash, overrides=" ".join(overrides),
                           message=message))
        return
    if multirun:
        with language(settings.lang):
            if sys.stdout.isatty():     # one line that moves on, with a bar, in place of a line per run
                line = f"  {progress_line(sweep_dir, record=True, bar=True)}  {' '.join(overrides)}"
                width = shutil.get_terminal_size().columns - 1
                print("\r\033[K" + line[:width], end="", flush=True)
            else:
                print(f"  {progress_line(sweep_dir, record=True)}  {' '.join(overrides)}", flush=True)
    else:
        with language(settings.lang):   # what a single run prints, and its report, in the language asked for
            print_single(result, out)
            if settings.report:
                _single_report(out)


def _say(line: str) -> None:
    """A line of its own among the runs' progress (on a terminal, over the moving progress line)."""
    print(("\r\033[K" if sys.stdout.isatty() else "") + line, flush=True)


def _single_report(out: Path) -> None:
    """The report of a single run (its folder holds the tables a collected sweep has)."""
    from analysis.report import build_report
    from inclusim.sweep import describe

    try:
        print(f"  report: {build_report(out).resolve()}")
    except Exception as exc:  # noqa: BLE001 - the run's tables are written; the report failed: one line
        fail(f"the run's tables are in {out}, but its report failed: {describe(exc)}", code=1)


def is_label_override(override: str) -> bool:
    """Overrides that name or place a run but do not change the model (kept out of result tables)."""
    key = override.lstrip("+~").split("=", 1)[0]
    return key in SETTINGS_KEYS or key in ("experiment", "uncertainty") or key.startswith(("hydra.", "hydra/"))


#: What a single run prints: its headline KPIs (one run has no interval).
SINGLE_RUN_KPIS = ("ever_employed_share", "ever_employed_share_medium", "ever_employed_share_large", "dropout_share",
                   "apprentice_share", "education_share", "hours_per_candidate", "adviser_weeks_over_budget_share")


def print_single(result, out: Path) -> None:
    from analysis.formatting import format_value
    from analysis.i18n import tr
    from analysis.derived_kpis import last_checkpoint_kpi
    from analysis.labels import kpi_label
    from domain.schema import HOURS, SHARE, kpi

    runs = result.runs
    row = runs.iloc[0]
    last = last_checkpoint_kpi(runs)
    shown = [k for k in (SINGLE_RUN_KPIS[:1] + ((last,) if last else ()) + SINGLE_RUN_KPIS[1:])]
    width = max(len(kpi_label(k)) for k in shown)
    offices = int(row.get("cfg.world.n_offices", 1))
    where = tr("{n} NAV offices, ", n=offices) if offices > 1 else ""
    lines = [tr("inclusim: one run, policy={policy}, seed={seed}, {offices}{users} target-group users, {seconds} s",
                policy=row["policy"], seed=row["seed"], offices=where, users=int(row["n_candidates"]),
                seconds=format_value(result.meta["wall_seconds"], HOURS, 2))]
    for name in shown:
        unit, value = kpi(name).unit, float(row[name])
        text = format_value(value, unit)
        if value == value and unit in (SHARE, HOURS):
            text = f"{text} %" if unit == SHARE else tr("{hours} h", hours=text)
        lines.append(f"  {kpi_label(name):<{width}}  {text}")
    lines += ["  " + tr("(one run has no interval: sweep seeds with -m 'seed=range(1,21)' for uncertainty)"),
              "  " + tr("tables: {folder}", folder=out)]
    print("\n".join(lines))
