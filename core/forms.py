"""Form plumbing shared by every app: GOV.UK markup through crispy-forms-gds."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Submit
from django.core.exceptions import ValidationError


class GovukFormMixin:
    """Gives a form a crispy helper that renders GOV.UK markup and a submit button.

    Templates show errors with ``{% error_summary form %}`` above the heading and the
    form with ``{% crispy form %}``.
    """

    submit_label = "Save"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper(self)
        self.helper.add_input(Submit("submit", self.submit_label))


def save_or_show_errors(form, service, /, *, data: dict | None = None, **arguments):
    """Run ``service(**arguments, **data)`` with ``data`` the form's cleaned data by default.

    Services enforce the rules and raise ValidationError; its messages go onto the form
    (and nothing is written) and None is returned. Otherwise the service's result is.
    """
    try:
        return service(**arguments, **(form.cleaned_data if data is None else data))
    except ValidationError as error:
        form.add_error(None, error)
        return None
