"""Form plumbing shared by every app: GOV.UK markup through crispy-forms-gds."""

from datetime import date

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Submit
from django import forms
from django.core.exceptions import ValidationError

from .versioning import EditConflict, take_current_version


class GovukFormMixin:
    """Gives a form a crispy helper that renders GOV.UK markup and a submit button.

    Templates show errors with ``{% error_summary form %}`` above the heading and the
    form with ``{% crispy form %}``.
    """

    submit_label = "Save"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "version" in self.fields and self.initial.get("version") is None:
            del self.fields["version"]  # drawn for a new record: nothing to compare with
        for field in self.fields.values():
            # Django's sign-in and password forms autofocus a box, which skips the skip link
            # and the page's heading for screen-reader users: GOV.UK leaves focus alone.
            field.widget.attrs.pop("autofocus", None)
            if isinstance(field, forms.CharField) and field.max_length:
                what = str(field.label or "The text").removesuffix(" (optional)")
                field.error_messages.setdefault(
                    "max_length", f"{what} must be {field.max_length} characters or fewer"
                )
        self.helper = FormHelper(self)
        self.helper.layout = Layout(*(self.layout_field(name) for name in self.fields))
        self.helper.render_hidden_fields = True  # e.g. a record's version (core.versioning)
        # An id of the form's own, so that two forms on one page never share one.
        button_id = f"{self.prefix or type(self).__name__.lower()}-submit"
        self.helper.add_input(Submit("submit", self.submit_label, css_id=button_id))

    def layout_field(self, name: str):
        """A field as the default layout shows it: a text box with a limit gets GOV.UK's
        character count. Forms with a layout of their own call this for their text boxes."""
        field = self.fields[name]
        if isinstance(field.widget, forms.Textarea) and getattr(field, "max_length", None):
            # crispy-forms-gds reads this key unguarded for a character count with no hint.
            field.widget.attrs.setdefault("aria-describedby", "")
            return Field.textarea(
                name, rows=field.widget.attrs.get("rows", 5), max_characters=field.max_length
            )
        return name


def save_or_show_errors(form, service, /, *, data: dict | None = None, **arguments):
    """Run ``service(**arguments, **data)`` with ``data`` the form's cleaned data by default.

    Services enforce the rules and raise ValidationError; its messages go onto the form
    (and nothing is written) and None is returned. Otherwise the service's result is.
    An edit refused because the record changed meanwhile (``core.versioning``) keeps
    what the user typed and takes the record's new version, so saving again keeps it.
    """
    try:
        return service(**arguments, **(form.cleaned_data if data is None else data))
    except ValidationError as error:
        if isinstance(error, EditConflict):
            take_current_version(form, error)
        form.add_error(None, error)
        return None


class GovukDateField(DateInputField):
    """The GOV.UK date input (day, month, year boxes) with messages that name the date.

    One message for the field, as GOV.UK's pattern has it ("Date of birth must include a
    month"); the boxes at fault are marked (``widget.errors``), so that only they are shown
    in red and the error summary links to the first of them (``first_input_id``).
    """

    PARTS = ("day", "month", "year")

    def __init__(
        self, *, label: str, required: bool = True, help_text: str = "For example, 27 3 2025", **kwargs
    ):
        shown = label if required else f"{label} (optional)"
        super().__init__(
            label=shown, required=required, help_text=help_text, require_all_fields=False, **kwargs
        )
        self.name = label
        self.what = label[0].lower() + label[1:]
        self.error_messages["required"] = f"Enter the {self.what}"
        # GOV.UK's wording for a date that does not exist (31 February, month 13).
        self.error_messages["invalid"] = f"{label} must be a real date"
        for widget in self.widget.widgets:
            widget.attrs["inputmode"] = "numeric"  # a phone shows its number keys

    def clean(self, value):
        parts = [str(part or "").strip() for part in (value or ("", "", ""))]
        for field in self.fields:
            field.widget.errors = []
        if not any(parts):
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return None
        missing = [index for index, part in enumerate(parts) if not part]
        if missing:
            words = " and ".join(self.PARTS[index] for index in missing)
            self._refuse(missing, f"{self.name} must include a {words}", "incomplete")
        not_numbers = [index for index, part in enumerate(parts) if not part.isdigit()]
        if not_numbers:
            self._refuse(not_numbers, self.error_messages["invalid"], "invalid")
        day, month, year = parts
        if len(year) != 4:
            self._refuse(
                [2],
                f"The year of the {self.what} must have 4 numbers, for example 2025",
                "invalid",
            )
        try:
            return date(int(year), int(month), int(day))
        except (ValueError, OverflowError):
            self._refuse([], self.error_messages["invalid"], "invalid")

    def _refuse(self, parts: list[int], message: str, code: str):
        for index in parts:
            self.fields[index].widget.errors = [message]
        raise ValidationError(message, code=code)
