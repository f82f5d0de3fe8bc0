"""Where the project's configuration files live (the Hydra configs, the targets, the plans)."""

from __future__ import annotations

from pathlib import Path

CONF_DIR = Path(__file__).resolve().parent.parent / "conf"

__all__ = ["CONF_DIR"]
