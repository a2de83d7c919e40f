"""Edits that would overwrite someone else's (optimistic locking).

A record that several people change has a ``version`` that its services raise by one on
every change. Its edit form carries the version it was read at in a hidden field; the
service locks the row (``select_for_update``), compares, and refuses a save on a record
that changed meanwhile with an ``EditConflict``: who changed it, when, and what. The
form is shown again with what the user typed and the record's new version, so that a
second save, after reading what changed, goes through.
"""

from collections.abc import Callable, Sequence
from datetime import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.formatting import uk_date


class VersionField(forms.IntegerField):
    """The version of the record when the form was drawn. Optional: a form sent without
    it (an old page, a script) is saved as before."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, min_value=1, **kwargs)


class EditConflict(ValidationError):
    def __init__(self, messages: list[str], *, current_version: int):
        super().__init__(messages, code="edit_conflict")
        self.current_version = current_version


def take_current_version(form, conflict: EditConflict) -> None:
    """Keep what the user typed in ``form`` but with the record's current version, so that
    saving again, having read what changed, goes through."""
    form.data = form.data.copy()
    form.data[form.add_prefix("version")] = str(conflict.current_version)


def bump(record) -> None:
    """Count a change to ``record``; call it on a row locked with ``select_for_update``."""
    record.version += 1


def check_version(
    record,
    read_version: int | None,
    *,
    noun: str,
    changes: Callable[[], tuple[str, datetime, Sequence[str]]],
) -> None:
    """Refuse the save if ``record`` (locked by the caller) changed since ``read_version``.

    ``changes()`` says who changed it last, when, and a line per change since.
    """
    if read_version is None or read_version == record.version:
        return
    who, when, lines = changes()
    at = f"{timezone.localtime(when):%H:%M}"
    if timezone.localdate(when) != timezone.localdate():
        at += f" on {uk_date(when)}"
    by = f" by {who}" if who else ""
    headline = f"This {noun} was changed{by} at {at} while you were editing"
    headline += ": here is what changed." if lines else ". Check what it says now."
    tail = "Your changes are below: check them and save again to keep them."
    raise EditConflict([headline, *lines, tail], current_version=record.version)
