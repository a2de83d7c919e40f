"""What a progress report freezes: the plan and its figures as they stood at period end.

The snapshot is plain JSON (stored on the report), so a report reads the same in three
years' time whatever happens to the live records.
"""

from datetime import date, datetime, time
from decimal import Decimal

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from actions.models import KPI, Action, KPIValue, ProgressUpdate, Theme


def _json(value):
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def end_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.max))


def plan_as_of(as_of: date) -> dict[int, list[dict]]:
    """Each action in the plan at ``as_of``, with its latest update by then, by theme id."""
    cutoff = end_of_day(as_of)
    latest = ProgressUpdate.objects.filter(action=OuterRef("pk"), created_at__lte=cutoff).order_by(
        "-created_at", "-pk"
    )
    actions = (
        Action.objects.filter(created_at__lte=cutoff)
        .annotate(
            status_then=Subquery(latest.values("status")[:1]),
            updated_then=Subquery(latest.values("created_at")[:1]),
            done_then=Subquery(latest.values("done")[:1]),
            next_steps_then=Subquery(latest.values("next_steps")[:1]),
        )
        .select_related("commitment", "lead")
        .order_by("commitment__position", "due_date", "pk")
    )
    themes: dict[int, list[dict]] = {}
    for action in actions:
        status = action.status_then or Action.Status.NOT_STARTED
        themes.setdefault(action.commitment.theme_id, []).append(
            {
                "id": action.pk,
                "commitment": action.commitment.code,
                "title": action.title,
                "lead": action.lead.get_full_name() or action.lead.username,
                "lead_organisation": action.lead_organisation,
                "due_date": action.due_date.isoformat(),
                "status": status,
                "status_label": Action.Status(status).label,
                "overdue": action.due_date < as_of and status != Action.Status.COMPLETED,
                "latest_update": _json(timezone.localdate(action.updated_then))
                if action.updated_then
                else None,
                "done": action.done_then or "",
                "next_steps": action.next_steps_then or "",
            }
        )
    return themes


def build_snapshot(report, progress) -> dict:
    as_of = report.period_end
    progress(10, "Reading the action plan")
    plan = plan_as_of(as_of)
    progress(50, "Reading the performance figures")
    values = {}
    for value in KPIValue.objects.filter(period_end__lte=as_of).order_by("kpi_id", "area", "period_end"):
        values.setdefault((value.kpi_id, value.area), []).append(value)
    themes = []
    for theme in Theme.objects.prefetch_related("kpis"):
        kpis = []
        for kpi in theme.kpis.all():
            history = values.get((kpi.pk, KPIValue.Area.HAVERING), [])
            latest = history[-1] if history else None
            kpis.append(
                {
                    "code": kpi.code,
                    "name": kpi.name,
                    "unit": kpi.unit,
                    "period_end": _json(latest.period_end) if latest else None,
                    "value": _json(latest.value) if latest else None,
                    "numerator": latest.numerator if latest else None,
                    "denominator": latest.denominator if latest else None,
                }
            )
        themes.append(
            {"code": theme.code, "name": theme.name, "actions": plan.get(theme.pk, []), "kpis": kpis}
        )
    progress(90, "Writing the report")
    return {
        "period_start": report.period_start.isoformat(),
        "period_end": as_of.isoformat(),
        "themes": themes,
        "kpi_count": KPI.objects.count(),
    }
