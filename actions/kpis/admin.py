"""Admin for KPI values (with django-import-export's export; files are imported on the portal's
import page, in the background), imports, and the locks on figures in issued reports with the
record of their amendments.

Imported from actions/admin.py, which registers KPIAdmin itself.
"""

from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.html import format_html
from import_export.admin import ExportMixin
from import_export.formats import base_formats

from actions.models import (
    DfEMapping,
    KPICommentary,
    KPIImport,
    KPIPeriodLock,
    KPIValue,
    KPIValueAmendment,
    LocalAuthority,
    NeighbourModel,
    StatisticalNeighbour,
)
from core.admin import ReadOnlyAdmin, SafeInitialAdmin

from . import services
from .importing import sense
from .resources import KPIValueResource
from .rules import can_import_kpi_data
from .selectors import is_locked

REASON_LABEL = "Reason for changing figures in issued reports"


def _reason_field(**kwargs) -> forms.CharField:
    return forms.CharField(label=REASON_LABEL, required=False, max_length=2000, **kwargs)


class KPIValueForm(forms.ModelForm):
    """A figure typed in. In a period of an issued report, adding or changing one needs
    an administrator and a reason (``services.kpi_value_save`` records it)."""

    amendment_reason = _reason_field(
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text="Needed, and recorded, when the figure is for a period whose progress report has "
        "been issued. Only administrators can change such figures.",
    )

    class Meta:
        model = KPIValue
        fields = (
            "kpi",
            "period_end",
            "area",
            "la_code",
            "value",
            "symbol",
            "numerator",
            "denominator",
            "note",
        )

    user = None  # set by the admin

    def clean(self):
        cleaned = super().clean()
        figures = set(self.Meta.fields)
        if self.instance.pk and not figures & set(self.changed_data):
            return cleaned
        self.check_figure(cleaned)
        if self.errors:
            return cleaned
        period_end = cleaned.get("period_end") or self.instance.period_end
        problem = services.locked_figure_problem(
            user=self.user,
            period_ends=[period_end, self.instance.period_end if self.instance.pk else None],
            reason=cleaned.get("amendment_reason", ""),
        )
        if problem:
            self.add_error("amendment_reason", problem)
        return cleaned

    def check_figure(self, cleaned: dict) -> None:
        """The rules every import applies (``importing.sense``), for one figure."""
        kpi = cleaned.get("kpi") or getattr(self.instance, "kpi", None)
        period_end = cleaned.get("period_end") or self.instance.period_end
        value, symbol = cleaned.get("value"), cleaned.get("symbol", "")
        numerator, denominator = cleaned.get("numerator"), cleaned.get("denominator")
        if (value is None) == (not symbol):
            self.add_error("value", "Give either the figure or the symbol DfE published instead, not both.")
        if period_end and (problem := sense.period_problem(period_end, today=timezone.localdate())):
            self.add_error("period_end", problem)
        if problem := sense.counts_problem(numerator, denominator):
            self.add_error("numerator", problem)
        if kpi is not None and value is not None:
            text = f"{value.normalize():f}"
            problem = sense.value_problem(
                unit=kpi.unit, number=float(value), text=text, numerator=numerator, denominator=denominator
            )
            if problem:
                self.add_error("value", problem)


@admin.register(KPIValue)
class KPIValueAdmin(SafeInitialAdmin, ExportMixin, admin.ModelAdmin):
    """No import here: a file goes through the portal's import page (linked from the list),
    which stores it, checks its size and reads it in a Celery task, never in the request."""

    resource_classes = [KPIValueResource]
    export_formats = [base_formats.CSV, base_formats.XLSX]
    form = KPIValueForm
    change_list_template = "admin/actions/kpivalue/change_list.html"

    list_display = (
        "kpi",
        "period_end",
        "area",
        "la_code",
        "value",
        "symbol",
        "numerator",
        "denominator",
        "source",
        "updated_at",
    )
    list_filter = (
        "area",
        "symbol",
        "kpi__theme",
        "is_derived",
        ("source_import", admin.EmptyFieldListFilter),
    )
    search_fields = ("kpi__code", "kpi__name", "la_code", "note", "source_import__file_name")
    list_select_related = ("kpi", "source_import", "updated_by")
    autocomplete_fields = ("kpi",)
    date_hierarchy = "period_end"
    ordering = ("kpi__code", "-period_end", "area")
    readonly_fields = ("source_import", "updated_by", "updated_at", "is_derived")
    # What identifies a figure is fixed once it exists (add the other figure instead),
    # so an amendment always describes one figure.
    key_fields = ("kpi", "period_end", "area", "la_code")

    @admin.display(description="Source")
    def source(self, value):
        if value.source_import_id:
            return format_html("Import: {}", value.source_import.file_name)
        if value.updated_by_id:
            return f"Entered by {value.updated_by.get_username()}"
        return "–"

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_import": can_import_kpi_data(request.user)}
        return super().changelist_view(request, extra_context=extra_context)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields + (self.key_fields if obj is not None else ())

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.user = request.user
        return form

    def has_delete_permission(self, request, obj=None):
        # A figure in an issued report is corrected (with a reason), never removed.
        if obj is not None and is_locked(obj.period_end):
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        services.kpi_value_save(
            kpi_value=obj, user=request.user, reason=form.cleaned_data.get("amendment_reason", "")
        )


@admin.register(KPIImport)
class KPIImportAdmin(admin.ModelAdmin):
    """Imports are a record of what happened: read-only here."""

    list_display = (
        "file_name",
        "uploaded_by",
        "source",
        "state",
        "created_at",
        "rows_created",
        "rows_updated",
        "rows_unchanged",
        "error_count",
    )
    list_filter = ("state", "source", "layout")
    search_fields = ("file_name", "uploaded_by__username", "uploaded_by__last_name")
    list_select_related = ("uploaded_by",)
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(KPIPeriodLock)
class KPIPeriodLockAdmin(ReadOnlyAdmin):
    """Periods locked by issued reports (the reports lock them; nobody else)."""

    list_display = ("period_start", "period_end", "reason", "locked_at")
    list_filter = ("locked_at",)
    search_fields = ("reason",)
    date_hierarchy = "period_end"


@admin.register(KPIValueAmendment)
class KPIValueAmendmentAdmin(ReadOnlyAdmin):
    """Every change to a figure in a locked period: before, after, who, when and why."""

    list_display = (
        "kpi_value",
        "old_value",
        "new_value",
        "reason",
        "changed_by",
        "changed_at",
        "source",
        "source_import",
    )
    list_filter = ("source", "kpi_value__area", "kpi_value__kpi__theme", "changed_at")
    search_fields = (
        "reason",
        "kpi_value__kpi__code",
        "kpi_value__kpi__name",
        "changed_by__username",
        "changed_by__last_name",
        "source_import__file_name",
    )
    list_select_related = ("kpi_value__kpi", "changed_by", "source_import")
    date_hierarchy = "changed_at"


class DfEMappingForm(forms.ModelForm):
    class Meta:
        model = DfEMapping
        fields = (
            "kpi",
            "publication_file",
            "numerator_filters",
            "denominator_filters",
            "count_columns",
            "value_columns",
            "is_active",
            "published_on",
            "next_due",
        )

    def clean(self):
        cleaned = super().clean()
        for name in ("numerator_filters", "denominator_filters"):
            filters = cleaned.get(name)
            if filters is None or filters == {}:  # {}: every row (one row per council and year)
                continue
            # A JSON object of column → value; anything else would match no row.
            if not isinstance(filters, dict) or not all(
                isinstance(key, str) and isinstance(value, str) for key, value in filters.items()
            ):
                self.add_error(name, 'Give column names and values as {"column": "value", …}.')
        return cleaned


@admin.register(DfEMapping)
class DfEMappingAdmin(SafeInitialAdmin):
    """Which rows of DfE's files make each KPI's figure: editable, so that a new year's
    renamed columns are mapped here rather than in a release."""

    form = DfEMappingForm
    list_display = (
        "kpi",
        "publication_file",
        "numerator_filters",
        "denominator_filters",
        "is_active",
        "published_on",
        "next_due",
    )
    list_filter = ("is_active", "publication_file")
    search_fields = ("kpi__code", "kpi__name", "publication_file", "count_columns", "value_columns")
    list_select_related = ("kpi",)
    autocomplete_fields = ("kpi",)


@admin.register(LocalAuthority)
class LocalAuthorityAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "region")
    list_filter = ("region",)
    search_fields = ("name", "code")


@admin.register(NeighbourModel)
class NeighbourModelAdmin(admin.ModelAdmin):
    """DfE's statistical-neighbour models (the models' page, /kpis/neighbours/, or
    ``manage.py load_neighbour_model`` loads the next)."""

    list_display = ("name", "in_force_from", "source_file", "loaded_at", "loaded_by")
    list_select_related = ("loaded_by",)
    search_fields = ("name", "source_file")
    date_hierarchy = "in_force_from"


@admin.register(StatisticalNeighbour)
class StatisticalNeighbourAdmin(admin.ModelAdmin):
    list_display = ("la_code", "position", "neighbour_code", "closeness", "model")
    list_filter = ("model", "closeness")
    search_fields = ("la_code", "neighbour_code")
    list_select_related = ("model",)


@admin.register(KPICommentary)
class KPICommentaryAdmin(ReadOnlyAdmin):
    """Owners' commentary on each period's figure, every version (written on the KPI's page)."""

    list_display = ("kpi", "period_end", "rag", "author", "created_at")
    list_filter = ("rag", "kpi__theme", "period_end", "created_at")
    search_fields = ("kpi__code", "kpi__name", "commentary", "corrective_action", "author__username")
    list_select_related = ("kpi", "author")
    date_hierarchy = "created_at"
