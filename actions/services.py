"""Writes to the delivery plan. Each is one transaction; each refuses bad input with a
ValidationError (keyed by field where there is one) and then changes nothing.

Every change to an action or a milestone is recorded by django-simple-history with the
user given here as its author, so the action's page can show who changed what.
"""

from collections.abc import Iterable
from datetime import date
from uuid import UUID

import tablib
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.formatting import person_name
from core.versioning import bump, check_version

from .models import (
    ACTION_EDITABLE_FIELDS,
    DUE_BEFORE_START,
    KPI,
    Action,
    Commitment,
    Milestone,
    ProgressUpdate,
    Subgroup,
)
from .plan_import import ROW_COLUMN, ImportReport, RowReport, read_plan_row, row_errors
from .roles import Role, has_role
from .selectors import action_changes_since

COMPLETED_NOT_REOPENED = (
    "This action is completed. To add an update, reopen it by choosing the status it is now at."
)


def _check_lead(lead) -> None:
    if not lead.is_active or not has_role(lead, Role.SUBGROUP_LEAD, Role.ADMINISTRATOR):
        raise ValidationError({"lead": f"{person_name(lead)} is not a subgroup lead."})


def _check_dates(*, start_date: date, due_date: date) -> None:
    if due_date < start_date:
        raise ValidationError({"due_date": DUE_BEFORE_START})


@transaction.atomic
def action_create(
    *,
    by,
    commitment: Commitment,
    title: str,
    lead,
    start_date: date,
    due_date: date,
    description: str = "",
    lead_organisation: str = "",
    subgroup: Subgroup | None = None,
    status: str = Action.Status.NOT_STARTED,
    kpis: Iterable[KPI] = (),
    shareable: bool = False,
) -> Action:
    _check_dates(start_date=start_date, due_date=due_date)
    _check_lead(lead)
    action = Action(
        commitment=commitment,
        title=title,
        description=description,
        lead=lead,
        lead_organisation=lead_organisation,
        subgroup=subgroup,
        start_date=start_date,
        due_date=due_date,
        status=status,
        shareable=shareable,
    )
    action.full_clean()
    action._history_user = by
    action.save()
    action.kpis.set(kpis)
    return action


def _lock_action(action: Action, *, version: int | None = None) -> Action:
    """The action's row, locked until the transaction ends; refused if it changed since
    the form that is being saved read it at ``version``."""
    action = Action.objects.select_for_update().get(pk=action.pk)
    check_version(
        action,
        version,
        noun="action",
        changes=lambda: action_changes_since(action=action, version=version),
    )
    return action


@transaction.atomic
def action_edit(
    *, action: Action, by, kpis: Iterable[KPI] | None = None, version: int | None = None, **changes
) -> Action:
    """Change an action's details (administrators). Unknown fields are a programming error.

    ``version`` is the action's version when the form was drawn: a save over a change
    made since (by anyone, a progress update included) is refused.
    """
    unknown = set(changes) - set(ACTION_EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"cannot edit {sorted(unknown)}")
    action = _lock_action(action, version=version)
    _check_dates(
        start_date=changes.get("start_date", action.start_date),
        due_date=changes.get("due_date", action.due_date),
    )
    if "lead" in changes and changes["lead"].pk != action.lead_id:
        _check_lead(changes["lead"])
    for name, value in changes.items():
        setattr(action, name, value)
    action.full_clean()
    bump(action)
    action._history_user = by
    action.save()
    if kpis is not None:
        action.kpis.set(kpis)
    return action


@transaction.atomic
def progress_update_create(
    *,
    action: Action,
    author,
    status: str,
    done: str,
    next_steps: str = "",
    evidence_url: str = "",
    shareable: bool = False,
    submission_token: UUID | None = None,
) -> ProgressUpdate:
    """Record a progress update and move the action to the status it reports.

    A completed action takes an update only when the update reopens it (any status
    but completed): the record of a finished action is not added to by accident.
    The same form sent again (its ``submission_token``, e.g. after an answer that got
    lost) returns the update it stored the first time and stores nothing. The update
    counts as a change to the action (its version), so an edit form opened before it
    does not put the old status back.
    """
    action = _lock_action(action)
    if submission_token is not None:
        stored = ProgressUpdate.objects.filter(submission_token=submission_token, action=action).first()
        if stored is not None:
            return stored
    if status not in Action.Status.values:
        raise ValidationError({"status": "Choose the action's status."})
    if not done.strip():
        raise ValidationError({"done": "Say what was done since the last update."})
    if action.status == Action.Status.COMPLETED and status == Action.Status.COMPLETED:
        raise ValidationError({"status": COMPLETED_NOT_REOPENED})
    update = ProgressUpdate(
        action=action,
        author=author,
        status=status,
        done=done.strip(),
        next_steps=next_steps.strip(),
        evidence_url=evidence_url.strip(),
        shareable=shareable,
        submission_token=submission_token,
    )
    update.full_clean()
    update.save()
    _action_changed(action, by=author, status=status)
    return update


def _action_changed(action: Action, *, by, **changes) -> None:
    """Save a change to a locked action, or count one to what belongs to it (its
    milestones, its updates), as a new version with its author in the history."""
    for name, value in changes.items():
        setattr(action, name, value)
    bump(action)
    action._history_user = by
    action.save(update_fields=[*changes, "version", "updated_at"])


@transaction.atomic
def milestone_add(*, action: Action, by, title: str, due_date: date) -> Milestone:
    action = _lock_action(action)
    if due_date < action.start_date:
        raise ValidationError({"due_date": "A milestone cannot be due before the action starts."})
    milestone = Milestone(action=action, title=title.strip(), due_date=due_date)
    milestone.full_clean()
    milestone._history_user = by
    milestone.save()
    _action_changed(action, by=by)
    return milestone


@transaction.atomic
def milestones_mark(
    *,
    action: Action,
    by,
    completed_ids: Iterable[int],
    on: date | None = None,
    version: int | None = None,
) -> int:
    """Make exactly the given milestones of the action complete (the others open).

    Newly ticked ones are completed ``on`` (today by default); ones already complete
    keep their date. Ids of another action's milestones are refused. Returns how many
    milestones changed. ``version`` is the action's when the form was drawn: ticks
    over a change made since (someone else's ticks) are refused.
    """
    action = _lock_action(action, version=version)
    on = on or timezone.localdate()
    milestones = list(Milestone.objects.select_for_update().filter(action=action))
    wanted = set(completed_ids)
    unknown = wanted - {m.pk for m in milestones}
    if unknown:
        raise ValidationError({"completed": "Choose milestones of this action only."})
    changed = 0
    for milestone in milestones:
        done = milestone.pk in wanted
        if done == (milestone.completed_on is not None):
            continue
        milestone.completed_on = on if done else None
        milestone._history_user = by
        milestone.save(update_fields=["completed_on"])
        changed += 1
    if changed:
        _action_changed(action, by=by)
    return changed


def plan_import(*, dataset: tablib.Dataset, by, dry_run: bool) -> ImportReport:
    """Check (``dry_run``) or load a delivery plan spreadsheet: each row goes through
    ``action_create`` or ``action_edit``, all in one transaction, which is rolled back
    for a check or when any row is refused; the report says which row and column, and why."""
    with transaction.atomic():
        report = ImportReport(sorted((_plan_row(row, by=by) for row in dataset.dict), key=lambda r: r.row))
        if dry_run or not report.ok:
            transaction.set_rollback(True)
    return report


def _plan_row(row: dict, *, by) -> RowReport:
    number, title = int(row.get(ROW_COLUMN) or 0), str(row.get("title") or "").strip()
    try:
        read = read_plan_row(row)
        if read.action is None:
            with transaction.atomic():  # a refused row leaves nothing behind
                action_create(by=by, kpis=read.kpis or (), **read.fields)
            return RowReport(number, title, "new")
        if read.unchanged():
            return RowReport(number, title, "skip")
        with transaction.atomic():
            action_edit(action=read.action, by=by, kpis=read.kpis, **read.fields)
        return RowReport(number, title, "update")
    except ValidationError as error:
        return RowReport(number, title, "invalid", row_errors(error))
