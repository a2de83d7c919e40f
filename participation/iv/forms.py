"""Forms for the Independent Visitor service. They parse input; iv_services holds the rules."""

from django import forms
from django.utils import timezone

from core.forms import GovukDateField, GovukFormMixin
from core.versioning import VersionField

from ..models import Referral, Visit, Volunteer
from .selectors import matchable_volunteers
from .services import MAX_VISIT_MINUTES

State = Referral.State


def text(label: str, *, required: bool = False, rows: int | None = None, **kwargs) -> forms.CharField:
    widget = forms.Textarea(attrs={"rows": rows}) if rows else None
    return forms.CharField(
        label=label if required else f"{label} (optional)",
        required=required,
        widget=widget,
        error_messages={"required": f"Enter the {label.lower()}"},
        **kwargs,
    )


def radios(label: str, choices) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": f"Choose the {label.lower()}",
            "invalid_choice": f"Choose the {label.lower()} from the list",
        },
    )


class VolunteerForm(GovukFormMixin, forms.Form):
    submit_label = "Save volunteer"

    name = text("Name", required=True, max_length=120)
    email = forms.EmailField(
        label="Email address (optional)",
        required=False,
        error_messages={"invalid": "Enter a real email address"},
    )
    phone = text("Phone number", max_length=30)
    address = text("Address", rows=3)
    status = radios("Status", Volunteer.Status.choices)
    area = text("Area", max_length=120, help_text="Where they live or can travel to, for example Romford.")
    interests = text(
        "Interests", max_length=300, help_text="For example, football, drawing, going to the cinema."
    )
    dbs_issued_on = GovukDateField(label="Enhanced DBS issued on", required=False)
    dbs_expires_on = GovukDateField(
        label="Enhanced DBS renewal due", required=False, help_text="The council renews checks every 3 years."
    )
    first_reference_on = GovukDateField(label="First reference received on", required=False)
    second_reference_on = GovukDateField(label="Second reference received on", required=False)
    training_completed_on = GovukDateField(label="Training completed on", required=False)
    independence_declared_on = GovukDateField(
        label="Independence declaration signed on",
        required=False,
        help_text=(
            "That they are not a member or employee of the council, nor related to one "
            "(Care Planning, Placement and Case Review (England) Regulations 2010, reg 47)."
        ),
    )
    notes = text("Notes", rows=3)


class ReferralForm(GovukFormMixin, forms.Form):
    submit_label = "Save referral"

    child_reference = forms.CharField(
        label="Child's reference in the social-care system",
        help_text="For example, LCS-123456. Never the child's name.",
        max_length=30,
        error_messages={"required": "Enter the child's reference from the social-care system"},
    )
    date_of_birth = GovukDateField(label="Date of birth", help_text="For example, 27 3 2012")
    legal_status = radios("Legal status", Referral.LegalStatus.choices)
    placement = radios("Placement", Referral.Placement.choices)
    referrer_name = text("Referrer's name", max_length=120)
    referrer_team = text("Referrer's team", max_length=120)
    needs = text("Needs", rows=3)
    preferences = text("Preferences for a volunteer", rows=3)
    child_wishes = text("The child's wishes", rows=3)
    child_objects = forms.BooleanField(
        label="The child objects to having an Independent Visitor",
        required=False,
        help_text="A recorded objection blocks a match (Children Act 1989 s23ZB).",
    )
    received_on = GovukDateField(label="Date the referral was received", initial=timezone.localdate)
    version = VersionField()


class VolunteerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, volunteer):
        area = volunteer.area or "area not recorded"
        return f"{volunteer.name} ({area}; {caseload_words(volunteer.caseload)})"


def caseload_words(caseload: int) -> str:
    return "no current match" if caseload == 0 else f"{caseload} current match{'es' if caseload > 1 else ''}"


class MoveForm(GovukFormMixin, forms.Form):
    """The date of a move; subclasses ask for what their move needs as well."""

    on = GovukDateField(label="Date")
    version = VersionField()  # the referral's: a match made, started or ended is a move of it

    def __init__(self, *args, to_state: str, **kwargs):
        self.to_state = to_state
        self.submit_label = MOVE_SUBMIT[to_state]
        super().__init__(*args, **kwargs)
        self.fields["on"] = GovukDateField(label=ON_LABELS[to_state], initial=timezone.localdate)


class MatchForm(MoveForm):
    volunteer = VolunteerChoiceField(
        queryset=Volunteer.objects.none(),
        empty_label="Choose a volunteer",
        help_text="Only approved volunteers with an in-date DBS check are listed.",
        error_messages={
            "required": "Choose the volunteer",
            "invalid_choice": "Choose a volunteer from the list",
        },
    )
    introduction_on = GovukDateField(label="Introduction date")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["volunteer"].queryset = matchable_volunteers(on=timezone.localdate())


class EndForm(MoveForm):
    end_reason = radios("Reason the match ended", Referral.EndReason.choices)
    reason = text("Notes", rows=3)


class CloseForm(MoveForm):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        words = State(self.to_state).label.lower()
        self.fields["reason"].label = f"Why the referral is {words}"
        self.fields["reason"].error_messages["required"] = f"Say why the referral is {words}"


ON_LABELS = {
    State.ELIGIBILITY_CHECKED: "Date eligibility was checked",
    State.AWAITING_MATCH: "Date added to the waiting list",
    State.MATCHED: "Date of the match",
    State.ACTIVE: "Date the match became active",
    State.ENDED: "Date the match ended",
    State.DECLINED: "Date declined",
    State.WITHDRAWN: "Date withdrawn",
}
MOVE_SUBMIT = {
    State.ELIGIBILITY_CHECKED: "Record eligibility check",
    State.AWAITING_MATCH: "Add to the waiting list",
    State.MATCHED: "Make the match",
    State.ACTIVE: "Mark active",
    State.ENDED: "End the match",
    State.DECLINED: "Decline the referral",
    State.WITHDRAWN: "Withdraw the referral",
}
MOVE_FORMS: dict[str, type[MoveForm]] = {
    State.ELIGIBILITY_CHECKED: MoveForm,
    State.AWAITING_MATCH: MoveForm,
    State.MATCHED: MatchForm,
    State.ACTIVE: MoveForm,
    State.ENDED: EndForm,
    State.DECLINED: CloseForm,
    State.WITHDRAWN: CloseForm,
}


class VisitForm(GovukFormMixin, forms.Form):
    submit_label = "Save visit"

    visited_on = GovukDateField(label="Date of the visit", initial=timezone.localdate)
    duration_minutes = forms.IntegerField(
        label="Duration in minutes",
        min_value=1,
        max_value=MAX_VISIT_MINUTES,
        error_messages=dict.fromkeys(
            ("required", "invalid", "min_value", "max_value"),
            f"Enter the duration in whole minutes, from 1 to {MAX_VISIT_MINUTES}",
        ),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-4"}),
    )
    kind = radios("Kind of visit", Visit.Kind.choices)
    notes = text("Notes", rows=3)


class ReviewForm(GovukFormMixin, forms.Form):
    submit_label = "Save review"

    held_on = GovukDateField(label="Date of the review", initial=timezone.localdate)
    continue_match = forms.TypedChoiceField(
        label="Does the match continue?",
        choices=[("yes", "Yes"), ("no", "No, an ending is planned")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the match continues", "invalid_choice": "Choose yes or no"},
    )
    notes = text("Notes", rows=3)
