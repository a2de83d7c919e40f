"""Importing performance data: the life of a ``KPIImport``.

An upload is stored, checked (a preview of what it would create, change and leave
alone), and written only when an administrator confirms it. Figures for periods in an
issued report are locked (``lock_kpi_periods``): an import that would add to or change
them is refused unless an administrator runs it and gives a reason, and then each such
change is recorded as a ``KPIValueAmendment``. Small files are checked and
written during the request; bigger ones (``KPI_IMPORT_BACKGROUND_BYTES``) on Celery,
sent once the transaction that created the import has committed. The command line
imports in one step, with ``--dry-run`` to stop after the check.
"""

import logging
import time
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import InterfaceError, OperationalError, connection, transaction
from django.utils import timezone

from actions.models import (
    KPI,
    KPICommentary,
    KPIImport,
    KPIPeriodLock,
    KPIValue,
    KPIValueAmendment,
    NeighbourModel,
)
from actions.rag import RAG
from core.formatting import uk_date
from core.tasking import send_on_commit
from core.uploads import upload_transaction

from .files import FileRefused, Table, describe_size, kind_for, open_table
from .importing import LockRule, Outcome, check_table, preview_staged, write_staged
from .neighbours import (
    NeighbourFileError,
    load_neighbour_model,
    looks_like_neighbour_model,
    model_for_file,
    read_neighbour_file,
)
from .rules import can_amend_locked_kpi_values, can_import_kpi_data, can_write_kpi_commentary
from .selectors import kpi_rated_periods, period_locks

logger = logging.getLogger(__name__)

RUN_TASK = "actions.kpis.tasks.run_kpi_import"
# A run that has not finished after this long is presumed dead (its worker was lost)
# and may be taken over when its task is delivered again.
RUN_TIMEOUT = timedelta(minutes=30)
# After a run stops half-way (the database restarted, the worker was lost), how often
# and how many times its bookkeeping is tried again while the database is away.
BOOKKEEPING_PAUSE_SECONDS = 5
BOOKKEEPING_ATTEMPTS = 60
RUN_INTERRUPTED = (
    "The import stopped before it finished ({why}), so nothing was imported. "
    "The file is kept: confirm it again to import it."
)
CHECK_INTERRUPTED = "The check of the file stopped before it finished ({why}); nothing was imported."
DATABASE_AWAY = "the database was unavailable"
# Previews nobody confirmed: their stored files are deleted after this long.
PREVIEW_LIFETIME = timedelta(days=2)


UNCONFIRMED_WARNINGS = (
    "Nothing was imported: some figures look unusual next to earlier ones (listed below). Check them; "
    "if they are right, import the file again confirming them (--accept-warnings on the command line)."
)


class ImportNotAllowed(Exception):
    """The import is not in a state that allows this (say, confirming it twice)."""


class FigureLocked(Exception):
    """The figure is in a period of an issued report, and this change may not be made."""


def _refusal(message: str) -> list[dict]:
    return [{"row": None, "column": "", "message": message}]


def _in_background(kpi_import: KPIImport) -> bool:
    return kpi_import.file_size > settings.KPI_IMPORT_BACKGROUND_BYTES


def _send_to_worker(kpi_import: KPIImport) -> None:
    """Queue the run for Celery once the transaction that made it runnable commits
    (the worker must find the row). Sent by name: the task module imports this one."""
    send_on_commit(RUN_TASK, kpi_import.pk)


def lock_kpi_periods(*, period_start: date, period_end: date, reason: str) -> KPIPeriodLock:
    """Lock the figures for periods ending from ``period_start`` to ``period_end``
    (a report covering them has been issued). Locking the same range again changes
    nothing: the first lock, and its reason, stand."""
    with transaction.atomic():
        lock, _ = KPIPeriodLock.objects.get_or_create(
            period_start=period_start, period_end=period_end, defaults={"reason": reason[:200]}
        )
    return lock


def locked_figure_problem(*, user, period_ends: list[date], reason: str) -> str | None:
    """Why ``user`` may not enter or change by hand a figure for these period ends (the
    figure's, and the one it had), or None if they may: no period is locked, or they are
    an administrator giving a reason. One query."""
    locks = period_locks()
    lock = next((lock for day in period_ends if day and (lock := locks.lock_for(day))), None)
    return _locked_problem(lock, user=user, reason=reason) if lock else None


def _locked_problem(lock: KPIPeriodLock, *, user, reason: str) -> str | None:
    locked = f"Figures for periods in an issued report are locked ({lock.reason})."
    if not can_amend_locked_kpi_values(user):
        return f"{locked} Only an administrator can change them, giving a reason."
    if not reason.strip():
        return f"{locked} Give a reason for changing this figure; it is recorded with the change."
    return None


_FIGURES = ("value", "numerator", "denominator", "note")


def kpi_value_save(*, kpi_value: KPIValue, user, reason: str = "") -> KPIValue:
    """Save a figure entered by hand (the Django admin): it becomes the person's, not an
    import's. Adding or changing one in a locked period takes an administrator and a
    reason, and is recorded as an amendment; saving it unchanged records nothing.
    Raises FigureLocked."""
    with transaction.atomic():
        before = KPIValue.objects.select_for_update().get(pk=kpi_value.pk) if kpi_value.pk else None
        old = tuple(getattr(before, name) for name in _FIGURES) if before else None
        moved = before is not None and before.period_end != kpi_value.period_end
        lock = None
        if moved or old != tuple(getattr(kpi_value, name) for name in _FIGURES):
            locks = period_locks()
            lock = locks.lock_for(kpi_value.period_end) or (
                locks.lock_for(before.period_end) if moved else None
            )
        if lock is not None and (problem := _locked_problem(lock, user=user, reason=reason)):
            raise FigureLocked(problem)
        kpi_value.updated_by = user
        kpi_value.source_import = None
        kpi_value.save()
        if lock is not None:
            old_value, old_numerator, old_denominator, old_note = old or (None, None, None, "")
            KPIValueAmendment.objects.create(
                kpi_value=kpi_value,
                old_value=old_value,
                old_numerator=old_numerator,
                old_denominator=old_denominator,
                old_note=old_note,
                new_value=kpi_value.value,
                new_numerator=kpi_value.numerator,
                new_denominator=kpi_value.denominator,
                new_note=kpi_value.note,
                reason=reason.strip(),
                changed_by=user,
                source=KPIValueAmendment.Source.ADMIN,
            )
    return kpi_value


def lock_rule(*, user, reason: str, source: str) -> LockRule:
    """May this import add to or change figures in locked periods? Only an administrator
    (who may import, and amend locked figures) giving a reason; the command line is run
    by someone with the server in their hands, so a reason is enough there."""
    reason = reason.strip()
    if user is None:
        allowed = source == KPIImport.Source.COMMAND
    else:
        allowed = can_import_kpi_data(user) and can_amend_locked_kpi_values(user)
    if not allowed:
        return LockRule(refusal="Only an administrator can change them, giving a reason.")
    if not reason:
        return LockRule(refusal=_GIVE_A_REASON[source])
    return LockRule(allowed=True, reason=reason)


_GIVE_A_REASON = {
    KPIImport.Source.WEB: "To change them, upload the file again with a reason for changing figures "
    "in issued reports.",
    KPIImport.Source.COMMAND: 'To change them, run the command again with --reason "why".',
}


def kpi_import_upload(*, uploaded_file: UploadedFile, user, amendment_reason: str = "") -> KPIImport:
    """Store an uploaded file and have it checked. Raises FileRefused for a file that
    is plainly unacceptable (wrong kind, too big) before anything is stored.
    ``amendment_reason`` is why figures in issued reports are changed, if they are."""
    file_name = Path(uploaded_file.name or "upload").name[:255]
    suffix = Path(file_name).suffix.lower()
    kind_for(file_name)
    if uploaded_file.size > settings.KPI_IMPORT_MAX_BYTES:
        raise FileRefused(too_big_message(uploaded_file.size))
    try:
        # The file is moved into place only with its row (core.uploads).
        with upload_transaction() as stage:
            kpi_import = KPIImport.objects.create(
                file_name=file_name,
                uploaded_by=user,
                source=KPIImport.Source.WEB,
                file_size=uploaded_file.size,
                amendment_reason=amendment_reason.strip(),
            )
            stage(kpi_import.stored_file, f"import-{kpi_import.pk}{suffix}", uploaded_file)
            kpi_import.save(update_fields=["stored_file"])
    except ValidationError as error:
        raise FileRefused(error.messages[0]) from error
    if _in_background(kpi_import):
        _send_to_worker(kpi_import)
        return kpi_import
    return kpi_import_run(kpi_import_id=kpi_import.pk) or kpi_import


def too_big_message(size: int) -> str:
    return (
        f"The file is {describe_size(size)}; the limit is {describe_size(settings.KPI_IMPORT_MAX_BYTES)}. "
        "Split it into smaller files."
    )


def kpi_import_confirm(*, kpi_import: KPIImport, user, in_force_from: date | None = None) -> KPIImport:
    """Write a previewed import. Confirming twice, or an import with errors, is refused.
    ``in_force_from`` is when a statistical-neighbour model whose file did not say applies."""
    with transaction.atomic():
        confirmed = KPIImport.objects.filter(
            pk=kpi_import.pk, state=KPIImport.State.PREVIEWED, confirmed_at__isnull=True
        ).exclude(stored_file="")
        if not confirmed.update(state=KPIImport.State.PENDING, confirmed_at=timezone.now()):
            raise ImportNotAllowed("This import cannot be confirmed: it is not a preview waiting for you.")
        kpi_import.refresh_from_db()
        model = kpi_import.neighbour_model
        if model is not None and in_force_from is not None and not model["date_in_name"]:
            model.update(_neighbour_model_naming(kpi_import.file_name, in_force_from))
            kpi_import.save(update_fields=["preview"])
        if _in_background(kpi_import):
            _send_to_worker(kpi_import)
            return kpi_import
    return kpi_import_run(kpi_import_id=kpi_import.pk) or kpi_import


def kpi_import_run(*, kpi_import_id: int) -> KPIImport | None:
    """Check (and, once confirmed, write) a stored import. Safe to call twice: only a
    waiting import, or one whose run has plainly died, is taken."""
    now = timezone.now()
    claimed = KPIImport.objects.filter(pk=kpi_import_id, state=KPIImport.State.PENDING).update(
        state=KPIImport.State.RUNNING, started_at=now, rows_processed=0
    ) or KPIImport.objects.filter(
        pk=kpi_import_id, state=KPIImport.State.RUNNING, started_at__lt=now - RUN_TIMEOUT
    ).update(started_at=now, rows_processed=0)
    if not claimed:
        return None
    kpi_import = KPIImport.objects.get(pk=kpi_import_id)
    if not kpi_import.stored_file:
        return _finish(kpi_import, errors=_refusal("The uploaded file is no longer stored; upload it again."))
    # A confirmed upload was previewed, warnings and all, and confirmed as it stands.
    confirmed = kpi_import.confirmed_at is not None
    try:
        return _process(
            kpi_import, Path(kpi_import.stored_file.path), apply=confirmed, accept_warnings=confirmed
        )
    except (OperationalError, InterfaceError):
        # Nothing was half-written (one transaction); say so once the database is back.
        logger.warning("KPI import %s stopped: the database was unavailable", kpi_import_id, exc_info=True)
        _when_the_database_is_back(
            lambda: kpi_import_interrupted(kpi_import_id=kpi_import_id, why=DATABASE_AWAY)
        )
        return KPIImport.objects.get(pk=kpi_import_id)


def _when_the_database_is_back(write):
    """Run ``write`` on a fresh connection, trying again while the database is away."""
    for attempt in range(BOOKKEEPING_ATTEMPTS):
        connection.close()  # the one that failed is dead
        try:
            return write()
        except (OperationalError, InterfaceError):
            if attempt == BOOKKEEPING_ATTEMPTS - 1:
                raise  # the sweep (kpi_imports_stop_timed_out) finishes it later
            time.sleep(BOOKKEEPING_PAUSE_SECONDS)


def kpi_import_interrupted(*, kpi_import_id: int, why: str) -> bool:
    """End a run that stopped half-way, saying ``why``. A confirmed import goes back to
    waiting for confirmation with its file kept, so it can simply be confirmed again; a
    check that stopped has failed. Returns whether the import was still running."""
    with transaction.atomic():
        kpi_import = KPIImport.objects.select_for_update().filter(
            pk=kpi_import_id, state=KPIImport.State.RUNNING
        )
        kpi_import = kpi_import.first()
        if kpi_import is None:
            return False
        if kpi_import.confirmed_at is None or not kpi_import.stored_file:
            _finish(kpi_import, errors=_refusal(CHECK_INTERRUPTED.format(why=why)))
            return True
        kpi_import.state = KPIImport.State.PREVIEWED
        kpi_import.confirmed_at = kpi_import.started_at = None
        kpi_import.rows_processed = 0
        kpi_import.errors = _refusal(RUN_INTERRUPTED.format(why=why))
        kpi_import.save(update_fields=["state", "confirmed_at", "started_at", "rows_processed", "errors"])
        return True


def kpi_imports_stop_timed_out(*, now=None) -> int:
    """The sweep: end every run that has not finished within ``RUN_TIMEOUT`` (its worker
    was lost, or its bookkeeping could not be written). Returns how many."""
    cutoff = (now or timezone.now()) - RUN_TIMEOUT
    minutes = int(RUN_TIMEOUT.total_seconds() // 60)
    stuck = KPIImport.objects.filter(state=KPIImport.State.RUNNING, started_at__lt=cutoff).values_list(
        "pk", flat=True
    )
    why = f"it had not finished after {minutes} minutes"
    return sum(kpi_import_interrupted(kpi_import_id=pk, why=why) for pk in stuck)


def kpi_import_from_path(
    *, path: Path, dry_run: bool, user=None, amendment_reason: str = "", accept_warnings: bool = False
) -> KPIImport:
    """Import a file on the server's disk in one step (the command line). Figures that
    look unusual stop it unless ``accept_warnings``."""
    kpi_import = KPIImport.objects.create(
        file_name=path.name[:255],
        uploaded_by=user,
        source=KPIImport.Source.COMMAND,
        amendment_reason=amendment_reason.strip(),
        file_size=path.stat().st_size if path.exists() else 0,
        state=KPIImport.State.RUNNING,
        started_at=timezone.now(),
        confirmed_at=None if dry_run else timezone.now(),
    )
    if not path.is_file():
        return _finish(kpi_import, errors=_refusal(f"There is no file at {path}."))
    return _process(kpi_import, path, apply=not dry_run, accept_warnings=accept_warnings)


def _process(kpi_import: KPIImport, path: Path, *, apply: bool, accept_warnings: bool) -> KPIImport:
    if path.suffix.lower() == ".csv" and looks_like_neighbour_model(path):
        return _process_neighbour_model(kpi_import, path, apply=apply)
    try:
        table = open_table(path, file_name=kpi_import.file_name, max_bytes=settings.KPI_IMPORT_MAX_BYTES)
    except FileRefused as exc:
        return _finish(kpi_import, errors=_refusal(str(exc)))
    KPIImport.objects.filter(pk=kpi_import.pk).update(rows_total=table.total_rows)
    kpi_import.rows_total = table.total_rows
    return _check_and_write(kpi_import, table, apply=apply, accept_warnings=accept_warnings)


def _check_and_write(kpi_import: KPIImport, table: Table, *, apply: bool, accept_warnings: bool) -> KPIImport:
    def progress(rows: int) -> None:
        KPIImport.objects.filter(pk=kpi_import.pk).update(rows_processed=rows)

    checked = None
    try:
        checked = check_table(table, progress=progress)
        kpi_import.layout = checked.layout
        kpi_import.rows_processed = checked.rows_read
        if not checked.ok:
            if checked.not_recognised is not None:
                kpi_import.preview = {"not_recognised": checked.not_recognised}
            return _finish(
                kpi_import,
                errors=[error.as_dict() for error in checked.errors],
                error_count=checked.error_count,
            )
        rule = lock_rule(
            user=kpi_import.uploaded_by, reason=kpi_import.amendment_reason, source=kpi_import.source
        )
        if apply:
            outcome = write_staged(
                checked,
                kpi_import_id=kpi_import.pk,
                user_id=kpi_import.uploaded_by_id,
                rule=rule,
                accept_warnings=accept_warnings,
            )
            state = KPIImport.State.DONE
        else:
            outcome = preview_staged(checked, rule=rule)
            state = KPIImport.State.PREVIEWED
        if outcome.refused_count:
            return _finish(
                kpi_import,
                errors=[error.as_dict() for error in outcome.refused],
                error_count=outcome.refused_count,
            )
        if apply and outcome.warnings:
            return _finish(
                kpi_import,
                errors=_refusal(UNCONFIRMED_WARNINGS) + [warning.as_dict() for warning in outcome.warnings],
            )
        return _finish(kpi_import, outcome=outcome, state=state)
    except FileRefused as exc:
        return _finish(kpi_import, errors=_refusal(str(exc)))
    except (OperationalError, InterfaceError):
        raise  # the database went away: not the file's fault (see kpi_import_run)
    except Exception:
        logger.exception("KPI import %s failed", kpi_import.pk)
        return _finish(
            kpi_import,
            errors=_refusal("Something went wrong while reading the file; nothing was imported."),
        )
    finally:
        if checked is not None:
            checked.close()


def _neighbour_model_naming(file_name: str, in_force_from: date | None) -> dict:
    """The model's name: that of the model already in force from that date (so loading a
    file again replaces it in place), else one from the file name or the date."""
    name, date_in_name = model_for_file(file_name)
    if in_force_from is None:
        in_force_from = date_in_name
    existing = NeighbourModel.objects.filter(in_force_from=in_force_from).first() if in_force_from else None
    if existing is not None:
        name = existing.name
    elif in_force_from is not None and (not name or in_force_from != date_in_name):
        name = f"DfE statistical neighbours, {uk_date(in_force_from)}"
    return {
        "name": name,
        "in_force_from": in_force_from.isoformat() if in_force_from else None,
        "in_force_label": f"{uk_date(in_force_from)}" if in_force_from else "",
        "replaces": existing is not None,
    }


def _process_neighbour_model(kpi_import: KPIImport, path: Path, *, apply: bool) -> KPIImport:
    """A statistical-neighbour model: previewed (its name, councils, Havering's ten), then
    loaded by the same code as ``load_neighbour_model``'s command."""
    kpi_import.layout = "SN model"
    try:
        councils = read_neighbour_file(path)
        kpi_import.rows_total = kpi_import.rows_processed = len(councils)
        if not apply:
            names = {council.code: council.name for council in councils}
            havering = next((c for c in councils if c.code == settings.OWN_LA_CODE), None)
            if havering is None:
                raise NeighbourFileError(f"Havering (LA number {settings.OWN_LA_CODE}) is not in it.")
            date_in_name = model_for_file(kpi_import.file_name)[1]
            kpi_import.preview = {
                "neighbour_model": {
                    **_neighbour_model_naming(kpi_import.file_name, date_in_name),
                    "date_in_name": date_in_name is not None,
                    "councils": len(councils),
                    "havering": [[code, names.get(code, ""), close] for code, close in havering.neighbours],
                }
            }
            return _finish(kpi_import, state=KPIImport.State.PREVIEWED)
        model = kpi_import.neighbour_model or {}
        if not model.get("in_force_from"):
            raise NeighbourFileError(
                "Say from which period end the model applies: upload the file again, or load it with "
                "the load_neighbour_model command."
            )
        name, in_force_from = model["name"], date.fromisoformat(model["in_force_from"])
        if NeighbourModel.objects.filter(name=name).exclude(in_force_from=in_force_from).exists():
            raise NeighbourFileError(f"A model named “{name}” is already in force from another date.")
        load_neighbour_model(
            path=path,
            name=name,
            in_force_from=in_force_from,
            file_name=kpi_import.file_name,
        )
        return _finish(kpi_import, state=KPIImport.State.DONE)
    except NeighbourFileError as exc:
        return _finish(kpi_import, errors=_refusal(f"This statistical-neighbour model was not loaded: {exc}"))


def _finish(
    kpi_import: KPIImport,
    *,
    state: str = KPIImport.State.FAILED,
    outcome: Outcome | None = None,
    errors: list[dict] | None = None,
    error_count: int | None = None,
) -> KPIImport:
    kpi_import.state = state
    kpi_import.errors = errors or []
    kpi_import.error_count = error_count if error_count is not None else len(kpi_import.errors)
    if outcome is not None:
        if state == KPIImport.State.PREVIEWED or outcome.warnings:
            # Kept once written: the record of the unusual figures someone confirmed.
            kpi_import.warnings = [warning.as_dict() for warning in outcome.warnings]
        kpi_import.rows_created = outcome.created
        kpi_import.rows_updated = outcome.updated
        kpi_import.rows_unchanged = outcome.unchanged
        kpi_import.rows_locked = outcome.locked
        if outcome.samples:
            kpi_import.preview = outcome.samples
    if state != KPIImport.State.PREVIEWED:
        kpi_import.finished_at = timezone.now()
        if kpi_import.stored_file:
            kpi_import.stored_file.delete(save=False)
    kpi_import.save()
    return kpi_import


def kpi_import_discard_stale_previews(*, now=None) -> int:
    """Delete the stored files of previews nobody confirmed (they can be uploaded
    again). Returns how many were discarded."""
    cutoff = (now or timezone.now()) - PREVIEW_LIFETIME
    stale = KPIImport.objects.filter(
        state=KPIImport.State.PREVIEWED, confirmed_at__isnull=True, created_at__lt=cutoff
    ).exclude(stored_file="")
    discarded = 0
    for kpi_import in stale:
        kpi_import.stored_file.delete(save=False)
        kpi_import.save(update_fields=["stored_file"])
        discarded += 1
    return discarded


# --- Owners' commentary ----------------------------------------------------------------------


def kpi_commentary_add(
    *, kpi: KPI, period_end: date, user, commentary: str, corrective_action: str = ""
) -> KPICommentary:
    """Record what the owner says about one period's figure (a new version if there is
    one already: the earlier ones stay as its history). A red figure needs a corrective
    action. Raises PermissionDenied for anyone but the owner or an administrator, and
    ValidationError (by field) for what is missing; nothing is written then."""
    if not can_write_kpi_commentary(user, kpi):
        raise PermissionDenied
    commentary, corrective_action = commentary.strip(), corrective_action.strip()
    errors = {}
    ratings = dict(kpi_rated_periods(kpi=kpi))
    if period_end not in ratings:
        errors["period_end"] = "Choose a period that has a figure for Havering"
    if not commentary:
        errors["commentary"] = "Enter what the figure shows and why"
    rag = ratings.get(period_end, RAG.NONE)
    if rag == RAG.RED and not corrective_action:
        errors["corrective_action"] = "Enter the corrective action: the figure is red"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        return KPICommentary.objects.create(
            kpi=kpi,
            period_end=period_end,
            rag=rag.value,
            commentary=commentary,
            corrective_action=corrective_action,
            author=user,
        )
