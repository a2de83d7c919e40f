"""Measures (KPIs), their figures and where the figures come from: imports, commentary,
locked periods and amendments, DfE file mappings, and the councils and statistical
neighbours the figures are compared with."""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from core.formatting import uk_date_short


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

    class Source(models.TextChoices):
        LOCAL = "local", "Local (the council's own figures)"
        DFE = "dfe", "Published by DfE"

    class ToleranceKind(models.TextChoices):
        POINTS = "points", "In the measure's own unit (points, for a percentage)"
        PERCENT_OF_TARGET = "percent_of_target", "As a percentage of the target"

    code = models.CharField(max_length=12, unique=True)
    name = models.CharField(max_length=200)
    definition = models.TextField(max_length=2000, blank=True)
    theme = models.ForeignKey(
        "actions.Theme", on_delete=models.PROTECT, related_name="kpis", null=True, blank=True
    )
    unit = models.CharField(max_length=10, choices=Unit.choices)
    polarity = models.CharField(max_length=10, choices=Polarity.choices)
    frequency = models.CharField(max_length=10, choices=Frequency.choices, default=Frequency.MONTHLY)
    target = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    amber_tolerance = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="How far off target still counts as amber: in the measure's own unit "
        "(5 means 5 percentage points for a %) or as a percentage of the target, as chosen below.",
    )
    tolerance_kind = models.CharField(
        max_length=20,
        choices=ToleranceKind.choices,
        default=ToleranceKind.POINTS,
        help_text="Whether the amber tolerance is in the measure's own unit or a percentage of the target.",
    )
    corporate_rule = models.BooleanField(
        "Corporate rule",
        default=False,
        help_text="Off target by more than the tolerance is red, unless the figure is better than the "
        "same period a year earlier: then amber.",
    )
    data_source = models.CharField(max_length=100, blank=True)
    is_derived = models.BooleanField(
        default=False, help_text="Computed from the portal's own records, not imported."
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_kpis",
        help_text="The officer who explains this measure's figures to the panel each period.",
    )
    source = models.CharField(
        max_length=5,
        choices=Source.choices,
        default=Source.LOCAL,
        help_text="Where every figure of this measure comes from. A measure published by DfE takes "
        "figures only from DfE's files; a local one only from the portal's own layouts, so an annual "
        "published figure and a local in-year one never share a series.",
    )
    tracks = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="trackers",
        limit_choices_to={"source": "dfe"},
        help_text="For a local measure: the published indicator it tracks between DfE's releases.",
    )
    framework_outcome = models.CharField(
        max_length=120, blank=True, help_text="DfE's National Framework outcome or enabler."
    )
    framework_domain = models.CharField(max_length=120, blank=True, help_text="DfE's domain within it.")
    framework_order = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Its number in DfE's list of National Framework indicators."
    )
    # Raised by every save of its admin form (core.versioning, core.admin.VersionedAdmin).
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["code"]
        verbose_name = "KPI"
        verbose_name_plural = "KPIs"

    def __str__(self):
        return f"{self.code} {self.name}"


class KPIImport(models.Model):
    """One upload of performance data: who, when, which file, and what it did.

    It is checked first (a preview: ``rows_created`` and the like then say what *would*
    happen), and written only once someone confirms it. ``errors`` keeps the first
    thousand problems; ``error_count`` counts them all.
    """

    class State(models.TextChoices):
        PENDING = "pending", "Waiting to run"
        RUNNING = "running", "Running"
        PREVIEWED = "previewed", "Checked, waiting for confirmation"
        FAILED = "failed", "Refused: errors in the file"
        DONE = "done", "Imported"

    class Source(models.TextChoices):
        WEB = "web", "Import page"
        ADMIN = "admin", "Django admin"
        COMMAND = "command", "Command line"

    file_name = models.CharField(max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="kpi_imports",
        null=True,
        blank=True,
        help_text="Empty for imports from the command line.",
    )
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.WEB)
    created_at = models.DateTimeField(auto_now_add=True)
    state = models.CharField(max_length=12, choices=State.choices, default=State.PENDING)
    stored_file = models.FileField(
        upload_to="kpi-imports/%Y/%m/",
        blank=True,
        help_text="The uploaded file, kept until the import is finished.",
    )
    file_size = models.PositiveBigIntegerField(default=0)
    layout = models.CharField(max_length=8, blank=True)
    rows_total = models.PositiveIntegerField(default=0)
    rows_processed = models.PositiveIntegerField(default=0)
    rows_created = models.PositiveIntegerField(default=0)
    rows_updated = models.PositiveIntegerField(default=0)
    rows_unchanged = models.PositiveIntegerField(default=0)
    rows_locked = models.PositiveIntegerField(
        default=0, help_text="Of the new and changed figures, those in periods of an issued report."
    )
    amendment_reason = models.TextField(
        blank=True,
        help_text="Why figures in periods of an issued report are changed (administrators only).",
    )
    errors = models.JSONField(default=list, blank=True)
    error_count = models.PositiveIntegerField(default=0)
    warnings = models.JSONField(
        default=list,
        blank=True,
        help_text="Figures that look unusual next to earlier ones, confirmed by whoever imported them.",
    )
    preview = models.JSONField(
        default=dict,
        blank=True,
        help_text="Examples of the figures that would be created and changed, and those in issued reports.",
    )
    started_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "KPI import"
        permissions = [("import_kpi_data", "Can import performance data from spreadsheets")]

    def __str__(self):
        return (
            f"{self.file_name} ({uk_date_short(self.created_at)} {timezone.localtime(self.created_at):%H:%M})"
        )

    def get_absolute_url(self):
        return reverse("kpi_import_detail", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)

    @property
    def neighbour_model(self) -> dict | None:
        """For a statistical-neighbour model's file: its name, in-force date, councils and
        Havering's ten neighbours, as previewed."""
        return self.preview.get("neighbour_model") if isinstance(self.preview, dict) else None

    @property
    def is_busy(self) -> bool:
        return self.state in (self.State.PENDING, self.State.RUNNING)

    @property
    def figures_total(self) -> int:
        return self.rows_created + self.rows_updated + self.rows_unchanged

    @property
    def progress_percent(self) -> int:
        if not self.rows_total:
            return 0
        return min(100, round(100 * self.rows_processed / self.rows_total))


class KPIValue(models.Model):
    """One figure of one KPI, for one period and one area (Havering or a comparator)."""

    class Area(models.TextChoices):
        HAVERING = "havering", "Havering"
        STAT_NEIGHBOURS = "stat_neighbours", "Statistical neighbours"
        STAT_NEIGHBOURS_MEDIAN = "sn_median", "Statistical neighbours' median"
        LONDON = "london", "London"
        OUTER_LONDON = "outer_london", "Outer London"
        ENGLAND = "england", "England"
        COUNCIL = "council", "Another council (benchmarking)"

    class Symbol(models.TextChoices):
        """DfE's symbols for a figure it does not publish."""

        SUPPRESSED = "c", "c: suppressed (a small number, or to protect one)"
        NOT_APPLICABLE = "z", "z: not applicable"
        ROUNDS_TO_ZERO = "k", "k: rounds to 0 but is not 0"
        NOT_AVAILABLE = "x", "x: not available"
        NOT_AVAILABLE_COLON = ":", "(colon): not available"
        FEWER_THAN_FIVE = "~", "~: fewer than 5, or rounded to 0"
        LOW = "low", "low: rounds to 0 but is not 0"
        LOW_RELIABILITY = "u", "u: low reliability"

    # No index of its own: the unique index starts with the KPI. Fewer indexes make
    # bulk imports faster.
    kpi = models.ForeignKey(KPI, on_delete=models.CASCADE, related_name="values", db_index=False)
    period_end = models.DateField()
    area = models.CharField(max_length=16, choices=Area.choices, default=Area.HAVERING)
    la_code = models.CharField(
        "LA number",
        max_length=3,
        blank=True,
        default="",
        help_text="DfE's number of the council (old LA code, e.g. 311) for another council's figure.",
    )
    value = models.DecimalField(
        max_digits=14, decimal_places=4, null=True, blank=True, help_text="Empty when DfE did not publish it."
    )
    symbol = models.CharField(
        max_length=3,
        choices=Symbol.choices,
        blank=True,
        help_text="The symbol DfE published instead of a figure, if it did.",
    )
    numerator = models.PositiveIntegerField(null=True, blank=True)
    denominator = models.PositiveIntegerField(null=True, blank=True)
    note = models.TextField(blank=True)
    is_derived = models.BooleanField(default=False)
    source_import = models.ForeignKey(
        KPIImport, on_delete=models.SET_NULL, null=True, blank=True, related_name="values"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # only ever looked up when a user is deleted
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kpi", "-period_end", "area"]
        verbose_name = "KPI value"
        constraints = [
            # Column order (kpi, area, period_end) also serves "latest figures of a KPI
            # for an area", so no second index is needed.
            models.UniqueConstraint(
                fields=["kpi", "area", "la_code", "period_end"], name="kpi_value_unique_period_area"
            ),
            models.CheckConstraint(
                condition=models.Q(value__isnull=True, symbol__gt="")
                | models.Q(value__isnull=False, symbol=""),
                name="kpi_value_figure_or_symbol",
            ),
            models.CheckConstraint(
                condition=models.Q(area="council", la_code__gt="")
                | (~models.Q(area="council") & models.Q(la_code="")),
                name="kpi_value_council_has_la_code",
            ),
            models.CheckConstraint(
                condition=models.Q(numerator__isnull=True)
                | models.Q(denominator__isnull=True)
                | models.Q(numerator__lte=models.F("denominator")),
                name="kpi_value_numerator_not_above_denominator",
            ),
        ]

    def __str__(self):
        where = f"LA {self.la_code}" if self.la_code else self.get_area_display()
        shown = self.value if self.value is not None else f"not published ({self.symbol})"
        return f"{self.kpi.code} {self.period_end} {where}: {shown}"

    @property
    def not_published(self) -> str:
        """How a figure DfE did not publish reads on a page."""
        if self.symbol in ("c", "~"):
            return "suppressed by DfE"
        if self.symbol in ("k", "low"):
            return "fewer than 0.5, rounded to 0 by DfE"
        return "not published by DfE"


class KPICommentary(models.Model):
    """What a KPI's owner (or an administrator) says about one period's figure, and, for
    a red figure, the corrective action. Never edited: a new version is a new row, so the
    latest row of a period is its commentary and the earlier ones its history."""

    kpi = models.ForeignKey(KPI, on_delete=models.CASCADE, related_name="commentaries")
    period_end = models.DateField()
    rag = models.CharField(max_length=10, blank=True, help_text="The figure's rating when this was written.")
    commentary = models.TextField(max_length=4000)
    corrective_action = models.TextField(max_length=4000, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="kpi_commentaries"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kpi", "-period_end", "-created_at", "-pk"]
        verbose_name = "KPI commentary"
        verbose_name_plural = "KPI commentaries"
        indexes = [models.Index(fields=["kpi", "period_end", "created_at"], name="kpi_commentary_period")]

    def __str__(self):
        return f"{self.kpi.code} {uk_date_short(self.period_end)}: {self.commentary[:60]}"


class KPIPeriodLock(models.Model):
    """Figures for periods ending from ``period_start`` to ``period_end`` (inclusive) are
    locked: a progress report covering them has been issued, so changing one needs an
    administrator and a reason (see ``KPIValueAmendment``)."""

    period_start = models.DateField()
    period_end = models.DateField()
    reason = models.CharField(max_length=200, help_text="Why, e.g. the report that was issued.")
    locked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-period_end", "-period_start"]
        verbose_name = "KPI period lock"
        constraints = [
            # Locking the same range twice records nothing new.
            models.UniqueConstraint(
                fields=["period_start", "period_end"], name="kpi_period_lock_unique_range"
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="kpi_period_lock_end_not_before_start",
            ),
        ]

    def __str__(self):
        return f"{uk_date_short(self.period_start)} to {uk_date_short(self.period_end)}: {self.reason}"

    def covers(self, day: date) -> bool:
        return self.period_start <= day <= self.period_end


class KPIValueAmendment(models.Model):
    """A change to a figure in a locked period: what it was (nothing, for a figure added
    after the report), what it became, who changed it, when, why and how."""

    class Source(models.TextChoices):
        IMPORT = "import", "Import"
        ADMIN = "admin", "Django admin"

    # Protected: a figure whose change was recorded cannot quietly disappear. No index
    # of its own: the one below starts with it.
    kpi_value = models.ForeignKey(
        KPIValue, on_delete=models.PROTECT, related_name="amendments", db_index=False
    )
    old_value = models.DecimalField(
        max_digits=14, decimal_places=4, null=True, blank=True, help_text="Empty: there was no figure."
    )
    old_numerator = models.PositiveIntegerField(null=True, blank=True)
    old_denominator = models.PositiveIntegerField(null=True, blank=True)
    old_note = models.TextField(blank=True)
    new_value = models.DecimalField(
        max_digits=14, decimal_places=4, null=True, blank=True, help_text="Empty: not published by DfE."
    )
    new_numerator = models.PositiveIntegerField(null=True, blank=True)
    new_denominator = models.PositiveIntegerField(null=True, blank=True)
    new_note = models.TextField(blank=True)
    reason = models.TextField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty for imports from the command line.",
    )
    changed_at = models.DateTimeField(default=timezone.now)
    source = models.CharField(max_length=8, choices=Source.choices)
    source_import = models.ForeignKey(
        KPIImport, on_delete=models.PROTECT, null=True, blank=True, related_name="amendments"
    )

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = "KPI value amendment"
        permissions = [
            ("amend_locked_kpi_values", "Can change figures for periods in an issued report, giving a reason")
        ]
        # The KPI page reads the latest amendment of each of its figures.
        indexes = [models.Index(fields=["kpi_value", "-changed_at"], name="kpi_amendment_latest")]

    def __str__(self):
        return f"{self.kpi_value}: amended {uk_date_short(self.changed_at)}"


class DfEMapping(models.Model):
    """Which rows of a DfE open-data file (Explore Education Statistics) make a KPI's
    figure: data, so that a new year's renamed columns can be mapped without a release.

    A row whose filter columns hold ``numerator_filters`` gives the figure (its count,
    and its percentage or rate); the row of the same area and year whose filters hold
    those values overridden by ``denominator_filters`` gives the denominator.
    """

    kpi = models.ForeignKey(KPI, on_delete=models.CASCADE, related_name="dfe_mappings")
    publication_file = models.CharField(
        max_length=120, help_text="The file's name on Explore Education Statistics, for people."
    )
    numerator_filters = models.JSONField(
        help_text='Filter columns and values of the figure’s row, e.g. {"cla_group": "CLA on 31 March", '
        '"placement_stability": "With 3 or more placements during the year"}. A column DfE has named '
        'differently over the years, or a value it has worded differently, lists each with "|" between: '
        '{"care_leaver_age|age": "17 to 18 years|Aged 17 to 18"}. Empty ({}): every row, as in the '
        "workforce file's one row per council."
    )
    denominator_filters = models.JSONField(
        default=dict,
        blank=True,
        help_text='What differs in the row that gives the denominator, e.g. {"placement_stability": '
        '"Total children"}. Empty: no denominator.',
    )
    count_columns = models.CharField(
        max_length=200,
        blank=True,
        help_text="The count column's name, with older names after it, separated by commas "
        "(e.g. children_count, number). Empty: the file gives no count (an average, a rate).",
    )
    value_columns = models.CharField(
        max_length=200,
        blank=True,
        help_text="The percentage or rate column's name, with older names, separated by commas. "
        "Empty: the figure is the count.",
    )
    is_active = models.BooleanField(default=True)
    published_on = models.DateField(
        null=True, blank=True, help_text="When DfE published the latest release this file comes from."
    )
    next_due = models.DateField(null=True, blank=True, help_text="When DfE says the next release is due.")

    class Meta:
        ordering = ["kpi__code", "pk"]
        verbose_name = "DfE file mapping"

    def __str__(self):
        return f"{self.kpi.code} from {self.publication_file}"

    @staticmethod
    def names(text: str) -> list[str]:
        return [name.strip().lower() for name in text.split(",") if name.strip()]

    def clean(self):
        if self.kpi_id and self.kpi.source != KPI.Source.DFE:
            raise ValidationError(
                {
                    "kpi": f"{self.kpi.code} is a local measure: DfE's annual figures go on a published "
                    "measure (source “Published by DfE”), which a local one can track."
                }
            )
        for field in ("numerator_filters", "denominator_filters"):
            filters = getattr(self, field)
            if not isinstance(filters, dict) or not all(
                isinstance(value, str | int) for value in filters.values()
            ):
                raise ValidationError(
                    {field: 'Give column names and values, e.g. {"cla_group": "CLA on 31 March"}.'}
                )


class LocalAuthority(models.Model):
    """A council in England, by DfE's LA number (the "old LA code")."""

    code = models.CharField("LA number", max_length=3, unique=True)
    name = models.CharField(max_length=100)
    region = models.CharField(max_length=60, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "local authorities"

    def __str__(self):
        return f"{self.name} ({self.code})"


class NeighbourModel(models.Model):
    """One of DfE's statistical-neighbour models: each council's ten closest councils.
    The model in force for a period is the latest whose ``in_force_from`` is on or
    before the period's end."""

    name = models.CharField(max_length=100, unique=True)
    in_force_from = models.DateField(
        unique=True, help_text="The first period end whose statistical-neighbour figures use this model."
    )
    source_file = models.CharField(max_length=200, blank=True)
    loaded_at = models.DateTimeField(default=timezone.now)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty for models loaded by the data migration or the command line.",
    )

    class Meta:
        ordering = ["-in_force_from"]
        verbose_name = "statistical-neighbour model"

    def __str__(self):
        return self.name


class NeighbourModelUpload(models.Model):
    """A statistical-neighbour model's file, checked and waiting for an administrator to
    confirm it. It holds the councils as read (not the file): confirming loads them and
    deletes the upload."""

    file_name = models.CharField(max_length=255)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # [[code, name, region, [[neighbour's code, closeness], …]], …] as read from the file.
    councils = models.JSONField()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.file_name

    def get_absolute_url(self):
        return reverse("neighbour_model_preview", args=[self.pk])


class StatisticalNeighbour(models.Model):
    """One of a council's ten statistical neighbours in one model (1 = the closest)."""

    model = models.ForeignKey(NeighbourModel, on_delete=models.CASCADE, related_name="neighbours")
    la_code = models.CharField("LA number", max_length=3)
    neighbour_code = models.CharField("neighbour's LA number", max_length=3)
    position = models.PositiveSmallIntegerField()
    closeness = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["model", "la_code", "position"]
        constraints = [
            models.UniqueConstraint(fields=["model", "la_code", "position"], name="neighbour_unique_position")
        ]

    def __str__(self):
        return f"{self.la_code} → {self.neighbour_code} ({self.position}, {self.model})"
