"""Writes for participation: sessions, "You said, we did" feedback, messages from young people.

Every rule a person can break is checked here and reported as a ValidationError keyed
by the form field it belongs to; nothing is saved when one fails.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from actions.easyread.services import jargon_terms, readability_check
from actions.models import Action, Theme
from core.formatting import uk_date
from core.records import save_with_who_and_when

from .models import FeedbackItem, ParticipationGroup, ParticipationSession, YoungPersonMessage

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
            f"({uk_date(earliest_report.reported_back_on)})"
        )
    raise_if(errors)
    moved = (session.held_on, session.group_id) != (held_on, group.pk)
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
    if moved:
        # Its "You said" items were raised at it: same date, same group. Saved one by one so
        # that each item's history records the move; an edit that moves nothing leaves them be.
        for item in session.feedback_items.all():
            item.raised_on = held_on
            item.group = group
            item.save(update_fields=["raised_on", "group", "updated_at"])
    return session


def _feedback_errors(
    *, raised_on: date, status: str, response: str, reported_back_on: date | None, at_session: bool = True
) -> dict[str, str]:
    errors = {}
    if status in (FeedbackItem.Status.RESPONDED, FeedbackItem.Status.CLOSED) and not response.strip():
        errors["response"] = 'Say what was done ("We did") before marking it responded or closed'
    if reported_back_on is not None:
        if reported_back_on < raised_on:
            errors["reported_back_on"] = (
                f"The report-back date cannot be before {'the session' if at_session else 'it was raised'} "
                f"({uk_date(raised_on)})"
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
        raised_on=session.held_on, status=status, response=response, reported_back_on=reported_back_on
    )
    if not said.strip():
        errors["said"] = 'Enter what the young people said ("You said")'
    raise_if(errors)
    return FeedbackItem.objects.create(
        session=session,
        group=session.group,
        raised_on=session.held_on,
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
        raised_on=item.raised_on,
        status=status,
        response=response,
        reported_back_on=reported_back_on,
        at_session=item.session_id is not None,
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


# --- "You said, we did" on the young people's page -------------------------------------------


@transaction.atomic
def feedback_share(
    *, item: FeedbackItem, user, easy_read_said: str, easy_read_did: str, names_no_child: bool
) -> FeedbackItem:
    """Put an item on the young people's page, in easy read that passes the reading check,
    once the officer confirms it names no child."""
    terms = jargon_terms()
    errors: dict[str, list[str]] = {}
    for field, text in (("easy_read_said", easy_read_said), ("easy_read_did", easy_read_did)):
        try:
            readability_check(text=text, field=field, terms=terms)
        except ValidationError as error:
            errors.update(error.message_dict)
    if not names_no_child:
        errors["names_no_child"] = ["Confirm that it names no child and says nothing that could identify one"]
    if errors:
        raise ValidationError(errors)
    item.easy_read_said = easy_read_said.strip()
    item.easy_read_did = easy_read_did.strip()
    item.names_no_child = True
    return save_with_who_and_when(item, act="shared", user=user, shared=True)


@transaction.atomic
def feedback_unshare(*, item: FeedbackItem, user) -> FeedbackItem:
    """Take it off the young people's page at once; the easy read is kept for next time."""
    return save_with_who_and_when(item, act="shared", user=user, shared=False)


# --- Messages from the young people's page ----------------------------------------------------


@transaction.atomic
def message_receive(*, text: str, theme: Theme | None = None, group: ParticipationGroup | None = None):
    text = text.strip()
    if not text:
        raise ValidationError({"text": "Write what you want to tell us"})
    if len(text) > YoungPersonMessage.MAX_LENGTH:
        raise ValidationError(
            {"text": f"Your message is too long. Keep it to {YoungPersonMessage.MAX_LENGTH} characters."}
        )
    return YoungPersonMessage.objects.create(text=text, theme=theme, group=group)


def _require_waiting(message: YoungPersonMessage) -> None:
    if not message.is_waiting:
        raise ValidationError(f"This message was already handled: {message.get_state_display().lower()}")


@transaction.atomic
def message_to_feedback(
    *,
    message: YoungPersonMessage,
    user,
    theme: Theme,
    said: str,
    group: ParticipationGroup | None = None,
    action: Action | None = None,
) -> FeedbackItem:
    """Turn a message into a private "You said" item, linked to its promise, and a group or
    action if there is one."""
    message = YoungPersonMessage.objects.select_for_update().get(pk=message.pk)
    _require_waiting(message)
    if not said.strip():
        raise ValidationError({"said": 'Enter what the young person said ("You said")'})
    item = FeedbackItem.objects.create(
        session=None,
        group=group,
        raised_on=timezone.localdate(message.received_at),
        theme=theme,
        said=said.strip(),
        action=action,
    )
    save_with_who_and_when(
        message, act="handled", user=user, state=YoungPersonMessage.State.ANSWERED, feedback_item=item
    )
    return item


@transaction.atomic
def message_close(*, message: YoungPersonMessage, user, reason: str) -> YoungPersonMessage:
    message = YoungPersonMessage.objects.select_for_update().get(pk=message.pk)
    _require_waiting(message)
    if not reason.strip():
        raise ValidationError({"reason": "Say why it is closed"})
    return save_with_who_and_when(
        message, act="handled", user=user, state=YoungPersonMessage.State.CLOSED, close_reason=reason.strip()
    )
