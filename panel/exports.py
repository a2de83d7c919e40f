"""A progress report as an xlsx workbook, built from its frozen data."""

from datetime import date

from django.utils import timezone

from core.exports import xlsx_bytes

from .models import ProgressReport
from .snapshot_types import ActionRow, MeasureRow, read_snapshot

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


def _action_row(theme: str, a: ActionRow) -> list:
    return [
        theme,
        a.commitment,
        a.title,
        a.lead,
        a.lead_organisation,
        _day(a.due_date),
        a.status_label,
        a.rag_label,
        "Yes" if a.overdue else "No",
        _day(a.latest_update),
        a.done,
        a.next_steps,
    ]


def _measure_row(theme: str, k: MeasureRow) -> list:
    return [
        theme,
        k.code,
        k.name,
        _day(k.period_end),
        k.value,
        k.numerator,
        k.denominator,
        k.rag_label,
        k.trend_label,
        k.target,
        k.comparators.get("stat_neighbours"),
        k.comparators.get("london"),
        k.comparators.get("england"),
    ]


def report_workbook(report: ProgressReport) -> bytes:
    data = read_snapshot(report.data)
    actions = [_action_row(theme.name, a) for theme in data.themes for a in theme.actions]
    kpis = [_measure_row(theme.name, k) for theme in data.themes for k in theme.kpis]
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
    for section in data.sections:
        sheets[section.sheet] = (section.headers, section.rows)
    return xlsx_bytes(sheets)
