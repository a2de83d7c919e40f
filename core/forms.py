"""Form plumbing shared by every app: GOV.UK markup through crispy-forms-gds."""

from datetime import date

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Submit
from django import forms
from django.core.exceptions import ValidationError

from .versioning import EditConflict


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
            if isinstance(field, forms.CharField) and field.max_length:
                what = str(field.label or "The text").removesuffix(" (optional)")
                field.error_messages.setdefault(
                    "max_length", f"{what} must be {field.max_length} characters or fewer"
                )
        self.helper = FormHelper(self)
        self.helper.layout = Layout(*(self.layout_field(name) for name in self.fields))
        self.helper.render_hidden_fields = True  # e.g. a record's version (core.versioning)
        self.helper.add_input(Submit("submit", self.submit_label))

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
            form.data = form.data.copy()
            form.data[form.add_prefix("version")] = str(error.current_version)
        form.add_error(None, error)
        return None


class GovukDateField(DateInputField):
    """The GOV.UK date input (day, month, year boxes) with messages that say what to do."""

    def __init__(
        self, *, label: str, required: bool = True, help_text: str = "For example, 27 3 2025", **kwargs
    ):
        shown = label if required else f"{label} (optional)"
        # Not require_all_fields: a missing day, month or year gets its own message.
        super().__init__(
            label=shown, required=required, help_text=help_text, require_all_fields=False, **kwargs
        )
        what = label[0].lower() + label[1:]
        self.error_messages["required"] = f"Enter the {what}"
        # GOV.UK's wording for a date that does not exist (31 February, month 13).
        self.error_messages["invalid"] = f"{label} must be a real date"
        self.error_messages["incomplete"] = f"Enter the {what} as a day, month and year"

    def compress(self, data_list):
        day, month, year = (str(part or "").strip() for part in data_list)
        if not (day or month or year):
            return None
        if not (day and month and year):
            raise ValidationError(self.error_messages["incomplete"], code="incomplete")
        if len(year) != 4:
            raise ValidationError("Enter the year as 4 digits, for example 2025", code="invalid")
        try:
            return date(int(year), int(month), int(day))
        except (ValueError, OverflowError):
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
