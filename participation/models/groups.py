from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from actions.models import Action, Theme
from core.formatting import uk_date_short


class ParticipationGroup(models.Model):
    """A forum through which children and young people are heard."""

    class Kind(models.TextChoices):
        CARE_EXPERIENCED = "care", "Care-experienced voice"
        UNIVERSAL = "universal", "Universal youth voice"
        PROGRAMME = "programme", "Programme or training"

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    purpose = models.TextField(max_length=1000, blank=True)
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
    notes = models.TextField(max_length=2000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = "participation session"
        indexes = [models.Index(fields=["group", "-held_on"], name="session_group_recent")]

    def __str__(self):
        return f"{self.group} – {self.get_kind_display()} {uk_date_short(self.held_on)}"

    def get_absolute_url(self):
        return reverse("participation:session", args=[self.pk])

    @property
    def attendance(self) -> int:
        return self.in_care + self.care_leavers + self.others


class FeedbackItem(models.Model):
    """ "You said, we did": what young people raised, at a session or in a message from
    their page, and what was done about it.

    Private to staff until a participation officer shares it with young people, in easy
    read and confirmed to name no child. Every change is in its history.
    """

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        IN_PROGRESS = "in_progress", "In progress"
        RESPONDED = "responded", "Responded"
        CLOSED = "closed", "Closed"

    OPEN_STATUSES = (Status.OPEN, Status.IN_PROGRESS)

    session = models.ForeignKey(
        ParticipationSession,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="feedback_items",
        help_text="Empty when it came in a message from the young people's page.",
    )
    group = models.ForeignKey(
        ParticipationGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="feedback_items",
        help_text="The group it came from: the session's, or the one a message named.",
    )
    raised_on = models.DateField("Raised on", help_text="The session's date, or the day the message came.")
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="feedback_items")
    said = models.TextField(
        "You said", max_length=2000, help_text="What the young people raised, in their words."
    )
    action = models.ForeignKey(
        Action,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="feedback_items",
        help_text="The action in the plan that answers it, if there is one.",
    )
    response = models.TextField("We did", max_length=2000, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    reported_back_on = models.DateField(
        "Reported back to the group on", null=True, blank=True, help_text="When the group heard the answer."
    )
    easy_read_said = models.TextField(
        "You said (easy read)",
        max_length=1000,
        blank=True,
        help_text="For the young people's page: plain words, no names.",
    )
    easy_read_did = models.TextField("We did (easy read)", max_length=1000, blank=True)
    shared = models.BooleanField(
        "Shared with young people", default=False, help_text="Shown on the young people's page."
    )
    names_no_child = models.BooleanField(
        "Confirmed to name no child", default=False, help_text="Confirmed by the officer who shared it."
    )
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    shared_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        ordering = ["-raised_on", "-pk"]
        verbose_name = "feedback item"
        indexes = [models.Index(fields=["status"], name="feedback_status")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(shared=False)
                | (
                    models.Q(names_no_child=True) & ~models.Q(easy_read_said="") & ~models.Q(easy_read_did="")
                ),
                name="feedback_shared_only_in_easy_read_naming_no_child",
            )
        ]

    def __str__(self):
        return self.said[:60]

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class YoungPersonMessage(models.Model):
    """What a young person told us through "Tell us what you think" on their page.

    Anonymous: no name, no e-mail, no address kept. It waits in the participation
    officers' queue until one turns it into a "You said" item or closes it with a reason.
    """

    class State(models.TextChoices):
        NEW = "new", "Waiting for an answer"
        ANSWERED = "answered", 'Turned into a "You said" item'
        CLOSED = "closed", "Closed"

    MAX_LENGTH = 1000

    theme = models.ForeignKey(
        Theme, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="promise"
    )
    text = models.TextField(max_length=MAX_LENGTH)
    group = models.ForeignKey(
        ParticipationGroup, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    received_at = models.DateTimeField(default=timezone.now, db_index=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.NEW)
    feedback_item = models.OneToOneField(
        FeedbackItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="message"
    )
    close_reason = models.TextField(max_length=1000, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["received_at", "pk"]
        verbose_name = "message from a young person"
        verbose_name_plural = "messages from young people"
        indexes = [models.Index(fields=["state", "received_at"], name="message_queue")]

    def __str__(self):
        received = timezone.localtime(self.received_at)
        return f"Message of {uk_date_short(received)} {received:%H:%M}"

    def get_absolute_url(self):
        return reverse("participation:message", args=[self.pk])

    @property
    def is_waiting(self) -> bool:
        return self.state == self.State.NEW
