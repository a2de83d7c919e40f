"""A progress report or meeting pack as a tagged A4 PDF, for the panel to take into the room.

Rendered by WeasyPrint from the report's frozen data. It fetches nothing: the stylesheet
is read from this folder and the fonts are the machine's own, and any other URL in the
document is refused.
"""

import re
import signal
import threading
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.text import Truncator
from weasyprint import CSS, HTML

STYLESHEET = Path(__file__).with_name("report_pdf.css")
# A pack the panel can read before the meeting, whatever the size of the plan: the red
# and overdue actions of each promise up to this many, then a count and a pointer to the
# portal; long tables likewise. Every figure of the snapshot's measures is printed.
ATTENTION_PER_PROMISE = 8
ROWS_PER_TABLE = 15
# A table row is never split across pages, so one cell of many pages' text makes WeasyPrint lay
# it out again for every page; the pack prints the start of a long text, the portal all of it.
CHARACTERS_PER_CELL = 600


# WeasyPrint's time grows with the square of an unbroken word (25,000 characters: minutes), so
# long runs of characters get an invisible break opportunity every so often before printing.
LONG_RUN = re.compile(r"\S{40,}")
BREAK_EVERY = 20
ZERO_WIDTH_SPACE = "\u200b"


class PdfTookTooLong(Exception):
    pass


def _fetch_nothing(url: str, *args, **kwargs):
    raise ValueError(f"A report PDF loads nothing from outside: {url}")


def _breakable(value):
    """``value`` (the report's data) with a break opportunity every few characters of a long word."""
    if isinstance(value, str):
        return LONG_RUN.sub(
            lambda run: ZERO_WIDTH_SPACE.join(
                run[0][i : i + BREAK_EVERY] for i in range(0, len(run[0]), BREAK_EVERY)
            ),
            value,
        )
    if isinstance(value, dict):
        return {key: _breakable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_breakable(item) for item in value]
    return value


@contextmanager
def _time_limit(seconds: float):
    """Stop WeasyPrint after ``seconds`` with PdfTookTooLong. A timer signal can only interrupt
    the main thread, where Celery's prefork and solo workers run tasks; elsewhere the task's
    own soft time limit (REPORT_BUILD_SECONDS) is the bound."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum, frame):
        raise PdfTookTooLong(
            f"The PDF took longer than {seconds:g} seconds to print (REPORT_PDF_SECONDS), so it was "
            "stopped. Look for very long text in the report's items."
        )

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _clipped(cell):
    return Truncator(cell).chars(CHARACTERS_PER_CELL) if isinstance(cell, str) else cell


def _printed(data: dict) -> dict:
    themes = []
    for theme in data.get("themes", []):
        attention = sorted(
            (a for a in theme.get("actions", []) if a["rag"] == "red" or a["overdue"]),
            key=lambda a: (a["rag"] != "red", a["due_date"]),
        )
        themes.append(
            {
                **theme,
                "attention": attention[:ATTENTION_PER_PROMISE],
                "attention_more": max(0, len(attention) - ATTENTION_PER_PROMISE),
            }
        )
    sections = [
        {
            **section,
            "rows": [[_clipped(cell) for cell in row] for row in section["rows"][:ROWS_PER_TABLE]],
            "more": max(0, len(section["rows"]) - ROWS_PER_TABLE),
        }
        for section in data.get("sections", [])
    ]
    return {"themes": themes, "sections": sections}


def report_pdf(*, report, data: dict) -> bytes:
    """The PDF of ``report`` built from ``data`` (its snapshot, summary included)."""
    context = _breakable({"data": data, **_printed(data)})
    html = render_to_string("panel/reports/pdf.html", {"report": report, **context})
    document = HTML(string=html, url_fetcher=_fetch_nothing)
    # PDF/UA-1: tagged (headings, lists, table headers), with the language and title set.
    with _time_limit(settings.REPORT_PDF_SECONDS):
        return document.write_pdf(
            stylesheets=[CSS(string=STYLESHEET.read_text(encoding="utf-8"))],
            pdf_variant="pdf/ua-1",
            pdf_identifier=f"hcp-report-{report.pk}".encode(),
        )
