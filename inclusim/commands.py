"""The sub-commands of ``inclusim`` (click commands): the ones that work on a sweep folder (collect,
summary, progress, report) and the ones that write a page or start a service (params, validate,
mechanisms, contrast, explain, bench, calibrate, dashboard, staffing). ``inclusim.cli`` puts them in one group
beside the run command. Each imports what it needs when it runs, so that ``--help`` stays quick.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from inclusim.errors import fail

#: A path option or argument: a ``Path``, checked by the command itself (one line naming it if it is wrong).
PATH = click.Path(path_type=Path)


def _lang(function):
    """The ``--lang`` option: the language of the summary and the report."""
    return click.option("--lang", default="en", metavar="LANG",
                        help="language of the summary and the report: en, nb (bokmål)")(function)


def _seeds(default: int):
    """The ``--seeds`` option: the replications (seeds 1 to N) of every setting."""
    return click.option("--seeds", type=int, default=default, metavar="N", help="seeds (replications) per setting")


def _workers(default: int, text: str = "processes that run the simulations"):
    """The ``--workers`` option: the number of processes that share the work."""
    return click.option("--workers", type=int, default=default, metavar="K", help=text)


def _out(default: Path | None, text: str, metavar: str = "FILE"):
    """The ``--out`` option: where the command writes what it makes."""
    return click.option("--out", type=PATH, default=default, metavar=metavar, help=text)


def _sweep_dir(function):
    """The ``SWEEP_DIR`` argument: a folder that ``inclusim -m ...`` wrote."""
    return click.argument("sweep_dir", type=PATH, metavar="SWEEP_DIR")(function)


# -- the commands that work on a sweep folder --------------------------------------------------------
@click.command(short_help="rebuild the tidy tables and the summary of a sweep folder")
@_sweep_dir
@_lang
def collect(sweep_dir: Path, lang: str) -> None:
    """Rebuild the tidy tables and the summary of a sweep folder, from its runs as they are now."""
    lang = _language(lang)
    _collect(_checked_folder("collect", sweep_dir), lang=lang)


@click.command(short_help="print the summary table of a collected sweep")
@_sweep_dir
@_lang
def summary(sweep_dir: Path, lang: str) -> None:
    """Print the summary table of a collected sweep (or of a single run's folder)."""
    import pandas as pd

    from analysis.i18n import language
    from analysis.summary import group_column, summary_text, terminal_summary

    lang = _language(lang)
    _checked_folder("summary", sweep_dir)
    runs_file = sweep_dir / "runs.parquet"
    if not runs_file.exists():
        fail(f"{runs_file} not found: run 'inclusim collect {sweep_dir}' first")
    try:
        runs = pd.read_parquet(runs_file)
    except Exception as exc:  # noqa: BLE001 - a damaged table: one line
        fail(f"{runs_file} cannot be read ({type(exc).__name__}); run 'inclusim collect {sweep_dir}' again", code=1)
    with language(lang):
        print(summary_text(terminal_summary(runs, group_column(runs))))


@click.command(short_help="runs done / total, elapsed, time left")
@_sweep_dir
def progress(sweep_dir: Path) -> None:
    """Runs done / total, elapsed, time left of a sweep, e.g. one running on a cluster."""
    from inclusim.sweep import progress_line

    print(progress_line(_checked_folder("progress", sweep_dir)))


@click.command(short_help="write the HTML report of a sweep (collects first)")
@_sweep_dir
@_lang
@click.option("--pdf", is_flag=True, help="also write report.pdf (A4, printed by the system's Chromium)")
def report(sweep_dir: Path, lang: str, pdf: bool) -> None:
    """Write the HTML report (figures, tables, readings) of a sweep, collecting it first from its runs as
    they are now; a single run's folder gets the report of its own tables."""
    from infra.store import is_sweep_folder

    lang = _language(lang)
    _checked_folder("report", sweep_dir)
    if is_sweep_folder(sweep_dir):
        _collect(sweep_dir, report=True, lang=lang, pdf=pdf)
    else:
        _single_report(sweep_dir, lang, pdf=pdf)


def _language(lang: str) -> str:
    """The checked ``--lang``, or one line naming what is allowed."""
    from analysis.i18n import check_language
    from domain.params import ConfigError

    try:
        return check_language(lang, "--lang")
    except ConfigError as exc:
        fail(str(exc))


def _checked_folder(command: str, sweep_dir: Path) -> Path:
    """``sweep_dir`` if the command may read it: a sweep folder, or for report and summary a single
    run's folder (which holds the tables a collected sweep has); nothing is read or written in any other."""
    from infra.store import is_sweep_folder

    from inclusim.launch import check_environment

    check_environment()
    if not sweep_dir.is_dir():
        fail(f"sweep folder {sweep_dir} does not exist")
    single_run = command in ("report", "summary") and (sweep_dir / "runs.parquet").exists()
    if not (is_sweep_folder(sweep_dir) or single_run):
        fail(f"{sweep_dir} is not a sweep folder (it has no runs/ folder): give a folder that 'inclusim -m ...' "
             "wrote" + (", or a single run's folder" if command in ("report", "summary") else ""))
    return sweep_dir


def _single_report(run_dir: Path, lang: str = "en", pdf: bool = False) -> None:
    """The report of a single run's folder: its tables are the tables."""
    from domain.params import ConfigError
    from infra.store import check_run
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
    """Collect a sweep folder (and write its report), or one line and status 1 if that fails."""
    from domain.params import ConfigError
    from inclusim.sweep import after_sweep, describe

    try:
        after_sweep(sweep_dir, report=report, lang=lang, pdf=pdf)
    except ConfigError as exc:      # e.g. no PDF: the HTML report is written; one line, status 1
        fail(str(exc), code=1)
    except Exception as exc:  # noqa: BLE001 - one line, status 1
        fail(f"collecting {sweep_dir} failed: {describe(exc)}", code=1)


# -- the commands that write a page or start a service ----------------------------------------------
@click.command(short_help="write the parameter table (docs/parameters.md)")
@_out(Path("docs/parameters.md"), "where to write the table")
def params(out: Path) -> None:
    """Write the parameter table: every setting of a run with its unit, source and allowed range."""
    from inclusim.paramdoc import write_parameter_table

    write_parameter_table(out)
    print(f"wrote {out}")


@click.command(short_help="the model against the figures of the seeds and the evidence")
@_seeds(10)
@_out(None, "also write the results to FILE (.csv or .md)")
@click.option("--ensemble", is_flag=True,
              help="also run every parameter set of the calibrated ensemble: the interval over the sets")
@_workers(2)
def validate(seeds: int, out: Path | None, ensemble: bool, workers: int) -> None:
    """The model against every target of conf/targets.yaml: the figures of the seeds and the evidence."""
    from inclusim.validation import main as validate_main

    if ensemble:
        from inclusim.calibration_doc import main as ensemble_main
        from inclusim.study import load_ensemble

        sets = load_ensemble()
        if not sets:
            fail("--ensemble: conf/ensemble/ holds no parameter set; run 'inclusim calibrate --ensemble conf' first")
        ensemble_main(seeds, out, sets, workers=max(1, workers))
        return
    validate_main(seeds=seeds, out=out, workers=max(1, workers))


@click.command(short_help="each mechanism off, halved and doubled, for every policy")
@_seeds(8)
@_out(Path("docs/mechanisms.md"), "where to write the page (a .csv beside it)")
def mechanisms(seeds: int, out: Path) -> None:
    """Each mechanism switched off, halved and doubled for every policy, with paired intervals."""
    from inclusim.mechanisms import main as mechanisms_main

    mechanisms_main(seeds=seeds, out=out)


@click.command(short_help="why large-need users fare so differently by policy")
@_seeds(6)
@_out(Path("docs/contrast.md"), "where to write the page")
def contrast(seeds: int, out: Path) -> None:
    """Why large-need users fare so differently under the policies: the saksbehandler office given one
    group of hybrid practices at a time, and the assumptions behind the gap halved and doubled."""
    from inclusim.contrast import main as contrast_main

    contrast_main(seeds=seeds, out=out)


@click.command(short_help="why a policy beats ordinary case work, split into its parts",
               context_settings={"ignore_unknown_options": True})
@click.argument("policy", metavar="POLICY")
@click.argument("overrides", nargs=-1, type=click.UNPROCESSED, metavar="[KEY=VALUE]...")
@_seeds(10)
@_out(None, "the folder of explain.csv and the waterfall charts (default: the sweep folder's explain/)",
      metavar="DIR")
def explain(policy: str, overrides: tuple[str, ...], seeds: int, out: Path | None) -> None:
    """Why POLICY beats (or trails) ordinary case work: a sweep of the policy with every subset of its
    named parts switched off (job-specialist team, close follow-up, their practices, referrals) on the
    same seeds and office (with every part off it is the saksbehandler office), and each outcome's
    contrast split into a share per part (Shapley values) with intervals over the seeds. KEY=VALUE
    settings apply to every run (e.g. office=FILE, output_root=DIR, hydra/launcher=slurm); the sweep
    is resumable like any other."""
    from domain.params import ConfigError
    from inclusim.explain import main as explain_main

    try:
        explain_main(policy, seeds, out, list(overrides))
    except ConfigError as exc:
        fail(str(exc))


@click.command(short_help="speed beside plain Mesa and numpy, and how it scales")
@click.option("--repeats", type=int, default=5, metavar="N", help="timed repeats of each case")
@click.option("--quick", is_flag=True, help="2 repeats, no national case")
@_out(Path("outputs/bench"), "the folder of bench.csv and the scaling chart", metavar="DIR")
def bench(repeats: int, quick: bool, out: Path) -> None:
    """Speed beside plain Mesa and plain numpy measured in the same run, and how the cost scales."""
    from inclusim.bench import main as bench_main

    bench_main(repeats=repeats, quick=quick, out=out)


@click.command(short_help="fit the free parameters to the targets, keep an ensemble")
@click.option("--trials", type=int, default=150, metavar="N", help="complete trials the study should hold")
@_workers(2, "processes taking trials")
@click.option("--storage", default=None, metavar="URL",
              help="Optuna storage URL (default sqlite:///outputs/calibration/study.db)")
@click.option("--study", default="inclusim", metavar="NAME", help="study name")
@click.option("--quick", is_flag=True, help="the reduced plan of conf/calibration.yaml (CI)")
@click.option("--ensemble", type=PATH, default=None, metavar="CONF_DIR",
              help="write the accepted parameter sets to CONF_DIR/ensemble/ (conf for the model's own)")
def calibrate(trials: int, workers: int, storage: str | None, study: str, quick: bool, ensemble: Path | None) -> None:
    """Fit the free parameters of conf/calibration.yaml to the fit targets with Optuna; a second call
    continues the study; --ensemble keeps the parameter sets that meet every fit target."""
    from domain.params import ConfigError
    from inclusim.study import main as calibrate_main

    if trials < 1 or workers < 1:
        fail(f"--trials = {trials}, --workers = {workers}: both must be at least 1")
    from inclusim.calibration import DEFAULT_STORAGE
    from inclusim.interrupts import Terminated, exit_status, interrupted, interruptible

    try:
        with interruptible():
            status = calibrate_main(trials, workers, storage, study, quick, ensemble)
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
    print(f"\ninclusim: {stopped}. The study keeps its finished trials ({storage or DEFAULT_STORAGE}, "
          f"study {study!r}); run the same command again to go on.", file=sys.stderr)
    raise SystemExit(status)


@click.command(short_help="the office leader's dashboard in a browser")
@click.option("--host", default="127.0.0.1", metavar="HOST",
              help="address to listen on (default: this machine only; another needs --allow-remote)")
@click.option("--port", type=int, default=8765, metavar="PORT", help="port (0: any free port)")
@click.option("--allow-remote", is_flag=True,
              help="let --host be an address other machines reach (plain http: a network you trust)")
@click.option("--no-token", is_flag=True,
              help="serve this machine without the token every request needs otherwise (prints a warning: any "
                   "account on the machine can then use it)")
@click.option("--office-dir", default=None, metavar="DIR",
              help="offer the office files (.yaml) in DIR on the first page, by name")
def dashboard(host: str, port: int, allow_remote: bool, no_token: bool, office_dir: str | None) -> None:
    """The office leader's dashboard in a browser (bokmål, with an English switch); prints its address
    with a token."""
    from inclusim.dashboard.server import serve

    raise SystemExit(serve(host, port, allow_remote=allow_remote, office_dir=office_dir, no_token=no_token))


@click.command(short_help="the best staff mixes for a number of positions")
@click.argument("settings", nargs=-1, metavar="[KEY=VALUE]...")
def staffing(settings: tuple[str, ...]) -> None:
    """The best staff mixes for a number of positions (docs/staffing.md). Its settings are key=value:

    \b
      budget_fte=N  office=FILE  seeds=N  workers=K  search=auto|grid|optuna  mixes=N  slots=2,3,4,5
      mixed_policy=auto|brobygger|hybrid  ensemble_interval=true  out=DIR  top=N
      and any setting of a run, e.g. horizon_weeks=104 office.leader_support=0.9 lang=nb
    """
    from domain.params import ConfigError
    from inclusim.staffing_output import main as staffing_main

    try:
        raise SystemExit(staffing_main(list(settings)))
    except ConfigError as exc:
        fail(str(exc))


#: The sub-commands, in the order ``inclusim --help`` lists them (after ``run``).
COMMANDS = (collect, summary, progress, report, params, validate, mechanisms, contrast, explain, bench, calibrate,
            dashboard, staffing)
