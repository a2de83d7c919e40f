"""Writes to the panel's meetings: meetings, their agenda, and the panel's own questions
and actions. Each is one transaction; a rule that fails raises ValidationError (keyed by
field) and changes nothing. Reports are built by ``reports.py``.
"""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from core.uploads import upload_transaction

from .models import AgendaItem, Meeting, PanelAction

DONE_NEEDS_RESPONSE = "Say what was done or answered before marking it done."


@transaction.atomic
def meeting_save(
    *, meeting: Meeting | None = None, title: str, starts_at: datetime, location: str = "", notes: str = ""
) -> Meeting:
    """Add a meeting, or change ``meeting``."""
    meeting = meeting or Meeting()
    meeting.title, meeting.starts_at, meeting.location, meeting.notes = title, starts_at, location, notes
    meeting.save()
    return meeting


def agenda_item_add(
    *, meeting: Meeting, position: int, title: str, presenter: str = "", paper: UploadedFile | None = None
) -> AgendaItem:
    """Add an item to the agenda, with its paper (stored only if the item is: core.uploads)."""
    with upload_transaction() as stage:
        item = AgendaItem(meeting=meeting, position=position, title=title, presenter=presenter)
        if paper:
            try:
                stage(item.paper, paper.name, paper)
            except ValidationError as error:
                raise ValidationError({"paper": error.messages}) from error
        item.save()
    return item


@transaction.atomic
def panel_action_add(
    *, meeting: Meeting, kind: str, text: str, owner, due_date: date | None = None
) -> PanelAction:
    return PanelAction.objects.create(meeting=meeting, kind=kind, text=text, owner=owner, due_date=due_date)


@transaction.atomic
def panel_action_update(
    *, panel_action: PanelAction, status: str, response: str = "", today: date | None = None
) -> PanelAction:
    """Record progress on a panel question or action.

    Done needs a response; a done item is closed on the day it is marked (it is then no
    longer carried to later meetings), and reopening it clears the date.
    """
    if status == PanelAction.Status.DONE and not response.strip():
        raise ValidationError({"response": DONE_NEEDS_RESPONSE})
    panel_action.status, panel_action.response = status, response
    panel_action.closed_on = (today or timezone.localdate()) if status == PanelAction.Status.DONE else None
    panel_action.save(update_fields=["status", "response", "closed_on"])
    return panel_action
