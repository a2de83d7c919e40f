"""Loading a delivery plan from a spreadsheet (django-import-export).

One row per action. A row with an ``id`` updates that action; without one it updates
the action of the same commitment and title if there is one, else adds an action, so
loading the same file twice changes nothing. Every cell is checked and explained
(row, column, why) before anything is written; a file with any bad row writes nothing.
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
from import_export import fields, resources, widgets
from import_export.results import RowResult

from .kpis.files import FileRefused, open_upload
from .models import KPI, Action, Commitment, Subgroup
from .roles import Role, has_role

COLUMNS = (
    "id",
    "commitment",
    "title",
    "description",
    "lead",
    "lead_organisation",
    "subgroup",
    "start_date",
    "due_date",
    "status",
    "kpis",
    "shareable",
)
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


class TextWidget(widgets.CharWidget):
    def clean(self, value, row=None, **kwargs):
        return _text(value)


class CommitmentWidget(widgets.ForeignKeyWidget):
    def __init__(self):
        super().__init__(Commitment, field="code")

    def clean(self, value, row=None, **kwargs):
        code = _text(value).upper()
        if not code:
            raise ValueError("Enter the commitment's code, e.g. W1.")
        try:
            return Commitment.objects.get(code=code)
        except Commitment.DoesNotExist:
            raise ValueError(f"There is no commitment with the code “{code}”.") from None


class LeadWidget(widgets.ForeignKeyWidget):
    def __init__(self):
        super().__init__(get_user_model(), field="username")

    def clean(self, value, row=None, **kwargs):
        name = _text(value)
        if not name:
            raise ValueError("Enter the lead's username or e-mail address.")
        named = Q(username__iexact=name) | Q(email__iexact=name)
        users = list(get_user_model().objects.filter(named, is_active=True)[:2])
        if len(users) != 1:
            raise ValueError(f"There is no single active user with the username or e-mail “{name}”.")
        if not has_role(users[0], Role.SUBGROUP_LEAD, Role.ADMINISTRATOR):
            raise ValueError(f"“{name}” is not a subgroup lead.")
        return users[0]


class SubgroupWidget(widgets.ForeignKeyWidget):
    def __init__(self):
        super().__init__(Subgroup, field="name")

    def clean(self, value, row=None, **kwargs):
        name = _text(value)
        if not name:
            return None
        try:
            return Subgroup.objects.get(name__iexact=name)
        except Subgroup.DoesNotExist:
            raise ValueError(f"There is no subgroup called “{name}”.") from None


class PlanDateWidget(widgets.DateWidget):
    def clean(self, value, row=None, **kwargs):
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


class StatusWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        text = _text(value).lower().replace("_", " ")
        for choice, label in Action.Status.choices:
            if text in (label.lower(), choice.replace("_", " ")):
                return choice
        raise ValueError(f"Enter one of: {', '.join(Action.Status.labels)}.")


class KPIsWidget(widgets.ManyToManyWidget):
    def __init__(self):
        super().__init__(KPI, field="code", separator=",")

    def clean(self, value, row=None, **kwargs):
        codes = {code.strip().upper() for code in _text(value).split(",") if code.strip()}
        kpis = list(KPI.objects.filter(code__in=codes))
        unknown = codes - {kpi.code for kpi in kpis}
        if unknown:
            raise ValueError(f"Unknown KPI codes: {', '.join(sorted(unknown))}.")
        return kpis


class YesNoWidget(widgets.Widget):
    YES = {"yes", "y", "true", "1"}
    NO = {"no", "n", "false", "0", ""}

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            return value
        text = _text(value).lower()
        if text in self.YES | self.NO:
            return text in self.YES
        raise ValueError("Enter Yes or No.")


class ActionResource(resources.ModelResource):
    title = fields.Field(attribute="title", column_name="title", widget=TextWidget())
    description = fields.Field(attribute="description", column_name="description", widget=TextWidget())
    lead_organisation = fields.Field(
        attribute="lead_organisation", column_name="lead_organisation", widget=TextWidget()
    )
    commitment = fields.Field(attribute="commitment", column_name="commitment", widget=CommitmentWidget())
    lead = fields.Field(attribute="lead", column_name="lead", widget=LeadWidget())
    subgroup = fields.Field(attribute="subgroup", column_name="subgroup", widget=SubgroupWidget())
    start_date = fields.Field(attribute="start_date", column_name="start_date", widget=PlanDateWidget())
    due_date = fields.Field(attribute="due_date", column_name="due_date", widget=PlanDateWidget())
    status = fields.Field(attribute="status", column_name="status", widget=StatusWidget())
    kpis = fields.Field(attribute="kpis", column_name="kpis", widget=KPIsWidget())
    shareable = fields.Field(attribute="shareable", column_name="shareable", widget=YesNoWidget())

    class Meta:
        model = Action
        fields = COLUMNS[1:]
        import_order = COLUMNS[1:]
        import_id_fields = ()
        skip_unchanged = True
        report_skipped = True
        store_row_values = True
        skip_html_diff = True

    def get_instance(self, instance_loader, row):
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

    def after_init_instance(self, instance, new, row, **kwargs):
        instance._history_user = kwargs.get("user")

    def before_save_instance(self, instance, row, **kwargs):
        if instance.pk:
            instance.version += 1  # an edit form opened before the import is refused

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        # import_instance leaves many-to-many cells to after saving; check them now so
        # an unknown KPI code is a row error like any other.
        try:
            self.fields["kpis"].clean(row)
        except ValueError as error:
            errors["kpis"] = [str(error)]
        except KeyError:
            pass
        dates_read = "start_date" not in errors and "due_date" not in errors
        if dates_read and instance.due_date < instance.start_date:
            errors["due_date"] = ["The due date must be the same as or after the start date."]
        if errors:
            raise ValidationError(errors)


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


OUTCOMES = {
    RowResult.IMPORT_TYPE_NEW: "new",
    RowResult.IMPORT_TYPE_UPDATE: "update",
    RowResult.IMPORT_TYPE_SKIP: "skip",
}


def report_from_result(result) -> ImportReport:
    rows = []
    for base_error in result.base_errors:
        rows.append(RowReport(1, "", "invalid", [("", str(base_error.error))]))
    for row_result in result.rows:
        values = row_result.row_values
        number = int(values.get(ROW_COLUMN) or 0)
        title = _text(values.get("title"))
        if row_result.validation_error is not None:
            errors = [
                ("" if column == NON_FIELD_ERRORS else column, message)
                for column, messages in row_result.validation_error.message_dict.items()
                for message in messages
            ]
            rows.append(RowReport(number, title, "invalid", errors))
        elif row_result.errors:
            rows.append(RowReport(number, title, "invalid", [("", str(e.error)) for e in row_result.errors]))
        else:
            rows.append(RowReport(number, title, OUTCOMES.get(row_result.import_type, "skip")))
    return ImportReport(sorted(rows, key=lambda r: r.row))


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
