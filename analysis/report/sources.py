"""Where a report's numbers come from: the runs' provenance (commits, versions, the command) and the
config of the run the report shows (``analysis.report.build`` puts them on the page)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd

from analysis.charts.data import at_setting
from analysis.formatting import natural_key
from analysis.i18n import tr
from analysis.labels import sort_rows
from infra.provenance import git_commit, versions
from domain.schema import CONFIG_PREFIX
from infra.store import complete_run_dirs, read_meta


def read_metas(sweep_dir: Path, run_ids) -> dict[str, dict]:
    """The ``meta.json`` of each finished run in ``run_ids``, by run id (unreadable ones left out)."""
    metas = {}
    wanted = set(map(str, run_ids))
    for run_dir in complete_run_dirs(sweep_dir):
        try:
            meta = read_meta(run_dir)
        except (OSError, json.JSONDecodeError):
            continue
        run_id = str(meta.get("run_id", run_dir.name))
        if run_id in wanted:
            metas[run_id] = meta
    return metas


def _sweep_command(sweep_dir: Path) -> dict:
    """The command-line overrides and the experiment's sweep, from Hydra's ``multirun.yaml``."""
    path = sweep_dir / "multirun.yaml"
    if not path.exists():
        return {}
    try:
        import yaml
        doc = yaml.safe_load(path.read_text()) or {}
    except Exception:  # noqa: BLE001 - the command is a nicety; a report without it is still whole
        return {}
    hydra = doc.get("hydra", {}) or {}
    overrides = hydra.get("overrides", {}) or {}
    params = (hydra.get("sweeper", {}) or {}).get("params") or {}
    return {"task": list(overrides.get("task", []) or []), "sweeper_params": dict(params)}


def provenance_of(sweep_dir: Path, runs: pd.DataFrame, metas: dict, levers: list[str]) -> dict:
    commits = runs["git_commit"].astype(str).value_counts().to_dict() if "git_commit" in runs else {}
    version_sets: dict[str, int] = {}
    for meta in metas.values():
        key = json.dumps(meta.get("versions", {}), sort_keys=True)
        version_sets[key] = version_sets.get(key, 0) + 1
    index = runs[[c for c in ["run_id", "config_hash", "policy", "seed"] + levers if c in runs]].copy()
    index = sort_rows(index, ["policy", "seed"] + levers)
    return {
        "sweep_dir": str(sweep_dir.resolve()),
        "generated": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "report_commit": git_commit(),
        "run_commits": commits,
        "run_versions": [{"versions": json.loads(key), "runs": n} for key, n in version_sets.items()],
        "report_versions": versions(),
        "n_runs": len(runs), "n_config_hashes": int(runs["config_hash"].nunique()) if "config_hash" in runs else 0,
        "n_meta": len(metas), "wall_seconds": sum(float(m.get("wall_seconds", 0) or 0) for m in metas.values()),
        "command": _sweep_command(sweep_dir),
        "run_index": index.reset_index(drop=True),
    }


def _flatten(tree: dict, prefix: str = "") -> dict:
    out = {}
    for k, v in tree.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict) and v:
            out.update(_flatten(v, key + "."))
        else:
            out[key] = v
    return out


def config_of(runs: pd.DataFrame, metas: dict, baseline: str, ref: dict, levers: list[str]) -> dict:
    """The config of one run (the baseline at the reference setting), flattened, and which settings take
    more than one value across the runs."""
    pick = at_setting(runs, ref)
    pick = pick[pick["policy"] == baseline] if (pick["policy"] == baseline).any() else pick
    run_id = str(pick.sort_values("seed")["run_id"].iloc[0])
    meta = metas.get(run_id)
    config_columns = [c for c in runs.columns if c.startswith(CONFIG_PREFIX)]
    if meta and isinstance(meta.get("config"), dict):
        flat = _flatten(meta["config"])
        source = f"runs/{run_id}/meta.json"
    else:
        row = runs[runs["run_id"] == run_id].iloc[0]
        flat = {c.removeprefix(CONFIG_PREFIX): row[c] for c in config_columns}
        source = tr("cfg.* columns of runs.parquet")
    varying = {}
    for c in config_columns:
        # a setting only some policies have is missing in the others' runs: it differs when its values do
        values = runs[c].dropna().map(lambda v: v if isinstance(v, (str, int, float, bool)) else repr(v)).unique()
        if len(values) > 1:
            varying[c.removeprefix(CONFIG_PREFIX)] = sorted(map(str, values), key=natural_key)
    scenario = {k: str(runs[k].iloc[0]) for k in ("office", "population", "labour_market") if k in runs}
    for key, column in (("NAV offices", "cfg.world.n_offices"), ("offices per region", "cfg.world.offices_per_region")):
        if column in runs and runs[column].max() > 1:
            scenario[key] = ", ".join(map(str, sorted(runs[column].unique().tolist())))
    return {"run_id": run_id, "source": source, "flat": flat, "varying": varying, "scenario": scenario,
            "overrides": meta.get("overrides") if meta else None, "levers": levers}
