"""Loading a delivery plan from a spreadsheet.

One row per action. A row with an ``id`` updates that action; without one it updates
the action of the same commitment and title if there is one, else adds an action, so
loading the same file twice changes nothing. Each row's cells are read here (a code, a
user, a date…); what makes an action valid is the services' business:
``services.plan_import`` passes each row to ``action_create`` or ``action_edit``, so a
row is refused with the same words as the form. A file with any bad row writes nothing.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime

import tablib
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Q

from .kpis.files import FileRefused, open_upload
from .models import ACTION_EDITABLE_FIELDS, KPI, Action, Commitment, Subgroup

# An action's editable fields, with its KPIs before "shareable" (the template's order).
COLUMNS = ("id", *(name for name in ACTION_EDITABLE_FIELDS if name != "shareable"), "kpis", "shareable")
REQUIRED_COLUMNS = ("commitment", "title", "lead", "start_date", "due_date", "status")
COLUMN_HELP = {
    "id": "Leave blank for a new action; the portal's id to change an existing one.",
    "commitment": "The commitment's code, e.g. W1.",
    "title": "Short title of the action.",
    "description": "What the action is, in a sentence or two (optional).",
    "lead": "The lead's username or e-mail address; they must be a subgroup lead.",
    "lead_organisation": "The lead's organisation (optional).",
    "subgroup": "The subgroup's name as in the portal (optional).",
    "start_date": "Date, e.g. 2025-04-01 or 01/04/2025.",
    "due_date": "Date, the same as or after the start date.",
    "status": "One of: " + ", ".join(Action.Status.labels) + ".",
    "kpis": "KPI codes separated by commas, e.g. W01, W02 (optional).",
    "shareable": "Yes if young people may see it on the easy-read page; else No or blank.",
}
ROW_COLUMN = "_row"  # the spreadsheet row number, carried through for error messages
MAX_ROWS = 2000
MAX_BYTES = 5 * 1024 * 1024
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


# --- Reading a row's cells: each returns the value or raises ValueError with the reason ------


def _commitment(value) -> Commitment:
    code = _text(value).upper()
    if not code:
        raise ValueError("Enter the commitment's code, e.g. W1.")
    try:
        return Commitment.objects.get(code=code)
    except Commitment.DoesNotExist:
        raise ValueError(f"There is no commitment with the code “{code}”.") from None


def _user(value):
    name = _text(value)
    if not name:
        raise ValueError("Enter the lead's username or e-mail address.")
    named = Q(username__iexact=name) | Q(email__iexact=name)
    users = list(get_user_model().objects.filter(named, is_active=True)[:2])
    if len(users) != 1:
        raise ValueError(f"There is no single active user with the username or e-mail “{name}”.")
    return users[0]


def _subgroup(value) -> Subgroup | None:
    name = _text(value)
    if not name:
        return None
    try:
        return Subgroup.objects.get(name__iexact=name)
    except Subgroup.DoesNotExist:
        raise ValueError(f"There is no subgroup called “{name}”.") from None


def _date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    if not text:
        raise ValueError("Enter a date, e.g. 2025-04-01.")
    for format in DATE_FORMATS:
        try:
            return datetime.strptime(text, format).date()
        except ValueError:
            continue
    raise ValueError(f"“{text}” is not a date: use a date such as 2025-04-01 or 01/04/2025.")


def _status(value) -> str:
    text = _text(value).lower().replace("_", " ")
    for choice, label in Action.Status.choices:
        if text in (label.lower(), choice.replace("_", " ")):
            return choice
    raise ValueError(f"Enter one of: {', '.join(Action.Status.labels)}.")


def _kpis(value) -> list[KPI]:
    codes = {code.strip().upper() for code in _text(value).split(",") if code.strip()}
    kpis = list(KPI.objects.filter(code__in=codes))
    unknown = codes - {kpi.code for kpi in kpis}
    if unknown:
        raise ValueError(f"Unknown KPI codes: {', '.join(sorted(unknown))}.")
    return kpis


def _yes_no(value) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value).lower()
    if text in {"yes", "y", "true", "1"}:
        return True
    if text in {"no", "n", "false", "0", ""}:
        return False
    raise ValueError("Enter Yes or No.")


READERS = {
    "commitment": _commitment,
    "title": _text,
    "description": _text,
    "lead": _user,
    "lead_organisation": _text,
    "subgroup": _subgroup,
    "start_date": _date,
    "due_date": _date,
    "status": _status,
    "kpis": _kpis,
    "shareable": _yes_no,
}


@dataclass(frozen=True)
class PlanRow:
    """One row, read: the action it names (None for a new one), and the action's fields
    and KPIs as the file gives them (only the columns the file has)."""

    action: Action | None
    fields: dict
    kpis: list[KPI] | None

    def unchanged(self) -> bool:
        action = self.action
        same_kpis = self.kpis is None or set(self.kpis) == set(action.kpis.all())
        return same_kpis and all(getattr(action, name) == value for name, value in self.fields.items())


def read_plan_row(row: dict) -> PlanRow:
    """The row's cells read; a ValidationError names every cell that cannot be read."""
    errors, values = {}, {}
    for column, read in READERS.items():
        if column in row:
            try:
                values[column] = read(row[column])
            except ValueError as error:
                errors[column] = str(error)
    if errors:
        raise ValidationError(errors)
    kpis = values.pop("kpis", None)
    return PlanRow(_action_named(row), values, kpis)


def _action_named(row: dict) -> Action | None:
    raw_id = _text(row.get("id"))
    if raw_id:
        try:
            return Action.objects.get(pk=int(raw_id))
        except (ValueError, Action.DoesNotExist):
            raise ValidationError(
                {"id": f"There is no action with the id “{raw_id}”; leave id blank to add one."}
            ) from None
    # Without an id, the commitment and title name the action.
    code, title = _text(row.get("commitment")).upper(), _text(row.get("title"))
    matches = list(Action.objects.filter(commitment__code=code, title=title)[:2])
    return matches[0] if len(matches) == 1 else None


# --- Reading files and reporting ---------------------------------------------------------


def _header(value) -> str:
    return _text(value).lower().replace(" ", "_")


def read_plan_file(*, upload: UploadedFile) -> tablib.Dataset:
    """The first sheet as a dataset with normalised headers, blank rows dropped and each
    row's spreadsheet row number in ``_row``. The file is opened by the KPI import's
    hardened opener (size, file type, zip bomb, sheet extent). Raises ValidationError
    with a reason."""
    try:
        with open_upload(upload, max_bytes=MAX_BYTES) as table:
            return _plan_dataset(table.rows)
    except FileRefused as refused:
        raise ValidationError(f"The file could not be read. {refused}") from None


def _plan_dataset(rows: Iterator[tuple[int, list]]) -> tablib.Dataset:
    first = next(rows, None)
    if first is None:
        raise ValidationError("The file is empty: the first row must name the columns.")
    headers = [_header(h) for h in first[1]]
    missing = [column for column in REQUIRED_COLUMNS if column not in headers]
    if missing:
        raise ValidationError(
            f"The first row must name the columns; missing: {', '.join(missing)}. "
            "Download the template to see them."
        )
    dataset = tablib.Dataset(headers=[*headers, ROW_COLUMN])
    width = len(headers)
    for number, values in rows:
        if any(_text(v) for v in values):
            cells = (list(values) + [None] * width)[:width]
            dataset.append([*cells, number])
            if dataset.height > MAX_ROWS:
                raise ValidationError(
                    f"The file has more than {MAX_ROWS} actions; load at most that at a time."
                )
    if not dataset.height:
        raise ValidationError("The file has no actions in it: add one row per action under the headings.")
    return dataset


@dataclass(frozen=True)
class RowReport:
    row: int
    title: str
    outcome: str  # "new", "update", "skip" or "invalid"
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column, message)


@dataclass(frozen=True)
class ImportReport:
    rows: list[RowReport]

    @property
    def ok(self) -> bool:
        return not self.invalid

    @property
    def invalid(self) -> list[RowReport]:
        return [r for r in self.rows if r.outcome == "invalid"]

    def count(self, outcome: str) -> int:
        return sum(1 for r in self.rows if r.outcome == outcome)

    @property
    def new(self) -> int:
        return self.count("new")

    @property
    def updated(self) -> int:
        return self.count("update")

    @property
    def unchanged(self) -> int:
        return self.count("skip")


def row_errors(error: ValidationError) -> list[tuple[str, str]]:
    """(column, message) pairs; a message about no one column has the column ""."""
    if not hasattr(error, "error_dict"):
        return [("", message) for message in error.messages]
    return [
        ("" if column == NON_FIELD_ERRORS else column, message)
        for column, messages in error.message_dict.items()
        for message in messages
    ]


# --- Carrying a checked file from the preview to the confirmation --------------------------

SIGNING_SALT = "actions.plan-import"
PREVIEW_MAX_AGE = 60 * 60


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def sign_dataset(dataset: tablib.Dataset, *, user) -> str:
    """The checked rows, signed, so the confirmation imports exactly what was previewed
    and cannot be altered on the way."""
    payload = {"by": user.pk, "headers": dataset.headers, "rows": [[_plain(v) for v in r] for r in dataset]}
    return signing.dumps(payload, salt=SIGNING_SALT, compress=True)


def unsign_dataset(token: str, *, user) -> tablib.Dataset:
    try:
        payload = signing.loads(token, salt=SIGNING_SALT, max_age=PREVIEW_MAX_AGE)
    except signing.SignatureExpired:
        raise ValidationError("The preview is more than an hour old: upload the file again.") from None
    except signing.BadSignature:
        raise ValidationError("The preview could not be read: upload the file again.") from None
    if payload.get("by") != user.pk:
        raise ValidationError("The preview could not be read: upload the file again.")
    return tablib.Dataset(*[tuple(r) for r in payload["rows"]], headers=payload["headers"])


def plan_template_sheets() -> dict:
    """The import template: the headings, and a help sheet with codes that are valid."""
    help_rows = [[column, COLUMN_HELP[column]] for column in COLUMNS]
    commitments = [[c.code, c.text] for c in Commitment.objects.all()]
    kpis = [[k.code, k.name] for k in KPI.objects.all()]
    return {
        "Actions": (list(COLUMNS), []),
        "Help": (["Column", "What to enter"], help_rows),
        "Commitments": (["Code", "Commitment"], commitments),
        "KPIs": (["Code", "KPI"], kpis),
    }
