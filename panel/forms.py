from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone

from actions.forms import PersonChoiceField
from actions.roles import STAFF_ROLES, Role
from core.filetypes import content_matches_extension
from core.formatting import uk_date
from core.forms import GovukDateField, GovukFormMixin
from core.months import month_bounds

from .models import PAPER_EXTENSIONS, AgendaItem, Meeting, PanelAction, ProgressReport
from .reports import ReportSpec, meeting_pack_period


class UsernameLengthMixin:
    """AuthenticationForm sets the username's max_length after the field is built, so it is never
    checked; a longer name reached authenticate() and django-axes, which cannot store it."""

    def clean_username(self):
        username = self.cleaned_data.get("username", "")
        if len(username) > self.username_field.max_length:
            raise forms.ValidationError(
                f"Enter a username of {self.username_field.max_length} characters or fewer", code="max_length"
            )
        return username


class SignInForm(UsernameLengthMixin, GovukFormMixin, AuthenticationForm):
    submit_label = "Sign in"


class AdminSignInForm(UsernameLengthMixin, AdminAuthenticationForm):
    pass


class ChangePasswordForm(GovukFormMixin, PasswordChangeForm):
    submit_label = "Change password"


class MeetingForm(GovukFormMixin, forms.ModelForm):
    submit_label = "Save meeting"

    class Meta:
        model = Meeting
        fields = ["title", "starts_at", "location", "notes"]
        widgets = {
            "starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
        }
        labels = {"starts_at": "Date and time"}
        help_texts = {"starts_at": "For example, 14 May 2026 at 6pm."}


class AgendaItemForm(GovukFormMixin, forms.ModelForm):
    submit_label = "Add agenda item"

    class Meta:
        model = AgendaItem
        fields = ["position", "title", "presenter", "paper"]

    def clean_paper(self):
        paper = self.cleaned_data.get("paper")
        limit = settings.MEETING_PAPER_MAX_BYTES
        if paper and paper.size > limit:
            raise forms.ValidationError(f"The paper must be smaller than {filesizeformat(limit)}.")
        extension = Path(paper.name).suffix.lstrip(".").lower() if paper else ""
        uploaded = paper and hasattr(paper, "content_type") and extension in PAPER_EXTENSIONS
        if uploaded and not content_matches_extension(paper, extension):
            raise forms.ValidationError(
                f"The content of this file is not {extension.upper()}: "
                f"save it again as {extension.upper()}, or choose the right file."
            )
        return paper


def _people():
    roles = (Role.PANEL_MEMBER, *STAFF_ROLES)
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=roles)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


class PanelActionForm(GovukFormMixin, forms.ModelForm):
    submit_label = "Add to the meeting"

    due_date = GovukDateField(label="Due date", required=False, help_text="For example, 31 3 2026")

    class Meta:
        model = PanelAction
        fields = ["kind", "text", "owner", "due_date"]
        field_classes = {"owner": PersonChoiceField}
        widgets = {"kind": forms.RadioSelect}
        labels = {"text": "Question or action", "owner": "Who will answer it"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _people()


class PanelActionUpdateForm(GovukFormMixin, forms.ModelForm):
    submit_label = "Save"

    class Meta:
        model = PanelAction
        fields = ["status", "response"]
        widgets = {"status": forms.RadioSelect}


class GenerateReportForm(GovukFormMixin, forms.Form):
    """An administrator asks for one report now: a month's progress report or a meeting's pack."""

    submit_label = "Generate report"

    kind = forms.ChoiceField(
        choices=ProgressReport.Kind.choices, widget=forms.RadioSelect, label="Kind of report"
    )
    month = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        input_formats=["%Y-%m"],
        label="Month (for a monthly report)",
        help_text="For example, 2026-10.",
    )
    meeting = forms.ModelChoiceField(
        queryset=Meeting.objects.order_by("-starts_at"), required=False, label="Meeting (for a meeting pack)"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.form_action = reverse("panel:report_generate")

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind == ProgressReport.Kind.MONTHLY:
            month = cleaned.get("month")
            if not month:
                self.add_error("month", "Enter the month the report is for.")
            elif month_bounds(month)[1] >= timezone.localdate():
                self.add_error("month", "A monthly report can only be built once the month has ended.")
            elif month < month_bounds(settings.REPORTS_START)[0]:
                self.add_error("month", f"Reports start from {settings.REPORTS_START:%B %Y}.")
        elif kind == ProgressReport.Kind.MEETING_PACK and not cleaned.get("meeting"):
            self.add_error("meeting", "Choose the meeting the pack is for.")
        return cleaned

    def spec(self) -> ReportSpec:
        if self.cleaned_data["kind"] == ProgressReport.Kind.MONTHLY:
            first, last = month_bounds(self.cleaned_data["month"])
            return ReportSpec(ProgressReport.Kind.MONTHLY, first, last)
        meeting = self.cleaned_data["meeting"]
        return ReportSpec(ProgressReport.Kind.MEETING_PACK, *meeting_pack_period(meeting), meeting.pk)


class AsOfForm(GovukFormMixin, forms.Form):
    """The dashboard's "as of" date: today, or an earlier day since the strategy began."""

    as_of = forms.DateField(
        label="Show the plan as it stood on",
        required=False,
        # A filter sent by GET: one ISO date keeps the dashboard's address short and bookmarkable.
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Enter a real date, for example 2026-03-31."},
    )

    def clean_as_of(self):
        day = self.cleaned_data.get("as_of")
        if day and day > timezone.localdate():
            raise forms.ValidationError("The date cannot be in the future.")
        if day and day < settings.REPORTS_START:
            raise forms.ValidationError(
                f"The plan starts on {uk_date(settings.REPORTS_START)}; choose a later date."
            )
        return day
