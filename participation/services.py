"""Writes for participation: sessions and "You said, we did" feedback.

Every rule a person can break is checked here and reported as a ValidationError keyed
by the form field it belongs to; nothing is saved when one fails.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from actions.models import Action, Theme

from .models import FeedbackItem, ParticipationGroup, ParticipationSession

COHORT_FIELDS = {
    "in_care": "children in care",
    "care_leavers": "care leavers",
    "others": "other young people",
}


def raise_if(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError(errors)


def _attendance_errors(counts: dict[str, object]) -> dict[str, str]:
    errors = {}
    for field, words in COHORT_FIELDS.items():
        value = counts.get(field)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            errors[field] = f"Enter the number of {words} as a whole number, 0 or more"
    return errors


def _session_errors(*, held_on: date, counts: dict[str, object]) -> dict[str, str]:
    errors = _attendance_errors(counts)
    if held_on > timezone.localdate():
        errors["held_on"] = "The date of the session must be today or in the past"
    return errors


@transaction.atomic
def session_log(
    *,
    group: ParticipationGroup,
    user,
    kind: str,
    held_on: date,
    title: str = "",
    in_care: int,
    care_leavers: int,
    others: int,
    notes: str = "",
) -> ParticipationSession:
    counts = {"in_care": in_care, "care_leavers": care_leavers, "others": others}
    raise_if(_session_errors(held_on=held_on, counts=counts))
    return ParticipationSession.objects.create(
        group=group, kind=kind, held_on=held_on, title=title, notes=notes, created_by=user, **counts
    )


@transaction.atomic
def session_update(
    *,
    session: ParticipationSession,
    user,
    group: ParticipationGroup,
    kind: str,
    held_on: date,
    title: str = "",
    in_care: int,
    care_leavers: int,
    others: int,
    notes: str = "",
) -> ParticipationSession:
    counts = {"in_care": in_care, "care_leavers": care_leavers, "others": others}
    errors = _session_errors(held_on=held_on, counts=counts)
    earliest_report = (
        session.feedback_items.exclude(reported_back_on=None).order_by("reported_back_on").first()
    )
    if earliest_report and held_on > earliest_report.reported_back_on:
        errors["held_on"] = (
            "The session cannot be after the date its feedback was reported back "
            f"({earliest_report.reported_back_on:%-d %B %Y})"
        )
    raise_if(errors)
    for field, value in {
        "group": group,
        "kind": kind,
        "held_on": held_on,
        "title": title,
        "notes": notes,
    }.items():
        setattr(session, field, value)
    for field, value in counts.items():
        setattr(session, field, value)
    session.save()
    return session


def _feedback_errors(
    *, session: ParticipationSession, status: str, response: str, reported_back_on: date | None
) -> dict[str, str]:
    errors = {}
    if status in (FeedbackItem.Status.RESPONDED, FeedbackItem.Status.CLOSED) and not response.strip():
        errors["response"] = 'Say what was done ("We did") before marking it responded or closed'
    if reported_back_on is not None:
        if reported_back_on < session.held_on:
            errors["reported_back_on"] = (
                f"The report-back date cannot be before the session ({session.held_on:%-d %B %Y})"
            )
        elif reported_back_on > timezone.localdate():
            errors["reported_back_on"] = "The report-back date must be today or in the past"
        elif not response.strip():
            errors["response"] = 'Say what was done ("We did") before recording that it was reported back'
    return errors


@transaction.atomic
def feedback_add(
    *,
    session: ParticipationSession,
    user,
    theme: Theme,
    said: str,
    action: Action | None = None,
    response: str = "",
    status: str = FeedbackItem.Status.OPEN,
    reported_back_on: date | None = None,
) -> FeedbackItem:
    errors = _feedback_errors(
        session=session, status=status, response=response, reported_back_on=reported_back_on
    )
    if not said.strip():
        errors["said"] = 'Enter what the young people said ("You said")'
    raise_if(errors)
    return FeedbackItem.objects.create(
        session=session,
        theme=theme,
        said=said.strip(),
        action=action,
        response=response.strip(),
        status=status,
        reported_back_on=reported_back_on,
    )


@transaction.atomic
def feedback_update(
    *,
    item: FeedbackItem,
    user,
    theme: Theme,
    said: str,
    action: Action | None,
    response: str,
    status: str,
    reported_back_on: date | None,
) -> FeedbackItem:
    errors = _feedback_errors(
        session=item.session, status=status, response=response, reported_back_on=reported_back_on
    )
    if not said.strip():
        errors["said"] = 'Enter what the young people said ("You said")'
    raise_if(errors)
    item.theme = theme
    item.said = said.strip()
    item.action = action
    item.response = response.strip()
    item.status = status
    item.reported_back_on = reported_back_on
    item.save()
    return item
