"""Forms of the delivery plan's pages. They check the shape of what was sent; the rules
about it (dates in order, reopening a completed action) live in services.py."""

from uuid import uuid4

from crispy_forms_gds.layout import Field, Layout, Size
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.validators import FileExtensionValidator
from django.utils.text import Truncator

from core.formatting import person_name, uk_date_short
from core.forms import GovukDateField, GovukFormMixin
from core.versioning import VersionField

from .models import KPI, Action, Commitment, Subgroup, Theme
from .rag import RAG
from .roles import Role
from .selectors import plan_leads


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return person_name(obj)


class CommitmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code}: {Truncator(obj.text).chars(80)}"


def lead_candidates():
    """Who may be named as an action's lead: active subgroup leads and administrators."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=[Role.SUBGROUP_LEAD, Role.ADMINISTRATOR])
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


class PlanFilterForm(GovukFormMixin, forms.Form):
    """The plan's filters, sent by GET so that a filtered view can be bookmarked and exported."""

    submit_label = "Apply filters"

    q = forms.CharField(
        label="Search", required=False, max_length=200, help_text="Words in the action, commitment or lead"
    )
    theme = forms.ModelChoiceField(
        Theme.objects.all(),
        to_field_name="code",
        required=False,
        empty_label="All themes",
        error_messages={"invalid_choice": "Choose a theme from the list."},
    )
    subgroup = forms.ModelChoiceField(
        Subgroup.objects.all(),
        required=False,
        empty_label="All subgroups",
        error_messages={"invalid_choice": "Choose a subgroup from the list."},
    )
    lead = PersonChoiceField(
        get_user_model().objects.none(),
        required=False,
        empty_label="All leads",
        error_messages={"invalid_choice": "Choose a lead from the list."},
    )
    status = forms.ChoiceField(
        choices=[("", "All statuses"), *Action.Status.choices],
        required=False,
        error_messages={"invalid_choice": "Choose a status from the list."},
    )
    rag = forms.ChoiceField(
        label="RAG rating",
        choices=[("", "All ratings"), *RAG.choices],
        required=False,
        error_messages={"invalid_choice": "Choose a rating from the list."},
    )
    overdue = forms.BooleanField(label="Overdue only", required=False)
    stale = forms.BooleanField(label="Stale only", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = plan_leads()
        self.fields["stale"].label = f"Stale only (no update for {settings.ACTION_STALE_DAYS} days or more)"
        self.helper.form_method = "get"
        self.helper.layout = Layout(
            Field.text("q"),
            Field.select("theme"),
            Field.select("subgroup"),
            Field.select("lead"),
            Field.select("status"),
            Field.select("rag"),
            Field.checkbox("overdue", small=True),
            Field.checkbox("stale", small=True),
        )


class ProgressUpdateForm(GovukFormMixin, forms.Form):
    submit_label = "Add update"

    status = forms.ChoiceField(
        label="What is the action's status now?",
        choices=Action.Status.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the action's status.", "invalid_choice": "Choose a status."},
    )
    done = forms.CharField(
        label="What was done",
        help_text="What changed since the last update, in plain words.",
        widget=forms.Textarea,
        max_length=5000,
        error_messages={"required": "Say what was done since the last update."},
    )
    next_steps = forms.CharField(
        label="Next steps",
        help_text="What happens next, and by when.",
        widget=forms.Textarea,
        max_length=5000,
        required=False,
    )
    evidence_url = forms.URLField(
        label="Link to evidence (optional)",
        required=False,
        assume_scheme="https",
        # A text input, so that it is styled as GOV.UK's (the URLField still checks it).
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "url"}),
        help_text="For example a report or minutes on the council's document store.",
        error_messages={"invalid": "Enter the link in full, starting https://"},
    )
    shareable = forms.BooleanField(
        label="Young people may see this update on the easy-read page", required=False
    )
    # A new one each time the form is drawn: the same form sent twice stores one update.
    submission_token = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["submission_token"].initial = uuid4
        self.helper.layout = Layout(
            Field.radios("status", legend_size=Size.MEDIUM, small=True),
            Field.textarea("done", rows=5, max_characters=5000),
            Field.textarea("next_steps", rows=4, max_characters=5000),
            Field.text("evidence_url"),
            Field.checkbox("shareable", small=True),
        )


class MilestonesForm(GovukFormMixin, forms.Form):
    """Tick the milestones that are done (untick one completed by mistake)."""

    submit_label = "Save milestones"

    completed = forms.TypedMultipleChoiceField(
        label="Which milestones are complete?",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose milestones of this action only."},
    )
    version = VersionField()  # the action's

    def __init__(self, *args, milestones, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["completed"]
        field.choices = [(m.pk, self._label(m)) for m in milestones]
        field.initial = [m.pk for m in milestones if m.completed_on]
        self.helper.layout = Layout(Field.checkboxes("completed", legend_size=Size.MEDIUM, small=True))

    @staticmethod
    def _label(milestone) -> str:
        done = f", done {uk_date_short(milestone.completed_on)}" if milestone.completed_on else ""
        return f"{milestone.title} (due {uk_date_short(milestone.due_date)}{done})"


class MilestoneAddForm(GovukFormMixin, forms.Form):
    submit_label = "Add milestone"

    title = forms.CharField(
        label="Milestone", max_length=200, error_messages={"required": "Enter what the milestone is."}
    )
    due_date = GovukDateField(label="Due date", help_text="For example, 31 3 2026")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(Field.text("title"), Field("due_date"))


class ActionForm(GovukFormMixin, forms.Form):
    """An action's details, for administrators."""

    submit_label = "Save action"

    commitment = CommitmentChoiceField(
        Commitment.objects.all(),
        label="Commitment",
        empty_label="Choose a commitment",
        error_messages={"required": "Choose the commitment this action delivers."},
    )
    title = forms.CharField(max_length=200, error_messages={"required": "Enter the action's title."})
    description = forms.CharField(
        widget=forms.Textarea, max_length=Action._meta.get_field("description").max_length, required=False
    )
    lead = PersonChoiceField(
        get_user_model().objects.none(),
        label="Lead",
        empty_label="Choose a lead",
        help_text="Subgroup leads and administrators can lead actions.",
        error_messages={
            "required": "Choose the action's lead.",
            "invalid_choice": "Choose a lead from the list.",
        },
    )
    lead_organisation = forms.CharField(max_length=120, required=False)
    subgroup = forms.ModelChoiceField(Subgroup.objects.all(), required=False, empty_label="No subgroup")
    start_date = GovukDateField(label="Start date", help_text="For example, 1 4 2025")
    due_date = GovukDateField(label="Due date", help_text="For example, 31 3 2026")
    status = forms.ChoiceField(choices=Action.Status.choices, widget=forms.RadioSelect)
    kpis = forms.ModelMultipleChoiceField(
        KPI.objects.all(), label="Linked KPIs", required=False, widget=forms.CheckboxSelectMultiple
    )
    shareable = forms.BooleanField(
        label="Young people may see this action on the easy-read page", required=False
    )
    version = VersionField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = lead_candidates()
        self.helper.layout = Layout(
            Field.select("commitment"),
            Field.text("title"),
            Field.textarea("description", rows=4, max_characters=self.fields["description"].max_length),
            Field.select("lead"),
            Field.text("lead_organisation"),
            Field.select("subgroup"),
            Field("start_date"),
            Field("due_date"),
            Field.radios("status", small=True),
            Field.checkboxes("kpis", small=True),
            Field.checkbox("shareable", small=True),
        )

    @classmethod
    def initial_for(cls, action: Action) -> dict:
        initial = {name: getattr(action, name) for name in cls.base_fields if name != "kpis"}
        return initial | {"kpis": list(action.kpis.all())}


class PlanImportForm(GovukFormMixin, forms.Form):
    submit_label = "Check the file"

    file = forms.FileField(
        label="Delivery plan spreadsheet",
        help_text="An .xlsx or .csv file with one row per action, in the template's columns.",
        validators=[
            FileExtensionValidator(["xlsx", "csv"], message="The file must be an .xlsx or .csv file.")
        ],
        error_messages={"required": "Choose a spreadsheet to upload."},
    )
