"""``python -m analysis.report SWEEP_DIR [--out DIR] [--lang nb]``: write the HTML report of a collected sweep."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from analysis.i18n import LANGUAGES
from analysis.report.render import build_report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write the HTML report of a collected sweep.")
    parser.add_argument("sweep_dir", type=Path)
    parser.add_argument("--out", type=Path, default=None, help="output folder (default: SWEEP_DIR/report)")
    parser.add_argument("--lang", choices=LANGUAGES, default="en", help="language of the report (nb: bokmål)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    path = build_report(args.sweep_dir, args.out, lang=args.lang)
    print(f"report: {path} ({time.perf_counter() - start:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
