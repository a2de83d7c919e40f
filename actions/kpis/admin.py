"""Admin for KPI values (with django-import-export's import and export) and imports.

Imported from actions/admin.py, which registers KPIAdmin itself.
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.utils.html import format_html
from import_export.admin import ImportExportModelAdmin
from import_export.formats import base_formats
from import_export.forms import ImportForm

from actions.models import KPIImport, KPIValue

from .files import FileRefused, describe_size, kind_for
from .resources import KPICSVFormat, KPIValueResource, KPIXLSXFormat
from .rules import can_import_kpi_data


class KPIValueImportForm(ImportForm):
    """django-import-export's form, with our size limit and file kinds."""

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        try:
            kind_for(upload.name)
        except FileRefused as exc:
            raise forms.ValidationError(str(exc)) from exc
        if upload.size > settings.KPI_IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                f"The file must be smaller than {describe_size(settings.KPI_IMPORT_MAX_BYTES)}. "
                "Bigger files: use the portal's import page, which works in the background."
            )
        return upload


@admin.register(KPIValue)
class KPIValueAdmin(ImportExportModelAdmin):
    resource_classes = [KPIValueResource]
    import_formats = [KPICSVFormat, KPIXLSXFormat]
    export_formats = [base_formats.CSV, base_formats.XLSX]
    import_form_class = KPIValueImportForm
    import_template_name = "admin/actions/kpivalue/import.html"
    skip_admin_log = True  # every import is recorded as a KPIImport instead

    list_display = ("kpi", "period_end", "area", "value", "numerator", "denominator", "source", "updated_at")
    list_filter = ("area", "kpi__theme", "is_derived", ("source_import", admin.EmptyFieldListFilter))
    search_fields = ("kpi__code", "kpi__name", "note", "source_import__file_name")
    list_select_related = ("kpi", "source_import", "updated_by")
    autocomplete_fields = ("kpi",)
    date_hierarchy = "period_end"
    ordering = ("kpi__code", "-period_end", "area")
    readonly_fields = ("source_import", "updated_by", "updated_at", "is_derived")

    @admin.display(description="Source")
    def source(self, value):
        if value.source_import_id:
            return format_html("Import: {}", value.source_import.file_name)
        if value.updated_by_id:
            return f"Entered by {value.updated_by.get_username()}"
        return "–"

    def has_import_permission(self, request):
        return can_import_kpi_data(request.user)

    def save_model(self, request, obj, form, change):
        # A figure typed here is the person's, not an import's.
        obj.updated_by = request.user
        obj.source_import = None
        super().save_model(request, obj, form, change)

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, FileRefused):
            form.add_error("import_file", str(e))
        else:
            super().add_data_read_fail_error_to_form(form, e)

    def add_success_message(self, result, request):
        kpi_import = getattr(result, "kpi_import", None)
        if kpi_import is None or kpi_import.state != KPIImport.State.DONE:
            messages.error(request, "The file was not imported: it has errors. Nothing was written.")
            return
        messages.success(
            request,
            f"Imported {kpi_import.file_name}: {kpi_import.rows_created} new figures, "
            f"{kpi_import.rows_updated} changed, {kpi_import.rows_unchanged} already up to date.",
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
