from django.conf import settings
from django.db import models
from django.urls import reverse

from actions.models import Action, Theme


class ParticipationGroup(models.Model):
    """A forum through which children and young people are heard."""

    class Kind(models.TextChoices):
        CARE_EXPERIENCED = "care", "Care-experienced voice"
        UNIVERSAL = "universal", "Universal youth voice"
        PROGRAMME = "programme", "Programme or training"

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    purpose = models.TextField(blank=True)
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="facilitated_groups",
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("participation:group", args=[self.slug])


class ParticipationSession(models.Model):
    """One meeting or event of a group, with how many young people came, by cohort.

    Attendance is counted, never named: no child's name is needed to show reach.
    """

    class Kind(models.TextChoices):
        MEETING = "meeting", "Meeting"
        TAKEOVER_DAY = "takeover_day", "Takeover day"
        TRAINING = "training", "Training"
        CONSULTATION = "consultation", "Consultation"
        INTERVIEW_PANEL = "interview_panel", "Interview panel"
        EVENT = "event", "Event"

    group = models.ForeignKey(ParticipationGroup, on_delete=models.PROTECT, related_name="sessions")
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.MEETING)
    held_on = models.DateField("Date")
    title = models.CharField(max_length=200, blank=True, help_text="What the session was about.")
    in_care = models.PositiveIntegerField("Children in care", default=0)
    care_leavers = models.PositiveIntegerField("Care leavers", default=0)
    others = models.PositiveIntegerField("Other young people", default=0)
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = "participation session"
        indexes = [models.Index(fields=["group", "-held_on"], name="session_group_recent")]

    def __str__(self):
        return f"{self.group} – {self.get_kind_display()} {self.held_on:%d %b %Y}"

    def get_absolute_url(self):
        return reverse("participation:session", args=[self.pk])

    @property
    def attendance(self) -> int:
        return self.in_care + self.care_leavers + self.others


class FeedbackItem(models.Model):
    """ "You said, we did": what young people raised at a session and what was done about it."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        IN_PROGRESS = "in_progress", "In progress"
        RESPONDED = "responded", "Responded"
        CLOSED = "closed", "Closed"

    OPEN_STATUSES = (Status.OPEN, Status.IN_PROGRESS)

    session = models.ForeignKey(ParticipationSession, on_delete=models.PROTECT, related_name="feedback_items")
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="feedback_items")
    said = models.TextField("You said", help_text="What the young people raised, in their words.")
    action = models.ForeignKey(
        Action,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="feedback_items",
        help_text="The action in the plan that answers it, if there is one.",
    )
    response = models.TextField("We did", blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    reported_back_on = models.DateField(
        "Reported back to the group on", null=True, blank=True, help_text="When the group heard the answer."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-session__held_on", "-pk"]
        verbose_name = "feedback item"
        indexes = [models.Index(fields=["status"], name="feedback_status")]

    def __str__(self):
        return self.said[:60]

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES
