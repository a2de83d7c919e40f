"""The page and the PDF of a report read as they did before the snapshot was typed.

``snapshots/page.html`` and ``snapshots/pdf.txt`` were printed by the code that stored
snapshots as plain dicts, from the two stored snapshots beside them (``march.json`` and
``june.json``, a meeting pack's data without its summary). Whitespace aside, the same
snapshots must print the same words and markup today.
"""

import dataclasses
import io
import json
import re
from datetime import date
from pathlib import Path

import pytest
from django.template.loader import render_to_string
from pypdf import PdfReader

from panel.models import ProgressReport
from panel.pdf import report_pdf
from panel.snapshot_types import read_snapshot
from panel.summary import report_summary

STORED = Path(__file__).with_name("snapshots")


def squeezed(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture
def report_and_snapshot():
    report = ProgressReport(pk=7, kind="monthly", period_start=date(2026, 3, 13), period_end=date(2026, 6, 4))
    march = read_snapshot(json.loads((STORED / "march.json").read_text()))
    june = read_snapshot(json.loads((STORED / "june.json").read_text()))
    summary = report_summary(
        snapshot=june, previous=march, previous_title="Monthly progress report, March 2026"
    )
    return report, dataclasses.replace(june, summary=summary)


def test_the_report_page_prints_as_before(report_and_snapshot):
    report, snapshot = report_and_snapshot
    html = render_to_string("panel/reports/_report_body.html", {"report": report, "data": snapshot})
    assert squeezed(html) == squeezed((STORED / "page.html").read_text())


def test_the_report_pdf_prints_as_before(report_and_snapshot):
    report, snapshot = report_and_snapshot
    pdf = report_pdf(report=report, data=snapshot)
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert squeezed(text) == squeezed((STORED / "pdf.txt").read_text())
