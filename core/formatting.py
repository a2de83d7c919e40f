"""How people and dates read on every page, export, e-mail and report.

Dates: ``uk_date`` everywhere ("6 December 2026", GOV.UK style); ``uk_date_short``
("6 Dec 2026") only where space is short: table cells, chart labels, choice labels and
one-line summaries in the admin. Templates use the filters of the same names
(``{{ day|uk_date }}``, ``{{ day|uk_date_short }}``, in ``{% load portal %}``).
"""

from datetime import date, datetime

from django.utils import timezone


def person_name(user) -> str:
    """The user's full name, or their username when they have none; "" for nobody."""
    if user is None:
        return ""
    return user.get_full_name() or user.username


def _as_date(value) -> date | None:
    """A date from a date, an aware datetime (in the portal's time zone) or an ISO date string
    (as frozen in a report); None when ``value`` is none of these."""
    if isinstance(value, str):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, date):
        return value
    return None


def uk_date(value) -> str:
    """The date as GOV.UK writes it, "6 December 2026": for sentences, headings and summaries.
    "" for nothing; any other value is returned as text unchanged."""
    day = _as_date(value)
    if day is None:
        return "" if not value else str(value)
    return f"{day.day} {day:%B %Y}"


def uk_date_short(value) -> str:
    """The short form, "6 Dec 2026": only where space is short (table cells, choice labels)."""
    day = _as_date(value)
    if day is None:
        return "" if not value else str(value)
    return f"{day.day} {day:%b %Y}"
