"""A progress report or meeting pack as a tagged A4 PDF, for the panel to take into the room.

Rendered by WeasyPrint from the report's frozen data. It fetches nothing from outside: the
stylesheet is read from this folder, the fonts are the machine's own, the portal's static
files are read from disk, and any other URL in the document is refused.
"""

import dataclasses
import mimetypes
import posixpath
import re
import signal
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.text import Truncator
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from actions.rag import RAG

from .snapshot_types import ActionRow, Snapshot, Table, ThemeSection

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


# Relative references in a report (``{% static %}``) resolve against this made-up address
# (.invalid never resolves), so that the fetcher can tell the portal's own files from the rest.
BASE_URL = "https://portal.invalid/"


class StaticFilesOnly(URLFetcher):
    """WeasyPrint's fetcher, refusing every URL but the portal's own static files, which it
    reads from disk through Django's finders: a report never reaches the network or the
    machine's other files. A refused resource is left out with a warning; the PDF is built."""

    def fetch(self, url, headers=None):
        static = urljoin(BASE_URL, settings.STATIC_URL)
        path = posixpath.normpath(urlsplit(url).path) if url.startswith(static) else ""
        found = (
            finders.find(path.removeprefix(settings.STATIC_URL))
            if path.startswith(settings.STATIC_URL)
            else None
        )
        if not found:
            raise ValueError(f"A report PDF loads only the portal's static files, not {url}")
        content_type = mimetypes.guess_type(found)[0] or "application/octet-stream"
        return URLFetcherResponse(url, Path(found).read_bytes(), {"Content-Type": content_type})


def document(html: str) -> HTML:
    """WeasyPrint's document for ``html``, fetching nothing but the portal's static files."""
    return HTML(string=html, base_url=BASE_URL, url_fetcher=StaticFilesOnly())


def _breakable(value):
    """``value`` (the report's data) with a break opportunity every few characters of a long word."""
    if isinstance(value, str):
        return LONG_RUN.sub(
            lambda run: ZERO_WIDTH_SPACE.join(
                run[0][i : i + BREAK_EVERY] for i in range(0, len(run[0]), BREAK_EVERY)
            ),
            value,
        )
    if dataclasses.is_dataclass(value):
        return dataclasses.replace(
            value, **{f.name: _breakable(getattr(value, f.name)) for f in dataclasses.fields(value)}
        )
    if isinstance(value, dict):
        return {key: _breakable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_breakable(item) for item in value)
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


@dataclass(frozen=True)
class PrintedTheme(ThemeSection):
    """A promise as the pack prints it: its red and overdue actions first, up to a limit."""

    attention: tuple[ActionRow, ...] = ()
    attention_more: int = 0


@dataclass(frozen=True)
class PrintedTable(Table):
    """A section's table as the pack prints it: its first rows, each cell's text cut short."""

    more: int = 0


def _printed_theme(theme: ThemeSection) -> PrintedTheme:
    attention = sorted(
        (a for a in theme.actions if a.rag == RAG.RED or a.overdue),
        key=lambda a: (a.rag != RAG.RED, a.due_date),
    )
    return PrintedTheme(
        **_fields_of(theme),
        attention=tuple(attention[:ATTENTION_PER_PROMISE]),
        attention_more=max(0, len(attention) - ATTENTION_PER_PROMISE),
    )


def _printed_table(table: Table) -> PrintedTable:
    return PrintedTable(
        **_fields_of(table)
        | {"rows": tuple(tuple(_clipped(cell) for cell in row) for row in table.rows[:ROWS_PER_TABLE])},
        more=max(0, len(table.rows) - ROWS_PER_TABLE),
    )


def _fields_of(value) -> dict:
    """A dataclass's fields by name, one level deep (``asdict`` would turn the rows into dicts)."""
    return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}


def _printed(data: Snapshot) -> dict:
    return {
        "themes": [_printed_theme(theme) for theme in data.themes],
        "sections": [_printed_table(section) for section in data.sections],
    }


def report_pdf(*, report, data: Snapshot) -> bytes:
    """The PDF of ``report`` built from ``data`` (its snapshot, summary included)."""
    context = _breakable({"data": data, **_printed(data)})
    html = render_to_string("panel/reports/pdf.html", {"report": report, **context})
    # PDF/UA-1: tagged (headings, lists, table headers), with the language and title set.
    with _time_limit(settings.REPORT_PDF_SECONDS):
        return document(html).write_pdf(
            stylesheets=[CSS(string=STYLESHEET.read_text(encoding="utf-8"))],
            pdf_variant="pdf/ua-1",
            pdf_identifier=f"hcp-report-{report.pk}".encode(),
        )
