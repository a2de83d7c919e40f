"""Small helpers for posting GOV.UK date inputs and checking that nothing changed."""

from datetime import date, timedelta

from django.utils import timezone


def days_ago(days: int) -> date:
    return timezone.localdate() - timedelta(days=days)


def date_fields(name: str, day: date) -> dict:
    """The three boxes of a GOV.UK date input, as the browser posts them."""
    return {f"{name}_0": day.day, f"{name}_1": day.month, f"{name}_2": day.year}
