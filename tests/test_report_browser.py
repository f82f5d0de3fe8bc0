"""The report as a reader sees it: Debian's Chromium, headless, driven by Playwright, opens the HTML
file, every embedded figure decodes (naturalWidth > 0), the tables are on the page, and a screenshot
is taken. No browser is ever downloaded: Playwright launches the system binary. The test is skipped,
with the reason, only when Chromium or the Playwright package is absent (scripts/ensure-browser.sh
installs Chromium)."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]

if os.environ.get("INCLUSIM_REQUIRE_BROWSER") == "1" and not CHROMIUM.exists():   # CI: never skip silently
    raise RuntimeError(f"{CHROMIUM} is missing but INCLUSIM_REQUIRE_BROWSER=1: run scripts/ensure-browser.sh")

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing: run scripts/ensure-browser.sh "
                       "(installs Debian's chromium)"),
    pytest.mark.skipif(importlib.util.find_spec("playwright") is None,
                       reason="the playwright Python package is not installed (pip install playwright)"),
]


def _report_tests():
    """test_report.py as pytest imported it (so its report, built once, is shared), else loaded by path."""
    mod = sys.modules.get("test_report")
    if mod is not None and hasattr(mod, "main_report"):
        return mod
    spec = importlib.util.spec_from_file_location("_inclusim_test_report", Path(__file__).with_name("test_report.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def page_report(tmp_path_factory):
    _sweep, report, html_path = _report_tests().main_report(tmp_path_factory)
    return report, html_path


def test_report_renders_in_headless_chromium(page_report, tmp_path):
    from playwright.sync_api import sync_playwright

    report, html_path = page_report
    drawn = [e for e in report.charts if e.figure is not None]
    shot = tmp_path / "report.png"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            failed: list[str] = []
            page.on("requestfailed", lambda req: failed.append(req.url))
            page.goto(html_path.resolve().as_uri(), wait_until="load")
            images = page.evaluate("""() => Array.from(document.images).map(img => ({
                complete: img.complete, width: img.naturalWidth, height: img.naturalHeight, alt: img.alt}))""")
            tables = page.evaluate("() => Array.from(document.querySelectorAll('table')).map(t => t.id)")
            rows = page.evaluate("() => document.querySelectorAll('#summary-table tbody tr').length")
            title = page.title()
            page.screenshot(path=str(shot))
        finally:
            browser.close()
    assert title == report.title
    assert len(images) == len(drawn) > 0
    for img in images:
        assert img["complete"] and img["width"] > 0 and img["height"] > 0, f"figure not rendered: {img['alt']}"
    assert {"summary-table", "differences-table", "runs-table"} <= set(tables)
    assert rows == len(report.rendered["summary"])
    assert not failed
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
