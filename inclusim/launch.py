"""Runs and sweeps of Hydra overrides, as the ``inclusim`` command starts them: checked before anything
is written, run by Hydra's launcher (loky on this machine, SLURM on a cluster), and each sweep
collected, summarised and reported at the end. The run command (``inclusim -m ...``) and ``inclusim
explain`` start their runs here: the one way to run many runs into run folders (resumable, with
progress)."""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

from inclusim.errors import fail

#: The main job: the four policies over seeds 1-10 of every parameter set of the calibrated ensemble.
MAIN_JOB = ["-m", "+experiment=policy_compare", "+uncertainty=ensemble"]
#: Settings that change how or where results are shown, not what is run: given alone, they apply to
#: the main job (``inclusim lang=nb``, ``inclusim output_root=/data/inclusim``).
PRESENTATION_KEYS = ("lang", "output_root")


def run_or_sweep(argv: list[str]) -> list[Path]:
    """A run or a sweep of Hydra overrides (with ``-m``), checked before anything is written, and the
    sweeps collected, summarised and reported at the end; without overrides, the main job. The folders
    of the sweeps it ran (none for a single run); a failure ends the command with its status."""
    if all(arg.split("=", 1)[0] in PRESENTATION_KEYS for arg in argv):
        argv = list(MAIN_JOB) + argv     # e.g. `inclusim lang=nb`: the main job, in bokmål, or elsewhere
    from domain.params import ConfigError
    from inclusim.office import expand_office_files, hydra_value, quote_letters, said_in
    from inclusim.preflight import check
    from inclusim.workers import MAIN_PID_VARIABLE

    argv = quote_letters(argv)             # name=Bodø: Hydra's grammar takes æ, ø, å only in quotes
    try:
        argv = expand_office_files(argv)   # office=FILE: the office file's presets and settings
    except ConfigError as exc:
        fail(said_in(exc.said or str(exc), argv))     # in bokmål with lang=nb
    check_environment()
    # Hydra hands an error of its own (e.g. a full disk while it writes a job's config) to this process
    # instead of printing a traceback, so that it becomes one line here
    os.environ["HYDRA_FULL_ERROR"] = "1"
    os.environ[MAIN_PID_VARIABLE] = str(os.getpid())   # lets worker processes end when this one is gone
    try:
        plan = check(argv)     # every run valid, the output folder usable: before anything is written
    except ConfigError as exc:
        fail(str(exc))
    if plan is not None and plan.given_name is not None:
        argv = argv + [f"name={plan.given_name}"]     # a sweep without a name: named by its settings
    made = None          # the folder this command makes for its results, if it is new
    if plan is not None and plan.single_dir is not None:
        made = _single_run_folder(plan.single_dir)
        argv = argv + [f"hydra.run.dir={hydra_value(str(made))}"]
    elif plan is not None and plan.sweep_dir is not None and not plan.sweep_dir.exists():
        made = plan.sweep_dir
    sys.argv = [sys.argv[0] if sys.argv else "inclusim"] + argv
    try:
        _hydra_main()
    except Exception as exc:  # noqa: BLE001 - a fault of the machine or of Hydra while it runs: one line, status 1
        from infra.store import remove_empty_leftovers
        from inclusim.sweep import describe

        for folder in (made, plan.sweep_dir if plan is not None else None):
            if folder is not None:
                remove_empty_leftovers(folder, whole=folder == made)
        if plan is not None and plan.single_dir is not None:     # single_runs/<name>, if empty now
            for parent in (plan.single_dir, plan.single_dir.parent):
                with contextlib.suppress(OSError):
                    parent.rmdir()
        where = (f"; finished runs are kept in {plan.sweep_dir}: run the same command again to go on"
                 if plan is not None and plan.sweep_dir is not None and plan.sweep_dir.exists() else "")
        fail(f"the command stopped: {describe(exc)}{where}", code=1)
    from inclusim.sweep import FINISHED_SWEEPS, finish

    status = 0
    for sweep_dir, report, lang in FINISHED_SWEEPS:
        status = max(status, finish(sweep_dir, report, lang))
    if status:
        raise SystemExit(status)
    return [sweep_dir for sweep_dir, _report, _lang in FINISHED_SWEEPS]


def _hydra_main() -> None:
    import hydra

    from inclusim.compose import CONF_DIR, register_configs
    from inclusim.task import task

    register_configs()
    hydra.main(version_base="1.3", config_path=str(CONF_DIR), config_name="config")(task)()


def _single_run_folder(parent: Path) -> Path:
    """The folder of a single run: ``parent/<date>_<time>``, made now, so that no other run shares it."""
    import time

    from infra.store import new_run_folder

    try:
        return new_run_folder(parent, time.strftime("%Y-%m-%d_%H-%M-%S"))
    except OSError as exc:
        from inclusim.sweep import describe

        fail(f"the run's folder cannot be made in {parent}: {describe(exc)}", code=1)


def check_environment() -> None:
    """The environment variables a command reads, checked before it starts (one line if one is bad)."""
    from infra.store import lock_timeout

    try:
        lock_timeout()
    except ValueError as exc:
        fail(str(exc))
