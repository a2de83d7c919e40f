"""Forms for participation. They parse what was typed; the rules live in services.py."""

from crispy_forms_gds.layout import Div, Layout
from django import forms
from django.utils import timezone

from actions.models import Action, Theme
from core.forms import GovukDateField, GovukFormMixin

from .models import FeedbackItem, ParticipationGroup, ParticipationSession, YoungPersonMessage


def promise_field() -> forms.ModelChoiceField:
    """Which of the five promises a "You said" item is about (required)."""
    return forms.ModelChoiceField(
        queryset=Theme.objects.order_by("position"),
        empty_label="Choose a promise",
        label="Promise (theme) it is about",
        error_messages={
            "required": "Choose the promise it is about",
            "invalid_choice": "Choose a promise from the list",
        },
    )


def answering_action_field() -> forms.ModelChoiceField:
    """The plan's action that answers a "You said" item (optional)."""
    return ActionChoiceField(
        queryset=Action.objects.select_related("commitment").order_by("commitment__code", "title"),
        required=False,
        empty_label="No action yet",
        label="Action that answers it (optional)",
        error_messages={"invalid_choice": "Choose an action from the list"},
    )


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
    held_on = GovukDateField(label="Date of the session", initial=timezone.localdate)
    title = forms.CharField(label="What it was about (optional)", required=False, max_length=200)
    in_care = count_field("Children in care")
    care_leavers = count_field("Care leavers")
    others = count_field("Other young people")
    notes = forms.CharField(
        label="Notes (optional)",
        required=False,
        max_length=ParticipationSession._meta.get_field("notes").max_length,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class FeedbackForm(GovukFormMixin, forms.Form):
    submit_label = "Save feedback"

    said = forms.CharField(
        label="You said",
        help_text="What the young people raised, in their words. No names.",
        max_length=FeedbackItem._meta.get_field("said").max_length,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": 'Enter what the young people said ("You said")'},
    )
    theme = promise_field()
    action = answering_action_field()
    response = forms.CharField(
        label="We did (optional)",
        required=False,
        help_text="What was done, or is being done, in answer.",
        max_length=FeedbackItem._meta.get_field("response").max_length,
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


class FeedbackShareForm(GovukFormMixin, forms.Form):
    submit_label = "Share with young people"

    easy_read_said = forms.CharField(
        label="You said (easy read)",
        help_text="What young people told us, in short sentences and everyday words. No names.",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": 'Write "You said" in easy read'},
    )
    easy_read_did = forms.CharField(
        label="We did (easy read)",
        help_text="What we did about it, in short sentences and everyday words.",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": 'Write "We did" in easy read'},
    )
    names_no_child = forms.BooleanField(
        label="I have checked: it names no child and says nothing that could identify one",
        required=False,
    )


class MessageToFeedbackForm(GovukFormMixin, forms.Form):
    submit_label = 'Turn into a "You said" item'

    said = forms.CharField(
        label="You said",
        help_text="What the young person raised, in their words, without anything that could identify them.",
        max_length=FeedbackItem._meta.get_field("said").max_length,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": 'Enter what the young person said ("You said")'},
    )
    theme = promise_field()
    group = forms.ModelChoiceField(
        queryset=ParticipationGroup.objects.filter(is_active=True).order_by("name"),
        required=False,
        empty_label="No group",
        label="Group (optional)",
        error_messages={"invalid_choice": "Choose a group from the list"},
    )
    action = answering_action_field()


class MessageCloseForm(GovukFormMixin, forms.Form):
    submit_label = "Close the message"

    reason = forms.CharField(
        label="Why it is closed",
        help_text="For example: a worry passed to the duty team the same day, or a test message.",
        max_length=YoungPersonMessage._meta.get_field("close_reason").max_length,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say why it is closed"},
    )


class TellUsForm(GovukFormMixin, forms.Form):
    """The young people's own form: no name, no e-mail. ``website`` is a trap for robots:
    it is hidden from people, so anything in it means the message is not from a person."""

    submit_label = "Send"

    theme = forms.ModelChoiceField(
        queryset=Theme.objects.order_by("position"),
        required=False,
        empty_label="Not sure, or something else",
        label="Which promise is it about? (optional)",
    )
    text = forms.CharField(
        label="What do you want to tell us?",
        help_text=f"Up to {YoungPersonMessage.MAX_LENGTH} characters. Please do not write your name.",
        max_length=YoungPersonMessage.MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": "Write what you want to tell us",
            "max_length": f"Your message is too long. Keep it to {YoungPersonMessage.MAX_LENGTH} characters.",
        },
    )
    group = forms.ModelChoiceField(
        queryset=ParticipationGroup.objects.filter(is_active=True).order_by("name"),
        required=False,
        empty_label="I am not in a group",
        label="Are you in one of our groups? (optional)",
    )
    website = forms.CharField(required=False, label="Leave this empty")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        # Hidden from people and from assistive technology (display: none); robots fill it in.
        self.helper.layout = Layout(
            "theme", "text", "group", Div("website", css_class="govuk-!-display-none")
        )

    @property
    def is_from_a_robot(self) -> bool:
        return bool(self.data.get("website"))
