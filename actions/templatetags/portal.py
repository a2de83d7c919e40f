"""Template tags and filters shared by every app's pages."""

from datetime import date, datetime

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils.html import format_html

from actions.rag import RAG
from core.formatting import person_name

register = template.Library()

SMALL_NUMBER_THRESHOLD = 5

register.filter("person_name", person_name)


@register.filter
def suppress_small(value):
    """Counts about children under 5 are shown as "fewer than 5" (small-number suppression)."""
    if value is None or value == "":
        return "–"
    try:
        number = int(value)
    except (TypeError, ValueError):
        return value
    if 0 < number < SMALL_NUMBER_THRESHOLD:
        return "fewer than 5"
    return number


@register.filter
def uk_date(value):
    """A date, datetime or ISO date string (as frozen in a report) as "10 January 2027"."""
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return value
    if isinstance(value, datetime | date):
        return date_filter(value, "DATE_FORMAT")
    return value


@register.simple_tag
def rag_tag(rag):
    """A GOV.UK tag with the RAG rating's colour and its words."""
    rag = RAG(rag or RAG.NONE)
    return format_html('<strong class="govuk-tag {}">{}</strong>', rag.tag_class, rag.label)


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters changed (for pagination and sorting)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"
