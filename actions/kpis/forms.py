from datetime import date

from crispy_forms_gds.layout import Field, Layout
from django import forms
from django.conf import settings
from django.utils import timezone

from actions.models import Theme
from actions.rag import RAG
from core.forms import GovukDateField, GovukFormMixin

from . import neighbours
from .files import FileRefused, describe_size, kind_for
from .rating import TRAVEL_CHOICES


class KPIFilterForm(GovukFormMixin, forms.Form):
    """The KPI list's filters, sent by GET so that a filtered list can be linked to
    (the dashboard's counts do) and bookmarked."""

    submit_label = "Apply filters"

    theme = forms.ModelChoiceField(
        Theme.objects.all(),
        to_field_name="code",
        required=False,
        empty_label="All themes",
        error_messages={"invalid_choice": "Choose a theme from the list."},
    )
    rating = forms.ChoiceField(
        label="RAG rating",
        choices=[
            ("", "All ratings"),
            *[(r.value, r.label) for r in (RAG.RED, RAG.AMBER, RAG.GREEN, RAG.NONE)],
        ],
        required=False,
        error_messages={"invalid_choice": "Choose a rating from the list."},
    )
    travel = forms.ChoiceField(
        label="Direction of travel",
        choices=[("", "Any direction"), *TRAVEL_CHOICES],
        required=False,
        error_messages={"invalid_choice": "Choose a direction of travel from the list."},
    )
    below_target = forms.BooleanField(label="Below target only (worse than the target)", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.form_method = "get"
        self.helper.form_class = "hcp-filters hcp-no-print"
        self.helper.layout = Layout(
            Field.select("theme"),
            Field.select("rating"),
            Field.select("travel"),
            Field.checkbox("below_target", small=True),
        )


class _SizeLimitedUpload:
    """An upload form whose file the upload handler (uploads.py) may have discarded for
    passing ``max_bytes()``; the view says so with ``too_big``."""

    def __init__(self, *args, too_big: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.too_big = too_big

    def max_bytes(self) -> int:
        raise NotImplementedError

    def too_big_message(self) -> str:
        return f"The file must be smaller than {describe_size(self.max_bytes())}"

    def clean(self):
        if self.too_big:
            # The upload handler discarded the file; say why rather than "choose a file".
            self.errors.pop("file", None)
            self.add_error("file", self.too_big_message())
        return super().clean()


class KPIImportUploadForm(_SizeLimitedUpload, GovukFormMixin, forms.Form):
    submit_label = "Upload and check"

    file = forms.FileField(
        label="File with the figures",
        help_text="An Excel workbook (.xlsx) or a CSV file (.csv) in the long or the wide layout.",
        error_messages={"required": "Choose a file to upload"},
    )
    amendment_reason = forms.CharField(
        label="Reason for changing figures in issued reports (optional)",
        help_text="Only needed if the file adds to or changes figures for a period whose progress report "
        "has been issued. Only administrators can make such changes; the reason is recorded with each one.",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text += f" Up to {describe_size(self.max_bytes())}."
        self.fields["file"].widget.attrs["accept"] = ".xlsx,.csv"

    def max_bytes(self) -> int:
        return settings.KPI_IMPORT_MAX_BYTES

    def clean_file(self):
        upload = self.cleaned_data["file"]
        kind_for_file(upload.name)
        if upload.size > self.max_bytes():
            raise forms.ValidationError(self.too_big_message())
        return upload


def kind_for_file(name: str) -> str:
    try:
        return kind_for(name)
    except FileRefused as exc:
        raise forms.ValidationError(str(exc)) from exc


class KPIImportConfirmForm(GovukFormMixin, forms.Form):
    """Confirming a preview; when it flagged unusual figures, saying they are right."""

    submit_label = "Confirm and import"

    accept_warnings = forms.BooleanField(
        label="I have checked the unusual figures listed above and they are right",
        required=False,
    )

    def __init__(self, *args, warnings: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.warnings = warnings
        if not warnings:
            del self.fields["accept_warnings"]
        self.helper.layout = Layout(*self.fields)

    def clean(self):
        cleaned = super().clean()
        if self.warnings and not cleaned.get("accept_warnings"):
            self.add_error(
                "accept_warnings",
                "Confirm that the unusual figures are right, or correct the file and upload it again",
            )
        return cleaned


class NeighbourModelUploadForm(_SizeLimitedUpload, GovukFormMixin, forms.Form):
    submit_label = "Upload and check"

    file = forms.FileField(
        label="Statistical-neighbour model file",
        help_text="The .csv file as DfE publishes it (such as sn_model_2025_wide.csv), unedited.",
        error_messages={"required": "Choose a file to upload"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ".csv"

    def max_bytes(self) -> int:
        return neighbours.MAX_BYTES


class NeighbourModelConfirmForm(GovukFormMixin, forms.Form):
    """Confirming a previewed model, from the first period end it applies to."""

    submit_label = "Confirm and load"

    in_force_from = GovukDateField(
        label="First period end that uses this model",
        help_text="The model is used for statistical-neighbour figures of periods ending on or after this "
        "date, until a later model takes over. DfE's models start on 31 March of their year. "
        "For example, 31 3 2026.",
    )

    def __init__(self, *args, in_force_from: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if in_force_from is None:
            today = timezone.localdate()
            # The latest 31 March so far: DfE's models start with a reporting year.
            year = today.year if (today.month, today.day) >= (3, 31) else today.year - 1
            in_force_from = date(year, 3, 31)
        self.fields["in_force_from"].initial = in_force_from

    def clean_in_force_from(self):
        day = self.cleaned_data["in_force_from"]
        latest = timezone.localdate().year + 2
        if not 2010 <= day.year <= latest:
            raise forms.ValidationError(f"Enter a date between 2010 and {latest}")
        return day


class KPICommentaryForm(GovukFormMixin, forms.Form):
    """An owner's commentary on one period's figure. What is required (a corrective
    action for a red figure) is checked by the service, which knows the rating."""

    submit_label = "Save commentary"

    period_end = forms.TypedChoiceField(
        label="Period",
        coerce=date.fromisoformat,
        error_messages={
            "required": "Choose the period the commentary is about",
            "invalid_choice": "Choose a period from the list",
        },
    )
    commentary = forms.CharField(
        label="Commentary",
        help_text="What the figure shows and why, in words a panel member can follow.",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter what the figure shows and why"},
    )
    corrective_action = forms.CharField(
        label="Corrective action",
        help_text="Required when the figure is red: what is being done to bring it back to target, "
        "by whom and by when.",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, periods: list[tuple[date, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period_end"].choices = [(day.isoformat(), label) for day, label in periods]
