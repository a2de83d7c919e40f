from django.db import models


class Theme(models.Model):
    """One of the strategy's promises (WISH: Well, Inspired, Safe, Heard, Treated Fairly)."""

    code = models.CharField(max_length=4, unique=True, help_text="Short stable code, e.g. W.")
    name = models.CharField(max_length=60, unique=True)
    promise = models.TextField(help_text="The promise as the strategy words it.")
    easy_read = models.TextField(blank=True, help_text="The promise in plain words for young people.")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "code"]

    def __str__(self):
        return self.name


class Commitment(models.Model):
    """A "We will…" line of the strategy, under one theme."""

    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="commitments")
    code = models.CharField(max_length=8, unique=True, help_text="Stable code, e.g. W1.")
    text = models.TextField(help_text='What we will do, completing "We will…".')
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["theme__position", "position", "code"]

    def __str__(self):
        return f"{self.code}: {self.text}"


class KPI(models.Model):
    """A performance measure. Its code is the stable key that imports use."""

    class Unit(models.TextChoices):
        PERCENT = "percent", "%"
        COUNT = "count", "count"
        DAYS = "days", "days"
        RATE = "rate", "rate"
        SCORE = "score", "score"

    class Polarity(models.TextChoices):
        HIGHER = "higher", "Higher is better"
        LOWER = "lower", "Lower is better"
        NEUTRAL = "neutral", "Neutral"

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", "Monthly"
        QUARTERLY = "quarterly", "Quarterly"
        ANNUAL = "annual", "Annual"

    code = models.CharField(max_length=12, unique=True)
    name = models.CharField(max_length=200)
    definition = models.TextField(blank=True)
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="kpis", null=True, blank=True)
    unit = models.CharField(max_length=10, choices=Unit.choices)
    polarity = models.CharField(max_length=10, choices=Polarity.choices)
    frequency = models.CharField(max_length=10, choices=Frequency.choices, default=Frequency.MONTHLY)
    target = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    amber_tolerance = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="How far from target still counts as amber, in the KPI's unit.",
    )
    data_source = models.CharField(max_length=100, blank=True)
    is_derived = models.BooleanField(
        default=False, help_text="Computed from the portal's own records, not imported."
    )

    class Meta:
        ordering = ["code"]
        verbose_name = "KPI"
        verbose_name_plural = "KPIs"

    def __str__(self):
        return f"{self.code} {self.name}"
