"""The dashboard as an office leader uses it: started with its one command, driven in Debian's
Chromium by Playwright (the system binary; no browser is ever downloaded).

One test walks the first page: the address is printed, the page opens in bokmål, the language
switches, a run compares today's office with the leader's choice, the caseload and a staffing
control change, a second run gives other numbers and other charts, every figure has its interval,
and the example office file loads. Another opens a collected sweep on the sweep page. Screenshots
go to ``outputs/screenshots/`` (or ``$INCLUSIM_SCREENSHOTS``).
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from analysis.i18n import language, tr

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SHOTS = Path(os.environ.get("INCLUSIM_SCREENSHOTS", Path(__file__).resolve().parents[1] / "outputs" / "screenshots"))
#: Long enough for a cold start of the worker processes on a slow machine; a run takes seconds.
WAIT_MS = 240_000

if os.environ.get("INCLUSIM_REQUIRE_BROWSER") == "1" and not CHROMIUM.exists():   # CI: never skip silently
    raise RuntimeError(f"{CHROMIUM} is missing but INCLUSIM_REQUIRE_BROWSER=1: run scripts/ensure-browser.sh")

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing: run scripts/ensure-browser.sh"),
    pytest.mark.skipif(importlib.util.find_spec("playwright") is None, reason="playwright is not installed"),
]


def nb(text: str, **fields) -> str:
    with language("nb"):
        return tr(text, **fields)


def en(text: str, **fields) -> str:
    return tr(text, **fields)


@pytest.fixture(scope="module")
def dashboard():
    """``inclusim dashboard --port 0`` as a user starts it; yields the address it prints."""
    command = [str(Path(sys.executable).with_name("inclusim")), "dashboard", "--port", "0"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    address = None
    deadline = time.monotonic() + 240
    lines = []
    while time.monotonic() < deadline and address is None:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line)
        found = re.search(r"open (http://\S+) in a browser", line)
        address = found.group(1) if found else None
    if address is None:
        process.kill()
        pytest.fail("the dashboard printed no address:\n" + "".join(lines))
    yield address
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture
def page():
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        try:
            yield browser.new_page(viewport={"width": 1500, "height": 1000})
        finally:
            browser.close()


#: The charts on the page, each as a fingerprint of its pixels (length and tail of its PNG data URL).
CHARTS_JS = """() => Array.from(document.images).filter(i => i.complete && i.naturalWidth > 300).map(i => {
    const c = document.createElement('canvas'); c.width = i.naturalWidth; c.height = i.naturalHeight;
    c.getContext('2d').drawImage(i, 0, 0); const d = c.toDataURL(); return d.length + ':' + d.slice(-64); })"""


def _charts(page) -> list[str]:
    return page.evaluate(CHARTS_JS)


def _run_and_wait(page, previous_charts: list[str]) -> str:
    """Press Run, wait for the result and four charts unlike the previous ones; the headline line."""
    page.get_by_role("button", name=en("Run"), exact=True).click()
    headline = page.get_by_text(en("Users in work after 3 years"))
    headline.first.wait_for(timeout=WAIT_MS)
    page.wait_for_function(f"(old) => {{ const now = ({CHARTS_JS})(); return now.length >= 4 && "
                           "now.every(s => !old.includes(s)); }", arg=previous_charts, timeout=WAIT_MS)
    return headline.first.inner_text()


def _set_number(page, label: str, value) -> None:
    field = page.get_by_label(label, exact=True)
    field.fill(str(value))
    field.press("Enter")


def test_a_leader_compares_a_new_staffing_with_today(dashboard, page):
    from playwright.sync_api import expect

    page.goto(dashboard)
    page.get_by_text(nb("Staff and caseloads")).first.wait_for(timeout=WAIT_MS)   # bokmål first
    page.screenshot(path=SHOTS / "dashboard_nb.png", full_page=True)
    page.get_by_role("button", name="English").click()
    page.get_by_text(en("Staff and caseloads")).first.wait_for(timeout=30_000)
    _set_number(page, en("Replications (seeds)"), 4)
    first_line = _run_and_wait(page, [])
    first_charts = _charts(page)
    body = page.inner_text("body")
    # every figure of the tables has its interval: 'mean (low to high)'
    assert len(re.findall(r"\([-+]?[\d\s]+(?:[.,]\d+)? to [-+]?[\d\s]+(?:[.,]\d+)?\)", body)) >= 40, body[:3000]
    page.screenshot(path=SHOTS / "dashboard_first_run.png", full_page=True)
    _set_number(page, en("Users per adviser (caseload)"), 45)
    _set_number(page, en("Job-specialist positions"), 5)
    second_line = _run_and_wait(page, first_charts)
    second_charts = _charts(page)
    page.screenshot(path=SHOTS / "dashboard_second_run.png", full_page=True)
    assert second_line != first_line, (first_line, second_line)
    assert set(second_charts) != set(first_charts)
    assert en("Difference") in page.inner_text("body")
    # the example office file
    page.get_by_role("button", name=en("Example: {name}", name="urban_office")).click()
    try:
        page.get_by_text("examples/urban_office.yaml").first.wait_for(timeout=30_000)
    finally:
        page.screenshot(path=SHOTS / "dashboard_example_office.png", full_page=True)
    caseload = page.get_by_label(en("Users per adviser (caseload)"), exact=True)
    # the page updates asynchronously: wait (with a limit) for the example's 74 users per adviser (docs/office_file.md)
    expect(caseload).to_have_value("74", timeout=30_000)
    page.screenshot(path=SHOTS / "dashboard_example_office.png", full_page=True)
    assert "urban_office" in page.inner_text("body")
    # "load my office" with a file that is not there: the error names it, the office stays
    path_field = page.get_by_label(en("My office file (path to a .yaml file)"), exact=True)
    path_field.fill("/nowhere/my_office.yaml")
    path_field.press("Enter")
    page.get_by_role("button", name=en("Load my office")).click()
    page.get_by_text("office file /nowhere/my_office.yaml not found").first.wait_for(timeout=30_000)
    assert "urban_office" in page.inner_text("body")


def _fabricate():
    """tests/test_charts.py, whose ``fake_sweep`` writes a collected sweep folder."""
    spec = importlib.util.spec_from_file_location("_inclusim_fabricate_dash", Path(__file__).with_name("test_charts.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_collected_sweep_opens_on_the_sweep_page(dashboard, page, tmp_path):
    sweep_dir = _fabricate().fake_sweep(tmp_path / "caseloads", policies=("saksbehandler", "hybrid"), seeds=(1, 2, 3),
                                        caseloads=(50, 70, 90))
    page.goto(dashboard.rstrip("/") + "/sweep")
    page.get_by_role("button", name="English").click()
    field = page.get_by_label(en("Sweep folder"), exact=True)
    field.wait_for(timeout=WAIT_MS)
    field.fill(str(sweep_dir))
    field.press("Enter")
    page.get_by_text(en("{n} runs, {levers} levers varied", n=18, levers=1)).first.wait_for(timeout=WAIT_MS)
    page.wait_for_function(f"() => ({CHARTS_JS})().length >= 1", timeout=WAIT_MS)
    page.screenshot(path=SHOTS / "dashboard_sweep.png", full_page=True)
    assert "saksbehandler" in page.inner_text("body")
