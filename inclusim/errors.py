"""User errors end the command with one line on stderr and exit status 2, never a traceback."""

from __future__ import annotations

import sys
from typing import NoReturn


def fail(message: str, code: int = 2) -> NoReturn:
    print(f"inclusim: error: {message}", file=sys.stderr)
    raise SystemExit(code)
