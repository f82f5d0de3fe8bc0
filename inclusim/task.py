"""The Hydra task: run one configuration and write its run folder (skipped when already complete)."""

from __future__ import annotations

from pathlib import Path

from domain.config import config_hash
from domain.params import ConfigError
from domain.store import is_complete
from inclusim.compose import to_config
from inclusim.errors import fail
from sim.tables import run_model


def task(composed) -> None:
    """Run the composed config; in a sweep, write ``runs/<config_hash>/``, else the single-run folder."""
    from hydra.core.hydra_config import HydraConfig
    from hydra.types import RunMode

    from inclusim.sweep import progress_line

    try:
        cfg = to_config(composed)
    except ConfigError as exc:
        fail(str(exc))
    hydra_cfg = HydraConfig.get()
    chash = config_hash(cfg)
    multirun = hydra_cfg.mode == RunMode.MULTIRUN
    out = Path(hydra_cfg.sweep.dir) / "runs" / chash if multirun else Path(hydra_cfg.run.dir)
    overrides = list(hydra_cfg.overrides.task)
    if multirun and is_complete(out, chash):
        print(f"  skip {chash} (complete) {' '.join(overrides)}", flush=True)
        return
    result = run_model(cfg)
    model_overrides = [o for o in overrides if not is_label_override(o)]
    result.runs["overrides"] = " ".join(model_overrides)
    # what distinguishes this run from its replications: the overrides minus the seed
    result.runs["variant"] = " ".join(o for o in model_overrides if o.split("=", 1)[0] != "seed") or cfg.policy.name
    result.meta["overrides"] = overrides
    result.write(out)
    if multirun:
        print(f"  {progress_line(Path(hydra_cfg.sweep.dir))}  {' '.join(overrides)}", flush=True)
    else:
        print_single(result, out)


def is_label_override(override: str) -> bool:
    """Overrides that name or place a run but do not change the model (kept out of result tables)."""
    key = override.lstrip("+~").split("=", 1)[0]
    return key in ("name", "output_root", "experiment", "report") or key.startswith("hydra.") or key.startswith("hydra/")


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
