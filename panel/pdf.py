"""A progress report or meeting pack as a tagged A4 PDF, for the panel to take into the room.

Rendered by WeasyPrint from the report's frozen data. It fetches nothing: the stylesheet
is read from this folder and the fonts are the machine's own, and any other URL in the
document is refused.
"""

from pathlib import Path

from django.template.loader import render_to_string
from weasyprint import CSS, HTML

STYLESHEET = Path(__file__).with_name("report_pdf.css")
# A pack the panel can read before the meeting, whatever the size of the plan: the red
# and overdue actions of each promise up to this many, then a count and a pointer to the
# portal; long tables likewise. Every figure of the snapshot's measures is printed.
ATTENTION_PER_PROMISE = 8
ROWS_PER_TABLE = 15


def _fetch_nothing(url: str, *args, **kwargs):
    raise ValueError(f"A report PDF loads nothing from outside: {url}")


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
            "rows": section["rows"][:ROWS_PER_TABLE],
            "more": max(0, len(section["rows"]) - ROWS_PER_TABLE),
        }
        for section in data.get("sections", [])
    ]
    return {"themes": themes, "sections": sections}


def report_pdf(*, report, data: dict) -> bytes:
    """The PDF of ``report`` built from ``data`` (its snapshot, summary included)."""
    html = render_to_string("panel/reports/pdf.html", {"report": report, "data": data, **_printed(data)})
    document = HTML(string=html, url_fetcher=_fetch_nothing)
    # PDF/UA-1: tagged (headings, lists, table headers), with the language and title set.
    return document.write_pdf(
        stylesheets=[CSS(string=STYLESHEET.read_text(encoding="utf-8"))],
        pdf_variant="pdf/ua-1",
        pdf_identifier=f"hcp-report-{report.pk}".encode(),
    )
