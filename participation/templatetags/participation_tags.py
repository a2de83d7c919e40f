"""Tags for participation and IV pages: status words in a coloured tag (never colour alone)."""

from django import template
from django.utils.html import format_html

from actions.templatetags.portal import suppress_small
from core import disclosure
from participation.models import FeedbackItem, Referral, Volunteer

register = template.Library()

FEEDBACK_COLOURS = {
    FeedbackItem.Status.OPEN: "govuk-tag--yellow",
    FeedbackItem.Status.IN_PROGRESS: "govuk-tag--blue",
    FeedbackItem.Status.RESPONDED: "govuk-tag--green",
    FeedbackItem.Status.CLOSED: "govuk-tag--grey",
}
STATE_COLOURS = {
    Referral.State.RECEIVED: "govuk-tag--light-blue",
    Referral.State.ELIGIBILITY_CHECKED: "govuk-tag--light-blue",
    Referral.State.AWAITING_MATCH: "govuk-tag--yellow",
    Referral.State.MATCHED: "govuk-tag--turquoise",
    Referral.State.ACTIVE: "govuk-tag--green",
    Referral.State.ENDED: "govuk-tag--grey",
    Referral.State.DECLINED: "govuk-tag--grey",
    Referral.State.WITHDRAWN: "govuk-tag--grey",
}
VOLUNTEER_COLOURS = {
    Volunteer.Status.APPLICANT: "govuk-tag--light-blue",
    Volunteer.Status.APPROVED: "govuk-tag--turquoise",
    Volunteer.Status.ACTIVE: "govuk-tag--green",
    Volunteer.Status.PAUSED: "govuk-tag--yellow",
    Volunteer.Status.LEFT: "govuk-tag--grey",
}


def _tag(colour: str, words: str):
    return format_html('<strong class="govuk-tag {}">{}</strong>', colour, words)


@register.simple_tag
def feedback_status_tag(status: str):
    return _tag(FEEDBACK_COLOURS[status], FeedbackItem.Status(status).label)


@register.simple_tag
def referral_state_tag(state: str):
    return _tag(STATE_COLOURS[state], Referral.State(state).label)


@register.simple_tag
def volunteer_status_tag(status: str):
    return _tag(VOLUNTEER_COLOURS[status], Volunteer.Status(status).label)


@register.filter
def days_since(day, today):
    """Whole days from ``day`` to ``today``."""
    if not day or not today:
        return ""
    return (today - day).days


@register.filter
def age_on(referral, today):
    return referral.age_on(today)


@register.filter
def suppress_percent(percent, count):
    """A percentage beside a small count would give the count away: hide both."""
    if percent is None:
        return "not available"
    if disclosure.is_disclosive(count):
        return f"not shown ({disclosure.suppressed_words()} children)"
    return f"{percent}%"


@register.filter
def headcount(value, small_numbers):
    """A count of young people: as recorded for those who see small numbers
    (``actions.see_small_numbers``), suppressed (core.disclosure) for others."""
    return value if small_numbers else suppress_small(value)
