"""The report as a PDF: Debian's Chromium prints the report's page for print (A4) headless.

No browser is ever downloaded: the system's ``chromium`` (``scripts/ensure-browser.sh``) is used, with
the flags the project's browser tests use. A missing browser or a failed print is one clear line
(``ConfigError``), and the HTML report is written all the same.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from domain.params import ConfigError

#: Chromium's flags: headless, no sandbox (a container's root), no GPU, no network of its own.
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-pdf-header-footer")
#: The longest a print may take.
TIMEOUT_S = 180


def chromium() -> str | None:
    """The path of the system's Chromium, or None."""
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


def print_pdf(page: Path, pdf: Path) -> None:
    """Print the HTML ``page`` to ``pdf`` with Chromium (the page's own ``@page`` rule sets A4)."""
    browser = chromium()
    if browser is None:
        raise ConfigError("pdf: Chromium is not installed (Debian's 'chromium' package: run scripts/ensure-browser.sh); "
                          "the HTML report is written")
    command = [browser, *FLAGS, f"--print-to-pdf={pdf}", Path(page).resolve().as_uri()]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_S, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ConfigError(f"pdf: Chromium could not print the report ({type(exc).__name__})") from None
    if done.returncode != 0 or not pdf.exists() or pdf.stat().st_size == 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1][:200]
        raise ConfigError(f"pdf: Chromium could not print the report (exit {done.returncode}: {last})")
