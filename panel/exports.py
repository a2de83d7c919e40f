"""A progress report as an xlsx workbook, built from its frozen data."""

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
                    a["due_date"],
                    a["status_label"],
                    a.get("rag_label", ""),
                    "Yes" if a["overdue"] else "No",
                    a.get("latest_update") or "",
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
                    k.get("period_end") or "",
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
            ["", ""],
            [
                ["Report", str(report)],
                ["Period", f"{data.get('period_start')} to {data.get('period_end')}"],
                ["Issued", report.issued_at.strftime("%Y-%m-%d %H:%M") if report.issued_at else ""],
            ],
        ),
        "Actions": (ACTION_HEADERS, actions),
        "KPIs": (KPI_HEADERS, kpis),
    }
    for section in data.get("sections", []):
        sheets[section["sheet"]] = (section["headers"], section["rows"])
    return xlsx_bytes(sheets)
