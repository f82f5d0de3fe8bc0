"""The report as a PDF for a meeting (issue 27): Debian's Chromium prints it at A4, and its pages are
looked at with poppler: every chart is one image on a page of A4 (upright, or turned sideways for a wide
chart), and the smallest text of every chart comes out at 8 pt or more on paper (the figure's smallest
text times the print's scale, the scale read from the image's resolution in the PDF). The pages are
rendered as images (pdftoppm), none is blank, and they are kept for a look in ``outputs/screenshots``.
Skipped, with the reason, only when Chromium or poppler is absent (scripts/ensure-browser.sh installs both).
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from analysis import charts
from analysis import report as R
from analysis.i18n import language
from domain.params import ConfigError
from inclusim import report_pdf

ROOT = Path(__file__).resolve().parents[1]
SHOTS = Path(os.environ.get("INCLUSIM_SCREENSHOTS", ROOT / "outputs" / "screenshots"))
POPPLER = ("pdftoppm", "pdfimages", "pdfinfo")

if os.environ.get("INCLUSIM_REQUIRE_BROWSER") == "1" and (report_pdf.chromium() is None
                                                          or any(shutil.which(t) is None for t in POPPLER)):
    raise RuntimeError("Chromium or poppler-utils is missing but INCLUSIM_REQUIRE_BROWSER=1: run scripts/ensure-browser.sh")

pytestmark = pytest.mark.skipif(report_pdf.chromium() is None or any(shutil.which(t) is None for t in POPPLER),
                                reason="Chromium or poppler-utils is missing: run scripts/ensure-browser.sh")


def _fabricate():
    spec = importlib.util.spec_from_file_location("_inclusim_fabricate_pdf", Path(__file__).with_name("test_charts.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


#: The resolution the figures are saved at (as the report saves them).
DPI = 150


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    """A sweep over two policies and two levers, its report in bokmål with its PDF."""
    sweep = _fabricate().fake_sweep(tmp_path_factory.mktemp("sweep") / "levers", policies=("saksbehandler", "hybrid"),
                                    seeds=(1, 2, 3), caseloads=(50, 90), slots=(1, 4))
    with language("nb"):
        report = R.make_report(sweep)
        R.write_report(report, sweep / "report", dpi=DPI, printer=report_pdf.print_pdf)
    return report, sweep / "report" / "report.pdf"


def _run(*command: str) -> str:
    return subprocess.run(command, capture_output=True, text=True, check=True, timeout=120).stdout


def test_the_pdf_is_a4_with_every_chart_on_a_page_and_its_text_at_least_8_pt(printed, tmp_path):
    report, pdf = printed
    info = _run("pdfinfo", str(pdf))
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert pages >= 3
    sizes = {tuple(round(float(v)) for v in found) for found in
             re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", _run("pdfinfo", "-f", "1", "-l", str(pages), str(pdf)))}
    assert sizes <= {(595, 842), (842, 595)}, sizes          # A4, upright or turned sideways
    drawn = [entry for entry in report.charts if entry.figure is not None]
    # one image per chart, in the charts' order: its resolution on paper gives the print's scale
    rows = [line.split() for line in _run("pdfimages", "-list", str(pdf)).splitlines()[2:]]
    assert len(rows) == len(drawn), (len(rows), [e.key for e in drawn])
    smallest = {}
    for entry, row in zip(drawn, rows, strict=True):
        width_px, x_ppi = int(row[3]), float(row[12])
        assert width_px == round(entry.figure.get_figwidth() * DPI)
        smallest[entry.key] = charts.smallest_text_pt(entry.figure) * DPI / x_ppi    # points on paper
    assert min(smallest.values()) >= charts.PRINT_SMALLEST_PT - 0.1, smallest
    # the pages as images: none is blank; kept for a look
    _run("pdftoppm", "-r", "40", "-png", str(pdf), str(tmp_path / "page"))
    from PIL import Image

    images = sorted(tmp_path.glob("page-*.png"))
    assert len(images) == pages
    SHOTS.mkdir(parents=True, exist_ok=True)
    for image in images:
        pixels = np.asarray(Image.open(image).convert("L"))
        assert (pixels < 200).mean() > 0.002, image.name        # some text or a chart on every page
        shutil.copy(image, SHOTS / f"report_pdf_{image.name}")


def test_a_pdf_that_cannot_be_printed_is_one_line_and_the_html_report_is_written(tmp_path, monkeypatch):
    sweep = _fabricate().fake_sweep(tmp_path / "sweep", policies=("saksbehandler", "hybrid"), seeds=(1, 2))
    monkeypatch.setattr(report_pdf, "chromium", lambda: None)
    with pytest.raises(ConfigError, match="pdf: Chromium is not installed"):
        R.write_report(R.make_report(sweep), sweep / "report", dpi=40, printer=report_pdf.print_pdf)
    assert (sweep / "report" / "report.html").stat().st_size > 1000
    assert not (sweep / "report" / "report.pdf").exists()
