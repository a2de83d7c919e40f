"""A progress report as an xlsx workbook, built from its frozen data."""

from datetime import date

from django.utils import timezone

from core.exports import xlsx_bytes

from .models import ProgressReport

ACTION_HEADERS = [
    "Theme",
    "Commitment",
    "Action",
    "Lead",
    "Organisation",
    "Due",
    "Status",
    "RAG",
    "Overdue",
    "Last update",
    "What was done",
    "Next steps",
]
KPI_HEADERS = [
    "Theme",
    "Code",
    "Measure",
    "Period",
    "Value",
    "Numerator",
    "Denominator",
    "RAG",
    "Trend",
    "Target",
    "Statistical neighbours",
    "London",
    "England",
]


def _day(value: str | None) -> date | None:
    """A date frozen in the snapshot as ISO text, back as a date (a date cell in the sheet)."""
    return date.fromisoformat(value) if value else None


def report_workbook(report: ProgressReport) -> bytes:
    data = report.data
    actions, kpis = [], []
    for theme in data.get("themes", []):
        for a in theme.get("actions", []):
            actions.append(
                [
                    theme["name"],
                    a["commitment"],
                    a["title"],
                    a["lead"],
                    a.get("lead_organisation", ""),
                    _day(a["due_date"]),
                    a["status_label"],
                    a.get("rag_label", ""),
                    "Yes" if a["overdue"] else "No",
                    _day(a.get("latest_update")),
                    a.get("done", ""),
                    a.get("next_steps", ""),
                ]
            )
        for k in theme.get("kpis", []):
            comparators = k.get("comparators", {})
            kpis.append(
                [
                    theme["name"],
                    k["code"],
                    k["name"],
                    _day(k.get("period_end")),
                    k.get("value"),
                    k.get("numerator"),
                    k.get("denominator"),
                    k.get("rag_label", ""),
                    k.get("trend_label", ""),
                    k.get("target"),
                    comparators.get("stat_neighbours"),
                    comparators.get("london"),
                    comparators.get("england"),
                ]
            )
    sheets = {
        "Summary": (
            ["Report", "From", "To", "Issued"],
            [
                [
                    str(report),
                    report.period_start,
                    report.period_end,
                    timezone.localtime(report.issued_at) if report.issued_at else None,
                ]
            ],
        ),
        "Actions": (ACTION_HEADERS, actions),
        "KPIs": (KPI_HEADERS, kpis),
    }
    for section in data.get("sections", []):
        sheets[section["sheet"]] = (section["headers"], section["rows"])
    return xlsx_bytes(sheets)
