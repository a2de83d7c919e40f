"""Forms for participation. They parse what was typed; the rules live in services.py."""

from django import forms

from actions.models import Action, Theme
from core.forms import GovukDateField, GovukFormMixin

from .models import FeedbackItem, ParticipationGroup, ParticipationSession


def count_field(label: str) -> forms.IntegerField:
    message = f"Enter the number of {label.lower()} as a whole number, 0 or more"
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=10_000,
        initial=0,
        error_messages={
            "required": message,
            "invalid": message,
            "min_value": message,
            "max_value": "That is more than any session could hold: check the number",
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-4"}),
    )


class ActionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, action):
        return f"{action.commitment.code}: {action.title}"


class SessionForm(GovukFormMixin, forms.Form):
    submit_label = "Save session"

    group = forms.ModelChoiceField(
        queryset=ParticipationGroup.objects.filter(is_active=True).order_by("name"),
        empty_label="Choose a group",
        error_messages={"required": "Choose the group", "invalid_choice": "Choose a group from the list"},
    )
    kind = forms.ChoiceField(
        label="Kind of session",
        choices=ParticipationSession.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the kind of session",
            "invalid_choice": "Choose a kind from the list",
        },
    )
    held_on = GovukDateField(label="Date of the session")
    title = forms.CharField(label="What it was about (optional)", required=False, max_length=200)
    in_care = count_field("Children in care")
    care_leavers = count_field("Care leavers")
    others = count_field("Other young people")
    notes = forms.CharField(
        label="Notes (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class FeedbackForm(GovukFormMixin, forms.Form):
    submit_label = "Save feedback"

    said = forms.CharField(
        label="You said",
        help_text="What the young people raised, in their words. No names.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": 'Enter what the young people said ("You said")'},
    )
    theme = forms.ModelChoiceField(
        queryset=Theme.objects.order_by("position"),
        empty_label="Choose a promise",
        label="Promise (theme) it is about",
        error_messages={
            "required": "Choose the promise it is about",
            "invalid_choice": "Choose a promise from the list",
        },
    )
    action = ActionChoiceField(
        queryset=Action.objects.select_related("commitment").order_by("commitment__code", "title"),
        required=False,
        empty_label="No action yet",
        label="Action that answers it (optional)",
        error_messages={"invalid_choice": "Choose an action from the list"},
    )
    response = forms.CharField(
        label="We did (optional)",
        required=False,
        help_text="What was done, or is being done, in answer.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    status = forms.ChoiceField(
        choices=FeedbackItem.Status.choices,
        initial=FeedbackItem.Status.OPEN,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the status", "invalid_choice": "Choose a status from the list"},
    )
    reported_back_on = GovukDateField(label="Date reported back to the group", required=False)


class FeedbackFilterForm(forms.Form):
    """The tracker's filters (a GET form): a bad value is ignored, not an error page."""

    group = forms.ModelChoiceField(
        queryset=ParticipationGroup.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        empty_label="All groups",
        widget=forms.Select(attrs={"class": "govuk-select"}),
    )
    theme = forms.ModelChoiceField(
        queryset=Theme.objects.order_by("position"),
        to_field_name="code",
        required=False,
        empty_label="All promises",
        label="Promise",
        widget=forms.Select(attrs={"class": "govuk-select"}),
    )
    status = forms.ChoiceField(
        choices=[("", "Any status"), *FeedbackItem.Status.choices],
        required=False,
        widget=forms.Select(attrs={"class": "govuk-select"}),
    )
    open_too_long = forms.BooleanField(
        label="Only items open too long",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "govuk-checkboxes__input"}),
    )

    def filters(self) -> dict:
        self.is_valid()  # fields with bad values are left out of cleaned_data
        return {key: value for key, value in self.cleaned_data.items() if value}
