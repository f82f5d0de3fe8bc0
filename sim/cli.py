"""The ``inclusim`` command.

    inclusim                               the main job: compare the four policies on the default office
    inclusim [key=value ...]               one run (Hydra overrides), tables in outputs/single/...
    inclusim -m [key=a,b ...]              a sweep (Hydra multirun, all cores), collected at the end
    inclusim -m +experiment=NAME           a ready sweep from conf/experiment/
    inclusim collect SWEEP_DIR             (re)build the tidy tables of a sweep folder
    inclusim report SWEEP_DIR              write the HTML report (figures, tables, readings) of a sweep
    inclusim summary SWEEP_DIR             print the summary table of a collected sweep
    inclusim progress SWEEP_DIR            runs done / total, elapsed, time left (e.g. on a cluster)
    inclusim params [--out FILE]           write the parameter table (docs/parameters.md)

User errors (unknown keys, wrong types, values out of range, missing folders) print one line
naming the field, the value and what is allowed, and exit with status 2, without a traceback.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

CONF_DIR = Path(__file__).resolve().parent.parent / "conf"
SUBCOMMANDS = ("collect", "summary", "progress", "params", "report")
MAIN_JOB = ["-m", "+experiment=policy_compare"]


def _err(msg: str, code: int = 2) -> None:
    print(f"inclusim: error: {msg}", file=sys.stderr)
    raise SystemExit(code)


def to_config(dcfg):
    """Hydra DictConfig -> validated Config dataclass."""
    from omegaconf import OmegaConf

    from sim.config import Config, from_dict, validate

    data = {}
    for key in dcfg:
        if key in ("hydra", "experiment", "scenario"):
            continue
        value = dcfg[key]
        data[key] = OmegaConf.to_container(value, resolve=True) if OmegaConf.is_config(value) else value
    cfg = from_dict(data) if not isinstance(data, Config) else data
    return validate(cfg)


def task(dcfg) -> None:
    """Hydra task: run one configuration and write its tables."""
    from hydra.core.hydra_config import HydraConfig
    from hydra.types import RunMode

    from sim.config import ConfigError, config_hash
    from sim.run import is_complete, run_model, write_run
    from sim.sweep import progress_line

    try:
        cfg = to_config(dcfg)
    except ConfigError as exc:
        _err(str(exc))
    hc = HydraConfig.get()
    chash = config_hash(cfg)
    multirun = hc.mode == RunMode.MULTIRUN
    out = Path(hc.sweep.dir) / "runs" / chash if multirun else Path(hc.run.dir)
    if multirun and is_complete(out, chash):
        print(f"  skip {chash} (complete) {' '.join(hc.overrides.task)}", flush=True)
        return
    result = run_model(cfg)
    model_overrides = [o for o in hc.overrides.task if not _is_label_override(o)]
    result.runs["overrides"] = " ".join(model_overrides)
    # what distinguishes this run from its replications: the overrides minus the seed
    result.runs["variant"] = " ".join(o for o in model_overrides if o.split("=", 1)[0] != "seed") or cfg.policy.name
    result.meta["overrides"] = list(hc.overrides.task)
    write_run(result, out)
    if multirun:
        print(f"  {progress_line(Path(hc.sweep.dir))}  {' '.join(hc.overrides.task)}", flush=True)
    else:
        print_single(result, out)


def _is_label_override(override: str) -> bool:
    """Overrides that name or place a run but do not change the model (kept out of result tables)."""
    key = override.lstrip("+~").split("=", 1)[0]
    return key in ("name", "output_root", "experiment") or key.startswith("hydra.") or key.startswith("hydra/")


def print_single(result, out: Path) -> None:
    r = result.runs.iloc[0]
    lines = [
        f"inclusim: one run, policy={r['policy']}, seed={r['seed']}, {int(r['n_candidates'])} target-group users, "
        f"{result.meta['wall_seconds']:.2f} s",
        f"  ever employed            {100 * r['ever_employed_share']:.1f} %  "
        f"(medium need {100 * r['ever_employed_share_medium']:.1f} %, large {100 * r['ever_employed_share_large']:.1f} %)",
        f"  employed at week 156     {100 * r['employed_share_w156']:.1f} %",
        f"  dropout                  {100 * r['dropout_share']:.1f} %",
        f"  apprenticeship / educ.   {100 * r['apprentice_share']:.1f} % / {100 * r['education_share']:.1f} %",
        f"  adviser hours/candidate  {r['hours_per_candidate']:.1f} h",
        f"  adviser-weeks over budget {100 * r['adviser_weeks_over_budget_share']:.1f} %",
        "  (one run has no interval: sweep seeds with -m seed=range(1,21) for uncertainty)",
        f"  tables: {out}",
    ]
    print("\n".join(lines))


def after_sweep(sweep_dir: Path, config=None, report: bool = True) -> None:
    """Collect a finished sweep, print and save its summary, and write its HTML report."""
    from sim.sweep import collect, write_summary

    import pandas as pd

    collect(sweep_dir)
    runs = pd.read_parquet(sweep_dir / "runs.parquet", columns=["policy", "variant"])
    by = "policy" if runs.groupby("policy")["variant"].nunique().max() <= 1 else "variant"
    table = write_summary(sweep_dir, by=by)
    print("\nSummary: mean over replications (90 % bootstrap interval); shares in %, NOK in thousands")
    print(table.to_string())
    print(f"\nresults: {sweep_dir}")
    if report:
        from analysis.report import build_report

        path = build_report(sweep_dir)
        print(f"report:  {path.resolve()}")


def _hydra_main() -> None:
    import hydra

    from sim.config import register_configs

    register_configs()
    hydra.main(version_base="1.3", config_path=str(CONF_DIR), config_name="config")(task)()


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in SUBCOMMANDS:
        return subcommand(argv[0], argv[1:])
    if not argv:
        argv = list(MAIN_JOB)
    os.environ.setdefault("HYDRA_FULL_ERROR", "0")
    sys.argv = [sys.argv[0] if sys.argv else "inclusim"] + argv
    _hydra_main()


def subcommand(name: str, args: list[str]) -> None:
    if name in ("collect", "summary", "progress", "report"):
        if len(args) != 1:
            _err(f"usage: inclusim {name} SWEEP_DIR")
        sweep_dir = Path(args[0])
        if not sweep_dir.is_dir():
            _err(f"sweep folder {sweep_dir} does not exist")
        if name == "collect":
            try:
                after_sweep(sweep_dir, report=False)
            except FileNotFoundError as exc:
                _err(str(exc))
        elif name == "progress":
            from sim.sweep import progress_line

            print(progress_line(sweep_dir))
        elif name == "summary":
            from sim.sweep import terminal_summary

            runs_file = sweep_dir / "runs.parquet"
            if not runs_file.exists():
                _err(f"{runs_file} not found: run 'inclusim collect {sweep_dir}' first")
            import pandas as pd

            runs = pd.read_parquet(runs_file)
            by = "policy" if runs.groupby("policy")["variant"].nunique().max() <= 1 else "variant"
            print(terminal_summary(runs, by).to_string())
        else:
            from analysis.report import build_report

            if not (sweep_dir / "runs.parquet").exists():
                try:
                    after_sweep(sweep_dir, report=False)
                except FileNotFoundError as exc:
                    _err(str(exc))
            print(f"report: {build_report(sweep_dir).resolve()}")
    elif name == "params":
        from sim.paramdoc import write_parameter_table

        out = Path(args[1]) if len(args) == 2 and args[0] == "--out" else Path("docs/parameters.md")
        write_parameter_table(out)
        print(f"wrote {out}")


if __name__ == "__main__":
    main()
