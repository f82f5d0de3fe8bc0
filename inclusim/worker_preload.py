"""Imported by the worker server of a sweep (``inclusim.workers``): loads what the sweep's workers
need, once, before they are forked from it. A Ctrl+C while it loads ends the server quietly; the
command itself says that it was interrupted."""

import importlib

from inclusim.workers import MODEL_MODULES

try:
    for _name in MODEL_MODULES:
        importlib.import_module(_name)
except KeyboardInterrupt:
    raise SystemExit(130) from None
