"""Scheduled work for participation and the IV service. Thin: each calls one service."""

from datetime import date

from celery import shared_task
from django.utils import timezone

from core.months import previous_month_end

from .derived_kpis import derived_kpis_record
from .iv.services import referrals_anonymise_closed


@shared_task
def record_derived_kpis(period_end: str | None = None) -> list[str]:
    """H03, H04 and H05 for a month end (ISO date), by default the month just ended."""
    day = date.fromisoformat(period_end) if period_end else previous_month_end(timezone.localdate())
    return sorted(derived_kpis_record(period_end=day))


@shared_task
def anonymise_closed_referrals() -> int:
    """Anonymise referrals closed longer ago than IV_RETENTION_DAYS."""
    return referrals_anonymise_closed()
