"""Where a result came from: the code's git commit and the versions of the packages that made it."""

from __future__ import annotations

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
