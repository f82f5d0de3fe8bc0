"""Content hashes of run tables, independent of run ids, config key names and row order of runs.

Used to prove that a structural change leaves the model's results unchanged: the golden file
``table_hashes.json`` beside this module holds the hashes recorded before the change.

Floats are written with 12 significant digits before hashing, so that a last-bit difference of a
maths library on another CPU does not count as a change, while any change in a rule or in the
order of random draws (which moves results far more than that) does.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

#: columns that name or place a run or a user, not results (they change when config keys are renamed;
#: ``office_index`` (the NAV office a user belongs to) came with the multi-office world, always 0 in the recorded single-office runs)
ID_COLUMNS = {"run_id", "config_hash", "git_commit", "mesa_version", "overrides", "variant", "office_index"}


def _text(value) -> str:
    if value is None or value is pd.NA:
        return "NA"
    if isinstance(value, (float, np.floating)):
        return "nan" if value != value else f"{float(value):.12g}"
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    return str(value)


def table_hash(frame: pd.DataFrame) -> str:
    """sha256 of a table's result columns (sorted by name), values as text, rows in their order."""
    cols = sorted(c for c in frame.columns if c not in ID_COLUMNS and not c.startswith("cfg."))
    digest = hashlib.sha256()
    for col in cols:
        digest.update(f"|{col}|".encode())
        digest.update("\x1f".join(_text(v) for v in frame[col].astype(object).tolist()).encode())
    digest.update(f"rows={len(frame)}".encode())
    return digest.hexdigest()


def ordered_by_run(tables: dict[str, pd.DataFrame], keys=("policy", "seed")) -> dict[str, pd.DataFrame]:
    """Collected sweep tables with runs in ``keys`` order (row order within a run kept)."""
    runs = tables["runs"].sort_values(list(keys), kind="stable")
    rank = {rid: i for i, rid in enumerate(runs["run_id"])}
    out = {"runs": runs.reset_index(drop=True)}
    for name, frame in tables.items():
        if name == "runs":
            continue
        order = frame["run_id"].map(rank).to_numpy()
        out[name] = frame.iloc[np.argsort(order, kind="stable")].reset_index(drop=True)
    return out
