"""The run folder on disk: one parquet file per table, ``meta.json``, and a completion marker.

Every file is written atomically (a temporary file in the same folder, then a rename), and the
``_COMPLETE`` marker, holding the run's config hash, is written last: a folder without it is a
run that did not finish and is redone. The simulation writes run folders; the analysis reads them.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from domain.schema import TABLES

COMPLETE_MARKER = "_COMPLETE"
META_FILE = "meta.json"


def atomic_write_bytes(path: Path, data: bytes) -> None:
    path = Path(path)
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
    path = Path(path)
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


def write_run_folder(tables: Mapping[str, pd.DataFrame], meta: dict, out_dir: Path) -> Path:
    """Write a run's tables and meta into ``out_dir``, each atomically, the completion marker last."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for name in TABLES:
        atomic_write_parquet(tables[name], out_dir / f"{name}.parquet")
    atomic_write_bytes(out_dir / META_FILE, json.dumps(meta, indent=2, default=str).encode())
    atomic_write_bytes(out_dir / COMPLETE_MARKER, str(meta["config_hash"]).encode())
    return out_dir


def is_complete(out_dir: Path, config_hash: str | None = None) -> bool:
    """True when the run folder holds every table and its marker (for this config hash, if given)."""
    marker = Path(out_dir) / COMPLETE_MARKER
    if not marker.exists():
        return False
    if config_hash is not None and marker.read_text().strip() != config_hash:
        return False
    return all((Path(out_dir) / f"{name}.parquet").exists() for name in TABLES)


def complete_run_dirs(sweep_dir: Path) -> list[Path]:
    """The finished run folders of a sweep (``sweep_dir/runs/<config_hash>``), in name order."""
    root = Path(sweep_dir) / "runs"
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if (p / COMPLETE_MARKER).exists())


def read_meta(run_dir: Path) -> dict:
    return json.loads((Path(run_dir) / META_FILE).read_text())
