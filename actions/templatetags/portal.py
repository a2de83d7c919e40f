"""Template tags and filters shared by every app's pages."""

from datetime import date, datetime

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils.html import format_html

from actions.rag import RAG
from core import disclosure
from core.formatting import person_name

register = template.Library()

register.filter("person_name", person_name)


@register.filter
def suppress_small(value):
    """A count about children as a panel member may see it (``core.disclosure``)."""
    if value is None or value == "":
        return "–"
    try:
        number = int(value)
    except (TypeError, ValueError):
        return value
    return disclosure.count(number)


@register.simple_tag
def disclosure_words():
    """What a suppressed figure reads ("5 or fewer"), for pages that explain the rule."""
    return disclosure.suppressed_words()


@register.filter
def is_disclosive(count) -> bool:
    """True for a count a panel member may not see (and so nothing worked out from it)."""
    return disclosure.is_disclosive(count)


@register.simple_tag
def disclosure_threshold():
    """The largest count of children that is suppressed (5 unless set)."""
    return disclosure.threshold()


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
