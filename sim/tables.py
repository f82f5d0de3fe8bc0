"""Run one configuration and turn its outcome into the run tables (``domain.schema``).

:func:`run_model` builds and runs the world of a config (``sim.world``: its regions' models) and
returns a :class:`RunResult`: the four tables and the
run's meta data (versions, git commit, config hash, wall time). Writing a run folder is
``infra.store.write_run_folder``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from domain.config import Config, config_hash, resolve, validate
from domain.params import flat_params, to_dict
from infra.provenance import git_commit, model_code, versions
from domain.schema import (CANDIDATE_COLUMNS, CANDIDATE_DTYPES, CONFIG_PREFIX, EVENT_COLUMNS, MENTOR_HOURS_COLUMNS, MENTOR_SUBSIDISED_COLUMN,
                           TABLES, adviser_weeks_column, adviser_weeks_over_column, hours_column, unmet_column)
from domain.states import State
from infra.store import write_run_folder
from domain.terms import ACTIVITIES, ROLES
from sim.collector import fewer_collections
from sim.kpis import compute_kpis
from sim.outcome import RunOutcome
from sim.world import run_world


@dataclass
class RunResult:
    run_row: dict            # the runs table's one row: {column: value}
    weekly: pd.DataFrame
    events: pd.DataFrame
    candidates: pd.DataFrame
    meta: dict

    @property
    def runs(self) -> pd.DataFrame:
        """The runs table (one row), made from :attr:`run_row` at each call: change the row there.
        A run's row is written without a frame (``infra.store.row_parquet_bytes``)."""
        return pd.DataFrame([self.run_row])

    def tables(self) -> dict[str, pd.DataFrame]:
        return {name: getattr(self, name) for name in TABLES}

    def write(self, out_dir: Path) -> Path:
        """Write the run folder (each file atomically, the completion marker last)."""
        tables: dict = {name: getattr(self, name) for name in TABLES if name != "runs"}
        return write_run_folder({**tables, "runs": self.run_row}, self.meta, out_dir)


def run_model(cfg: Config, workers: int = 1) -> RunResult:
    """Build, run and tabulate one config's world, its regions in up to ``workers`` processes.
    Deterministic for a given config (seed included), whatever ``workers`` is."""
    cfg = validate(resolve(cfg))
    # the collector walks the world less often while it is built, run and tabulated (``sim.collector``)
    with fewer_collections():
        started = time.perf_counter()
        outcome = run_world(cfg, workers)
        wall = time.perf_counter() - started
        return tabulate(outcome, wall)


def tabulate(outcome: RunOutcome, wall_seconds: float = float("nan")) -> RunResult:
    """The run tables of a finished run."""
    cfg = outcome.cfg
    chash = config_hash(cfg)
    run_id = chash
    labels = {"run_id": run_id, "config_hash": chash, "seed": cfg.seed, "policy": cfg.policy.name,
              "office": cfg.office.name, "population": cfg.population.name, "labour_market": cfg.labour_market.name}
    row = {**labels, **compute_kpis(outcome)}
    row.update({f"{CONFIG_PREFIX}{k}": v for k, v in flat_params(cfg).items()})
    meta = {
        "run_id": run_id, "config_hash": chash, "seed": cfg.seed, "git_commit": git_commit(),
        "model_code": model_code(),
        "versions": versions(), "wall_seconds": wall_seconds, "setup_seconds": outcome.setup_seconds,
        "stepped_candidate_weeks": int(outcome.stepped_candidate_weeks),
        "caseload_user_weeks": int(cfg.world.n_offices * cfg.office.n_advisers * cfg.office.caseload_ordinary
                                   * cfg.horizon_weeks),
        "events": len(outcome.events), "config": to_dict(cfg),
    }
    row["git_commit"] = meta["git_commit"]
    row["mesa_version"] = meta["versions"]["mesa"]
    return RunResult(run_row=row, weekly=_weekly(outcome, run_id), events=_events(outcome, run_id),
                     candidates=_candidates(outcome, run_id), meta=meta)


def _weekly(outcome: RunOutcome, run_id: str) -> pd.DataFrame:
    recorded = pd.DataFrame(outcome.weekly_rows)
    weeks = slice(1, outcome.cfg.horizon_weeks + 1)
    ledger = outcome.ledger
    columns: dict[str, object] = {"run_id": [run_id] * len(recorded)}
    columns.update({name: recorded[name].to_numpy() for name in recorded.columns})
    for r, role in enumerate(ROLES):
        for activity in ACTIVITIES:
            columns[hours_column(role, activity)] = ledger.hours[weeks, r, activity]
            columns[unmet_column(role, activity)] = ledger.unmet[weeks, r, activity]
        columns[adviser_weeks_column(role)] = ledger.adviser_weeks[weeks, r]
        columns[adviser_weeks_over_column(role)] = ledger.adviser_weeks_over[weeks, r]
    for i, column in enumerate(MENTOR_HOURS_COLUMNS):
        columns[column] = ledger.mentor_hours[weeks, i]
    columns[MENTOR_SUBSIDISED_COLUMN] = ledger.mentor_subsidised_hours[weeks]
    return pd.DataFrame(columns)    # one constructor: adding ~100 columns one by one cost 10 ms a run


def _events(outcome: RunOutcome, run_id: str) -> pd.DataFrame:
    names = [s.name for s in State]
    rows = outcome.events.rows
    columns = (
        pd.Series([run_id] * len(rows), dtype="string"),
        np.array([r.week for r in rows], dtype=np.int64),
        np.array([r.candidate for r in rows], dtype=np.int64),
        pd.Categorical.from_codes(np.array([r.from_state for r in rows], dtype=np.int64), categories=names),
        pd.Categorical.from_codes(np.array([r.to_state for r in rows], dtype=np.int64), categories=names),
        pd.Series([r.cause for r in rows], dtype="string"),
    )
    return pd.DataFrame(dict(zip(EVENT_COLUMNS, columns, strict=True)))


def _candidates(outcome: RunOutcome, run_id: str) -> pd.DataFrame:
    candidates = pd.DataFrame([{
        "run_id": run_id, "candidate_id": c.serial, "office_index": c.office_index, "need_level": c.need_level0,
        "need_level_end": c.need_level, "age": c.age, "barriers": c.barriers, "hidden_need": c.hidden_need,
        "entry_week": c.entry_week, "first_job_week": c.first_job_week, "final_state": c.state.name,
        "ever_close": c.ever_close, "ever_js": c.ever_js, "n_placements": c.n_placements,
        "n_dropouts": c.n_dropouts, "n_not_successful": c.n_not_successful, "n_job_lost": c.n_job_lost,
        "n_contacts": c.n_contacts, "n_refusals": c.n_refusals, "capability_end": round(c.capability, 6),
        "adviser_hours": float(sum(c.hours)),
    } for c in outcome.users], columns=list(CANDIDATE_COLUMNS))
    if candidates.empty:   # an office without target-group users: the same column types as any other run
        return candidates.astype(CANDIDATE_DTYPES)
    candidates["first_job_week"] = candidates["first_job_week"].astype("Int64")
    return candidates
