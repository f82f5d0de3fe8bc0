"""The ``inclusim`` command.

    inclusim [lang=nb] [output_root=DIR]   the main job: compare the four policies on the default office,
                                           over seeds and the calibrated ensemble's parameter sets
    inclusim [key=value ...]               one run (Hydra overrides), tables in outputs/single_runs/...
    inclusim -m [key=a,b ...]              a sweep (Hydra multirun, all cores), collected at the end
    inclusim -m +experiment=NAME           a ready sweep from conf/experiment/
    inclusim collect SWEEP_DIR             (re)build the tidy tables and the summary of a sweep folder
    inclusim report SWEEP_DIR              write the HTML report (figures, tables, readings) of a sweep
    inclusim report SWEEP_DIR --pdf        also write report.pdf (A4) with the system's Chromium
    inclusim summary SWEEP_DIR             print the summary table of a collected sweep
    inclusim ... lang=nb                   the report and the terminal summary in bokmål, for a run or a sweep
                                           (collect, report, summary: --lang nb)
    inclusim progress SWEEP_DIR            runs done / total, elapsed, time left (e.g. on a cluster)
    inclusim params [--out FILE]           write the parameter table (docs/parameters.md)
    inclusim validate [--seeds N] [--out FILE] [--ensemble] [--workers K]
                                           the model against the seeds' and the evidence's figures
    inclusim mechanisms [--seeds N] [--out FILE] each mechanism off / halved / doubled (docs/mechanisms.md)
    inclusim contrast [--seeds N] [--out FILE]   why large-need users fare so differently (docs/contrast.md)
    inclusim bench [--repeats N] [--quick] [--out DIR]   speed beside plain Mesa and numpy, and how it scales
    inclusim dashboard [--port P] [--host H --allow-remote] [--office-dir DIR] [--no-token]
                                           the office leader's dashboard in a browser (prints its address
                                           with a token; beyond this machine only with --allow-remote)
    inclusim staffing [budget_fte=N] [office=FILE] [seeds=N] ...   the best staff mixes for N positions
    inclusim calibrate [--trials N] [--workers K] [--storage URL] [--study NAME] [--quick] [--ensemble FILE]
                                           fit the free parameters to the targets (Optuna), keep an ensemble

User errors (unknown keys, wrong types, values out of range, missing folders, unknown options)
print one line naming the field, the value and what is allowed, and exit with status 2, without a
traceback.
"""

from __future__ import annotations

import argparse
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
SUBCOMMANDS = ("collect", "summary", "progress", "report", "params", "validate", "mechanisms", "contrast", "bench", "calibrate",
               "dashboard", "staffing")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit status 2, no usage dump
        fail(f"{self.prog}: {message}")


def _subcommand_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="inclusim", add_help=True)
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name, text in (("collect", "rebuild the tidy tables and the summary of a sweep folder"),
                       ("summary", "print the summary table of a collected sweep"),
                       ("progress", "runs done / total, elapsed, time left"),
                       ("report", "write the HTML report of a sweep (collects first if needed)")):
        sub = commands.add_parser(name, help=text)
        sub.add_argument("sweep_dir", type=Path)
        if name != "progress":
            sub.add_argument("--lang", default="en", help="language of the summary and the report: en, nb (bokmål)")
        if name == "report":
            sub.add_argument("--pdf", action="store_true",
                             help="also write report.pdf (A4, printed by the system's Chromium)")
    params = commands.add_parser("params", help="write the parameter table")
    params.add_argument("--out", type=Path, default=Path("docs/parameters.md"))
    validate = commands.add_parser("validate", help="the model against the figures of the seeds and the evidence")
    validate.add_argument("--seeds", type=int, default=10)
    validate.add_argument("--out", type=Path, default=None)
    validate.add_argument("--ensemble", action="store_true",
                          help="also run every parameter set of the calibrated ensemble: the interval over the sets")
    validate.add_argument("--workers", type=int, default=2)
    mechanisms = commands.add_parser("mechanisms", help="each mechanism off, halved and doubled, for every policy")
    mechanisms.add_argument("--seeds", type=int, default=8)
    mechanisms.add_argument("--out", type=Path, default=Path("docs/mechanisms.md"))
    contrast = commands.add_parser("contrast", help="why large-need users fare so differently under the policies")
    contrast.add_argument("--seeds", type=int, default=6)
    contrast.add_argument("--out", type=Path, default=Path("docs/contrast.md"))
    bench = commands.add_parser("bench", help="speed beside plain Mesa and plain numpy, and how the cost scales")
    bench.add_argument("--repeats", type=int, default=5)
    bench.add_argument("--quick", action="store_true", help="2 repeats, no national case")
    bench.add_argument("--out", type=Path, default=Path("outputs/bench"))
    calibrate = commands.add_parser("calibrate", help="fit the free parameters to the targets (Optuna), keep an ensemble")
    calibrate.add_argument("--trials", type=int, default=150, help="complete trials the study should hold")
    calibrate.add_argument("--workers", type=int, default=2, help="processes taking trials")
    calibrate.add_argument("--storage", default=None, help="Optuna storage URL (default sqlite:///outputs/calibration/study.db)")
    calibrate.add_argument("--study", default="inclusim", help="study name")
    calibrate.add_argument("--quick", action="store_true", help="the reduced plan of conf/calibration.yaml (CI)")
    calibrate.add_argument("--ensemble", type=Path, default=None, metavar="CONF_DIR",
                           help="write the accepted parameter sets to CONF_DIR/ensemble/ (conf for the model's own)")
    dashboard = commands.add_parser("dashboard", help="the office leader's dashboard in a browser (bokmål/English)")
    dashboard.add_argument("--host", default="127.0.0.1",
                           help="address to listen on (default: this machine only; another needs --allow-remote)")
    dashboard.add_argument("--port", type=int, default=8765, help="port (0: any free port)")
    dashboard.add_argument("--allow-remote", action="store_true",
                           help="let --host be an address other machines reach (plain http: a network you trust)")
    dashboard.add_argument("--no-token", action="store_true",
                           help="serve this machine without the token every request needs otherwise (prints a "
                                "warning: any account on the machine can then use it)")
    dashboard.add_argument("--office-dir", default=None, metavar="DIR",
                           help="offer the office files (.yaml) in DIR on the first page, by name")
    staffing = commands.add_parser("staffing", help="the best staff mixes for a number of positions (docs/staffing.md)")
    staffing.add_argument("settings", nargs="*", help="key=value: budget_fte=15 office=FILE seeds=5 ... (docs/staffing.md)")
    return parser


#: What an interrupted command (Ctrl+C) prints, in place of a traceback: exit status 130, as a shell's.
INTERRUPTED = ("inclusim: interrupted. Finished runs are kept; run the same command again to go on "
               "(a sweep skips its finished runs).")


def main(argv: list[str] | None = None) -> None:
    import signal

    from inclusim.interrupts import Terminated, exit_status, terminate_as_interrupt

    signal.signal(signal.SIGTERM, terminate_as_interrupt)   # SLURM's and systemd's stop: as Ctrl+C
    try:
        _main(argv)
    except KeyboardInterrupt as exc:
        what = "stopped (SIGTERM)" if isinstance(exc, Terminated) else "interrupted"
        print(f"\n{INTERRUPTED.replace('interrupted', what, 1)}", file=sys.stderr)
        raise SystemExit(exit_status(exc)) from None


def usage() -> str:
    """``inclusim --help``: the commands (this module's docstring) and the configuration groups a run
    composes from (the ``.yaml`` files of ``conf/``), without starting Hydra (whose own help takes
    about 4 s to list them: ``inclusim --hydra-help``)."""
    from domain.paths import CONF_DIR

    groups = sorted(folder for folder in CONF_DIR.iterdir() if folder.is_dir() and not folder.name.startswith(("_", ".")))
    lines = [f"  {folder.name}: {', '.join(sorted(p.stem for p in folder.glob('*.yaml')))}" for folder in groups
             if any(folder.glob("*.yaml"))]
    return ("usage:\n" + (__doc__ or "").split("\n", 2)[2].rstrip() + "\n\nConfiguration groups (group=option, "
            "e.g. policy=hybrid office=asker; +experiment=NAME for a ready sweep):\n" + "\n".join(lines) +
            "\n\nThe settings of a run and their defaults: inclusim --cfg job [key=value ...]; what each one means\n"
            "and where its value comes from: docs/parameters.md. Hydra's own help: inclusim --hydra-help.")


def _main(argv: list[str] | None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv in (["--help"], ["-h"]):
        print(usage())
        return
    if argv and argv[0] in SUBCOMMANDS:
        return subcommand(_subcommand_parser().parse_args(argv))
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
    _check_environment()
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
        from domain.store import remove_empty_leftovers
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


def _hydra_main() -> None:
    import hydra

    from inclusim.compose import CONF_DIR, register_configs
    from inclusim.task import task

    register_configs()
    hydra.main(version_base="1.3", config_path=str(CONF_DIR), config_name="config")(task)()


def subcommand(args: argparse.Namespace) -> None:
    if args.command == "staffing":
        from domain.params import ConfigError
        from inclusim.staffing_output import main as staffing_main

        try:
            raise SystemExit(staffing_main(args.settings))
        except ConfigError as exc:
            fail(str(exc))
    if args.command == "params":
        from inclusim.paramdoc import write_parameter_table

        write_parameter_table(args.out)
        print(f"wrote {args.out}")
        return
    if args.command == "dashboard":
        from inclusim.dashboard.server import serve

        raise SystemExit(serve(args.host, args.port, allow_remote=args.allow_remote, office_dir=args.office_dir,
                               no_token=args.no_token))
    if args.command == "mechanisms":
        from inclusim.mechanisms import main as mechanisms_main

        mechanisms_main(seeds=args.seeds, out=args.out)
        return
    if args.command == "bench":
        from inclusim.bench import main as bench_main

        bench_main(repeats=args.repeats, quick=args.quick, out=args.out)
        return
    if args.command == "contrast":
        from inclusim.contrast import main as contrast_main

        contrast_main(seeds=args.seeds, out=args.out)
        return
    if args.command == "calibrate":
        from domain.params import ConfigError
        from inclusim.study import main as calibrate_main

        if args.trials < 1 or args.workers < 1:
            fail(f"--trials = {args.trials}, --workers = {args.workers}: both must be at least 1")
        from inclusim.calibration import DEFAULT_STORAGE
        from inclusim.interrupts import Terminated, exit_status, interrupted, interruptible

        try:
            with interruptible():
                status = calibrate_main(args.trials, args.workers, args.storage, args.study, args.quick, args.ensemble)
        except ConfigError as exc:
            fail(str(exc))
        except Exception:
            if not interrupted():     # a compiled function can turn Ctrl+C into another error
                raise
            status, stopped = 130, "interrupted"
        except KeyboardInterrupt as exc:
            status = exit_status(exc)
            stopped = "stopped (SIGTERM)" if isinstance(exc, Terminated) else "interrupted"
        else:
            raise SystemExit(status)
        print(f"\ninclusim: {stopped}. The study keeps its finished trials ({args.storage or DEFAULT_STORAGE}, "
              f"study {args.study!r}); run the same command again to go on.", file=sys.stderr)
        raise SystemExit(status)
    if args.command == "validate":
        from inclusim.validation import main as validate_main

        if args.ensemble:
            from inclusim.calibration_doc import main as ensemble_main
            from inclusim.study import load_ensemble

            ensemble = load_ensemble()
            if not ensemble:
                fail("--ensemble: conf/ensemble/ holds no parameter set; run 'inclusim calibrate --ensemble conf' first")
            ensemble_main(args.seeds, args.out, ensemble, workers=max(1, args.workers))
            return
        validate_main(seeds=args.seeds, out=args.out, workers=max(1, args.workers))
        return
    from analysis.i18n import check_language, language
    from domain.params import ConfigError

    try:
        lang = check_language(getattr(args, "lang", "en"), "--lang")
    except ConfigError as exc:
        fail(str(exc))
    _check_environment()
    sweep_dir = args.sweep_dir
    if not sweep_dir.is_dir():
        fail(f"sweep folder {sweep_dir} does not exist")
    from domain.store import is_sweep_folder

    # a single run's folder holds the tables a collected sweep has: it has a report and a summary
    single_run = args.command in ("report", "summary") and (sweep_dir / "runs.parquet").exists() \
        and not is_sweep_folder(sweep_dir)
    if not (is_sweep_folder(sweep_dir) or single_run):   # nothing is read or written in any other folder
        fail(f"{sweep_dir} is not a sweep folder (it has no runs/ folder): give a folder that 'inclusim -m ...' "
             "wrote" + (", or a single run's folder" if args.command in ("report", "summary") else ""))
    if args.command == "progress":
        from inclusim.sweep import progress_line

        print(progress_line(sweep_dir))
    elif args.command == "collect":
        _collect(sweep_dir, lang=lang)
    elif args.command == "summary":
        import pandas as pd

        from analysis.summary import group_column, summary_text, terminal_summary

        runs_file = sweep_dir / "runs.parquet"
        if not runs_file.exists():
            fail(f"{runs_file} not found: run 'inclusim collect {sweep_dir}' first")
        try:
            runs = pd.read_parquet(runs_file)
        except Exception as exc:  # noqa: BLE001 - a damaged table: one line
            fail(f"{runs_file} cannot be read ({type(exc).__name__}); run 'inclusim collect {sweep_dir}' again",
                 code=1)
        with language(lang):
            print(summary_text(terminal_summary(runs, group_column(runs))))
    elif args.command == "report":
        if single_run:
            _single_report(sweep_dir, lang, pdf=args.pdf)      # a single run's folder: its tables are the tables
        else:
            _collect(sweep_dir, report=True, lang=lang, pdf=args.pdf)   # always from the runs as they are now


def _single_run_folder(parent: Path) -> Path:
    """The folder of a single run: ``parent/<date>_<time>``, made now, so that no other run shares it."""
    import time

    from domain.store import new_run_folder

    try:
        return new_run_folder(parent, time.strftime("%Y-%m-%d_%H-%M-%S"))
    except OSError as exc:
        from inclusim.sweep import describe

        fail(f"the run's folder cannot be made in {parent}: {describe(exc)}", code=1)


def _check_environment() -> None:
    """The environment variables a command reads, checked before it starts (one line if one is bad)."""
    from domain.store import lock_timeout

    try:
        lock_timeout()
    except ValueError as exc:
        fail(str(exc))


def _single_report(run_dir: Path, lang: str = "en", pdf: bool = False) -> None:
    from domain.params import ConfigError
    from domain.store import check_run
    from inclusim.sweep import describe

    problem = check_run(run_dir)
    if problem is not None:
        fail(f"{run_dir} is not a complete run: {problem}", code=1)
    try:
        from analysis.report import build_report

        printer = None
        if pdf:
            from inclusim.report_pdf import print_pdf as printer
        path = build_report(run_dir, lang=lang, printer=printer)
        print(f"report:  {path.resolve()}")
        if pdf:
            print(f"pdf:     {(path.parent / 'report.pdf').resolve()}")
    except ConfigError as exc:      # no PDF: the HTML report is written; one line, status 1
        fail(str(exc), code=1)
    except Exception as exc:  # noqa: BLE001 - one line, status 1
        fail(f"the report of {run_dir} failed: {describe(exc)}", code=1)


def _collect(sweep_dir: Path, report: bool = False, lang: str = "en", pdf: bool = False) -> None:
    from domain.params import ConfigError
    from inclusim.sweep import after_sweep, describe

    try:
        after_sweep(sweep_dir, report=report, lang=lang, pdf=pdf)
    except ConfigError as exc:      # e.g. no PDF: the HTML report is written; one line, status 1
        fail(str(exc), code=1)
    except Exception as exc:  # noqa: BLE001 - one line, status 1
        fail(f"collecting {sweep_dir} failed: {describe(exc)}", code=1)


if __name__ == "__main__":
    main()
