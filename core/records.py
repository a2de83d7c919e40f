"""Saving a change with who made it and when."""

from django.db import models
from django.utils import timezone


def save_with_who_and_when(record: models.Model, *, act: str, user, **changes) -> models.Model:
    """Set ``changes`` on ``record`` with who did ``act`` and when (its ``<act>_by`` and
    ``<act>_at`` fields, e.g. ``shared_by`` and ``shared_at``), and save it."""
    for name, value in changes.items():
        setattr(record, name, value)
    setattr(record, f"{act}_by", user)
    setattr(record, f"{act}_at", timezone.now())
    record.save()
    return record
