"""Form plumbing shared by every app: GOV.UK markup through crispy-forms-gds."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Submit


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
