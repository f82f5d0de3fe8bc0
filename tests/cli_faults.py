"""What the fault tests of the command share (tests/test_reliability.py, tests/test_refused_inputs.py;
docs/reliability.md): running ``inclusim`` in a process, injecting a fault into it, reading a run's
tables. Their fixtures, a small finished sweep to damage and a full filesystem, are in conftest.py."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd

from domain.schema import TABLES

INCLUSIM = [sys.executable, "-m", "inclusim.cli"]
SMALL = ["horizon_weeks=20", "office.n_advisers=3", "office.caseload_ordinary=20", "labour_market.n_firms=30",
         "hydra.launcher.n_jobs=1"]
TEMPORARY = (".*.tmp", ".*.collecting", "*.tmp", ".report*")


def cli(*args, env=None, umask=None, timeout=300):
    full_env = {**os.environ, **(env or {})}
    preexec = (lambda: os.umask(umask)) if umask is not None else None
    return subprocess.run([*INCLUSIM, *args], capture_output=True, text=True, env=full_env, timeout=timeout,
                          preexec_fn=preexec)


def sweep(root: Path, name: str, *extra, env=None, umask=None):
    return cli("-m", f"output_root={root}", f"name={name}", *SMALL, *extra, env=env, umask=umask)


def injected(tmp_path: Path, code: str) -> dict:
    """Environment that runs ``code`` in every inclusim process before inclusim is imported."""
    folder = tmp_path / "inject"
    folder.mkdir(exist_ok=True)
    (folder / "sitecustomize.py").write_text(textwrap.dedent(code))
    return {"PYTHONPATH": os.pathsep.join([str(folder), os.environ.get("PYTHONPATH", "")])}


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def leftovers(folder: Path) -> list[Path]:
    return [p for pattern in TEMPORARY for p in folder.rglob(pattern)]


def one_line_error(proc) -> str:
    assert "Traceback" not in proc.stderr + proc.stdout, proc.stderr[-3000:]
    errors = [line for line in proc.stderr.splitlines() if line.startswith("inclusim: error:")]
    assert len(errors) == 1, proc.stderr[-3000:]
    return errors[0]


def read_tables(folder: Path) -> dict[str, pd.DataFrame]:
    return {t: pd.read_parquet(folder / f"{t}.parquet") for t in TABLES}
