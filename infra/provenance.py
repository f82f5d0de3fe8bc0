"""Where a result came from: the code's git commit, the fingerprint of the model's code and the
versions of the packages that made it."""

from __future__ import annotations

import hashlib
import platform
import subprocess
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

#: Packages whose versions are recorded with every run and report.
PACKAGES = ("mesa", "numpy", "scipy", "pandas", "pyarrow", "hydra-core", "matplotlib", "jinja2", "inclusim")

_REPO = Path(__file__).resolve().parent.parent


@lru_cache(maxsize=1)
def git_commit() -> str:
    """The commit of the code that runs, with ``-dirty`` when tracked files differ; 'unknown' outside git."""
    try:
        out = subprocess.run(["git", "-C", str(_REPO), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5)
        if out.returncode != 0:
            return "unknown"
        dirty = subprocess.run(["git", "-C", str(_REPO), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, timeout=5).stdout.strip()
        return out.stdout.strip() + ("-dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


#: The floors whose source decides what a run computes (the app, the analysis and the report do
#: not), and the packages whose versions can change a run's numbers.
MODEL_FLOORS = ("domain", "infra", "agents", "sim", "scenarios")
MODEL_PACKAGES = ("numpy", "numba", "mesa", "scipy", "pandas")


@lru_cache(maxsize=1)
def model_code() -> str:
    """A fingerprint (16 hex digits) of the code a run is made by: the source of the model's floors,
    file by file, and the versions of :data:`MODEL_PACKAGES`. A run folder records it, and a run made
    by other code is not taken as done (``infra.store.check_run``): after a change of the model a
    sweep redoes its runs instead of reporting old numbers as new. It changes with any edit of those
    files, also one that changes no number (a comment): then the runs are made again, as a build
    system would, rather than trusted."""
    digest = hashlib.sha256()
    for floor in MODEL_FLOORS:
        for path in sorted((_REPO / floor).rglob("*.py")):
            digest.update(path.relative_to(_REPO).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    for name in MODEL_PACKAGES:
        try:
            digest.update(f"{name}={version(name)}\0".encode())
        except PackageNotFoundError:
            digest.update(f"{name}=none\0".encode())
    return digest.hexdigest()[:16]


@lru_cache(maxsize=1)
def versions() -> dict[str, str]:
    """Python and package versions, e.g. {'python': '3.12.1', 'mesa': '3.5.1', ...}."""
    found = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            found[name.removesuffix("-core")] = version(name)
        except PackageNotFoundError:
            found[name.removesuffix("-core")] = "0+local" if name == "inclusim" else "not installed"
    return found
