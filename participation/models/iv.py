"""The Independent Visitor service (Children Act 1989 s23ZB).

Child-level records: only IV coordinators and administrators may see them, and each
view of one is logged (RecordView). A child is known by the social-care system's
reference, never by name.
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.urls import reverse


class Volunteer(models.Model):
    """An Independent Visitor, with the checks that must pass before a match."""

    class Status(models.TextChoices):
        APPLICANT = "applicant", "Applicant"
        APPROVED = "approved", "Approved"
        ACTIVE = "active", "Active (matched)"
        PAUSED = "paused", "Paused"
        LEFT = "left", "Left"

    MATCHABLE_STATUSES = (Status.APPROVED, Status.ACTIVE)

    name = models.CharField(max_length=120)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    address = models.TextField(blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.APPLICANT)
    # What a coordinator weighs when matching, beside the child's needs and preferences.
    area = models.CharField("Area", max_length=120, blank=True, help_text="Where they live or can travel to.")
    interests = models.CharField(max_length=300, blank=True)
    dbs_issued_on = models.DateField("Enhanced DBS issued on", null=True, blank=True)
    dbs_expires_on = models.DateField(
        "Enhanced DBS renewal due",
        null=True,
        blank=True,
        help_text="The council renews checks every 3 years.",
    )
    first_reference_on = models.DateField("First reference received on", null=True, blank=True)
    second_reference_on = models.DateField("Second reference received on", null=True, blank=True)
    training_completed_on = models.DateField(null=True, blank=True)
    independence_declared_on = models.DateField(
        "Independence declaration signed on",
        null=True,
        blank=True,
        help_text=(
            "Not a member or employee of the council, nor related to one "
            "(Care Planning, Placement and Case Review (England) Regulations 2010, reg 47)."
        ),
    )
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("participation:iv:volunteer", args=[self.pk])

    def dbs_in_date(self, on: date) -> bool:
        return self.dbs_expires_on is not None and self.dbs_expires_on > on

    def missing_checks(self) -> list[str]:
        """The checks still to do before the volunteer may be approved."""
        checks = {
            "an enhanced DBS check": self.dbs_issued_on and self.dbs_expires_on,
            "a first reference": self.first_reference_on,
            "a second reference": self.second_reference_on,
            "training": self.training_completed_on,
            "an independence declaration": self.independence_declared_on,
        }
        return [name for name, done in checks.items() if not done]

    def can_be_matched(self, on: date) -> bool:
        return self.status in self.MATCHABLE_STATUSES and self.dbs_in_date(on)


class Referral(models.Model):
    """A child referred for an Independent Visitor, and where the referral has got to."""

    class LegalStatus(models.TextChoices):
        LOOKED_AFTER = "looked_after", "Looked after (statutory)"
        CARE_LEAVER = "care_leaver", "Care leaver 18–25 (Havering's extension)"

    class Placement(models.TextChoices):
        IN_BOROUGH = "in_borough", "In borough"
        OUT_OF_BOROUGH = "out_of_borough", "Out of borough"

    class State(models.TextChoices):
        RECEIVED = "received", "Received"
        ELIGIBILITY_CHECKED = "eligibility_checked", "Eligibility checked"
        AWAITING_MATCH = "awaiting_match", "Awaiting match"
        MATCHED = "matched", "Matched"
        ACTIVE = "active", "Active"
        ENDED = "ended", "Ended"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class EndReason(models.TextChoices):
        NO_LONGER_LOOKED_AFTER = "no_longer_looked_after", "Child no longer looked after"
        REACHED_25 = "reached_25", "Young person reached 25"
        YOUNG_PERSON_ENDED = "young_person_ended", "Young person's wish"
        VOLUNTEER_RESIGNED = "volunteer_resigned", "Volunteer resigned"
        COUNCIL_ENDED = "council_ended", "Council ended the appointment"
        PLANNED_END = "planned_end", "Planned ending"
        OTHER = "other", "Other"

    WAITING_STATES = (State.RECEIVED, State.ELIGIBILITY_CHECKED, State.AWAITING_MATCH)
    MATCHED_STATES = (State.MATCHED, State.ACTIVE)
    CLOSED_STATES = (State.ENDED, State.DECLINED, State.WITHDRAWN)

    child_reference = models.CharField(
        max_length=30, db_index=True, help_text="The reference in the social-care system. Never a name."
    )
    date_of_birth = models.DateField(null=True, blank=True)  # cleared when anonymised
    legal_status = models.CharField(max_length=16, choices=LegalStatus.choices)
    placement = models.CharField(max_length=16, choices=Placement.choices)
    referrer_name = models.CharField(max_length=120, blank=True)
    referrer_team = models.CharField(max_length=120, blank=True)
    needs = models.TextField("Needs", blank=True)
    preferences = models.TextField("Preferences for a volunteer", blank=True)
    child_wishes = models.TextField("The child's wishes", blank=True)
    child_objects = models.BooleanField(
        "The child objects to having an Independent Visitor",
        default=False,
        help_text="A recorded objection blocks a match (Children Act 1989 s23ZB).",
    )
    received_on = models.DateField("Referral received on")
    state = models.CharField(max_length=20, choices=State.choices, default=State.RECEIVED)
    state_changed_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=24, choices=EndReason.choices, blank=True)
    closure_reason = models.TextField(blank=True, help_text="Why it was declined, withdrawn or ended.")
    anonymised_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Raised by every change and move (core.versioning).
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["received_on", "pk"]
        indexes = [
            models.Index(fields=["state", "received_on"], name="referral_state_received"),
            models.Index(fields=["closed_on"], name="referral_closed_on"),
        ]

    def __str__(self):
        return self.child_reference

    def get_absolute_url(self):
        return reverse("participation:iv:referral", args=[self.pk])

    @property
    def is_waiting(self) -> bool:
        return self.state in self.WAITING_STATES

    @property
    def is_closed(self) -> bool:
        return self.state in self.CLOSED_STATES

    def days_waiting(self, *, today: date) -> int:
        return (today - self.received_on).days

    def age_on(self, day: date) -> int | None:
        if self.date_of_birth is None:
            return None
        dob = self.date_of_birth
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


class ReferralEvent(models.Model):
    """One move of a referral through its workflow: the referral's timeline."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(max_length=20, choices=Referral.State.choices, blank=True)
    to_state = models.CharField(max_length=20, choices=Referral.State.choices)
    on = models.DateField()
    note = models.TextField(blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["on", "pk"]
        verbose_name = "referral event"

    def __str__(self):
        return f"{self.referral} → {self.get_to_state_display()} on {self.on}"


class Match(models.Model):
    """A child matched with a volunteer. One per referral: a new match needs a new referral."""

    referral = models.OneToOneField(Referral, on_delete=models.CASCADE, related_name="match")
    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="matches")
    matched_on = models.DateField()
    introduction_on = models.DateField("Introduction date")
    started_on = models.DateField("Active from", null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-matched_on", "pk"]
        verbose_name_plural = "matches"
        indexes = [models.Index(fields=["matched_on"], name="match_matched_on")]

    def __str__(self):
        return f"{self.referral} with {self.volunteer}"

    def get_absolute_url(self):
        return self.referral.get_absolute_url()


class Visit(models.Model):
    """One visit by the volunteer to the child."""

    class Kind(models.TextChoices):
        FACE_TO_FACE = "face_to_face", "Face to face"
        ACTIVITY = "activity", "Activity or outing"
        REMOTE = "remote", "Phone or video call"

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="visits")
    visited_on = models.DateField("Date of visit")
    duration_minutes = models.PositiveIntegerField("Duration in minutes")
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.FACE_TO_FACE)
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-visited_on", "-pk"]
        indexes = [models.Index(fields=["match", "-visited_on"], name="visit_match_recent")]

    def __str__(self):
        return f"Visit on {self.visited_on}"


class Review(models.Model):
    """The six-monthly review of a match."""

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="reviews")
    held_on = models.DateField("Review held on")
    continue_match = models.BooleanField("The match continues", default=True)
    notes = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["match", "-held_on"], name="review_match_recent")]

    def __str__(self):
        return f"Review on {self.held_on}"


class RecordView(models.Model):
    """Who looked at which child-level record, when, through which page."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    username = models.CharField(max_length=150)  # kept if the user is later deleted
    referral = models.ForeignKey(Referral, on_delete=models.SET_NULL, null=True, related_name="views")
    # The record's number, not the child's reference, so anonymising a referral leaves
    # nothing personal in the log.
    record = models.CharField(max_length=60)
    view = models.CharField(max_length=60)
    viewed_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-viewed_at", "-pk"]
        verbose_name = "child record view"

    def __str__(self):
        return f"{self.username} viewed {self.record} ({self.view})"
