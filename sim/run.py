"""Run one configuration and turn it into tables; write tables atomically.

Tables of one run:

* ``runs``        one row: run id, seed, labels, KPIs, every config value (``cfg.*`` columns)
* ``weekly``      one row per week: stocks by state, hours and unmet hours by role and activity
* ``events``      one row per event: week, candidate, from-state, to-state, cause
* ``candidates``  one row per user: attributes at entry and outcome history (for survival curves)
* ``meta``        versions, git commit, config hash, wall time
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import tempfile
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from sim.config import Config, config_hash, flat_params, to_dict
from sim.kpis import compute_kpis
from sim.ledger import ACTIVITIES, ADVISER_ROLES
from sim.model import InclusionModel
from sim.states import State

TABLES = ("runs", "weekly", "events", "candidates")
COMPLETE_MARKER = "_COMPLETE"


@dataclass
class RunResult:
    runs: pd.DataFrame
    weekly: pd.DataFrame
    events: pd.DataFrame
    candidates: pd.DataFrame
    meta: dict

    def tables(self) -> dict[str, pd.DataFrame]:
        return {name: getattr(self, name) for name in TABLES}


@lru_cache(maxsize=1)
def git_commit() -> str:
    here = Path(__file__).resolve().parent.parent
    try:
        out = subprocess.run(["git", "-C", str(here), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5)
        if out.returncode == 0:
            commit = out.stdout.strip()
            dirty = subprocess.run(["git", "-C", str(here), "status", "--porcelain", "--untracked-files=no"],
                                   capture_output=True, text=True, timeout=5).stdout.strip()
            return commit + ("-dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        pass
    return "unknown"


@lru_cache(maxsize=1)
def versions() -> dict[str, str]:
    import hydra
    import matplotlib
    import mesa
    import scipy

    return {"python": platform.python_version(), "mesa": mesa.__version__, "numpy": np.__version__,
            "scipy": scipy.__version__, "pandas": pd.__version__, "hydra": hydra.__version__,
            "matplotlib": matplotlib.__version__, "inclusim": _own_version()}


def _own_version() -> str:
    try:
        from importlib.metadata import version

        return version("inclusim")
    except Exception:  # noqa: BLE001 - not installed as a package
        return "0+local"


def run_model(cfg: Config) -> RunResult:
    """Build, run and tabulate one model. Deterministic for a given config (seed included)."""
    t0 = time.perf_counter()
    model = InclusionModel(cfg)
    model.run()
    wall = time.perf_counter() - t0
    chash = config_hash(cfg)
    run_id = chash
    labels = {"run_id": run_id, "config_hash": chash, "seed": cfg.seed, "policy": cfg.policy.name,
              "office": cfg.office.name, "population": cfg.population.name, "labour_market": cfg.labour_market.name}
    kpis = compute_kpis(model)
    row = {**labels, **kpis}
    row.update({f"cfg.{k}": v for k, v in flat_params(cfg).items()})
    runs = pd.DataFrame([row])

    weekly = pd.DataFrame(model.weekly_rows)
    H = cfg.horizon_weeks
    led = model.ledger
    for r, role in enumerate(ADVISER_ROLES):
        for a, act in enumerate(ACTIVITIES):
            weekly[f"hours_{role}_{act}"] = led.hours[1:H + 1, r, a]
            weekly[f"unmet_{role}_{act}"] = led.unmet[1:H + 1, r, a]
        weekly[f"adviser_weeks_{role}"] = led.adviser_weeks[1:H + 1, r]
        weekly[f"adviser_weeks_over_{role}"] = led.adviser_weeks_over[1:H + 1, r]
    weekly["mentor_hours_support"] = led.mentor_hours[1:H + 1, 0]
    weekly["mentor_hours_network"] = led.mentor_hours[1:H + 1, 1]
    weekly["mentor_hours_subsidised"] = led.mentor_subsidised_hours[1:H + 1]
    weekly.insert(0, "run_id", run_id)

    names = [s.name for s in State]
    rows = model.event_rows
    events = pd.DataFrame({
        "run_id": pd.Series([run_id] * len(rows), dtype="string"),
        "week": np.array([r[0] for r in rows], dtype=np.int64),
        "candidate_id": np.array([r[1] for r in rows], dtype=np.int64),
        "from_state": pd.Categorical.from_codes(np.array([r[2] for r in rows], dtype=np.int64), categories=names),
        "to_state": pd.Categorical.from_codes(np.array([r[3] for r in rows], dtype=np.int64), categories=names),
        "cause": pd.Series([r[4] for r in rows], dtype="string"),
    })

    candidates = pd.DataFrame([{
        "run_id": run_id, "candidate_id": c.serial, "need_level": c.need_level0,
        "need_level_end": c.need_level, "age": c.age, "barriers": c.barriers, "hidden_need": c.hidden_need,
        "entry_week": c.entry_week, "first_job_week": c.first_job_week, "final_state": c.state.name,
        "ever_close": c.ever_close, "ever_js": c.ever_js, "n_placements": c.n_placements,
        "n_dropouts": c.n_dropouts, "n_not_successful": c.n_not_successful, "n_job_lost": c.n_job_lost,
        "n_contacts": c.n_contacts, "n_refusals": c.n_refusals, "capability_end": round(c.capability, 6),
        "adviser_hours": float(sum(c.hours)),
    } for c in model.candidates])
    candidates["first_job_week"] = candidates["first_job_week"].astype("Int64")

    total_user_weeks = (cfg.office.n_advisers * cfg.office.caseload_ordinary) * H
    meta = {
        "run_id": run_id, "config_hash": chash, "seed": cfg.seed, "git_commit": git_commit(),
        "versions": versions(), "wall_seconds": wall, "setup_seconds": model.setup_seconds,
        "stepped_candidate_weeks": int(model.stepped_candidate_weeks),
        "caseload_user_weeks": int(total_user_weeks), "events": len(model.event_rows),
        "config": to_dict(cfg),
    }
    runs["git_commit"] = meta["git_commit"]
    runs["mesa_version"] = meta["versions"]["mesa"]
    return RunResult(runs=runs, weekly=weekly, events=events, candidates=candidates, meta=meta)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def atomic_write_parquet(df: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        df.to_parquet(tmp, index=False)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def write_run(result: RunResult, out_dir: Path) -> Path:
    """Write a run's tables into ``out_dir`` (each file atomically; the completion marker last)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, df in result.tables().items():
        atomic_write_parquet(df, out_dir / f"{name}.parquet")
    atomic_write_bytes(out_dir / "meta.json", json.dumps(result.meta, indent=2, default=str).encode())
    atomic_write_bytes(out_dir / COMPLETE_MARKER, result.meta["config_hash"].encode())
    return out_dir


def is_complete(out_dir: Path, chash: str | None = None) -> bool:
    marker = Path(out_dir) / COMPLETE_MARKER
    if not marker.exists():
        return False
    if chash is not None and marker.read_text().strip() != chash:
        return False
    return all((Path(out_dir) / f"{name}.parquet").exists() for name in TABLES)
