from django.contrib import admin

from .models import KPI, Commitment, Theme


class CommitmentInline(admin.TabularInline):
    model = Commitment
    extra = 0
    fields = ("code", "position", "text")


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "position", "promise")
    list_display_links = ("code", "name")
    search_fields = ("code", "name", "promise")
    ordering = ("position",)
    inlines = [CommitmentInline]


@admin.register(Commitment)
class CommitmentAdmin(admin.ModelAdmin):
    list_display = ("code", "theme", "text", "position")
    list_filter = ("theme",)
    search_fields = ("code", "text")
    list_select_related = ("theme",)


@admin.register(KPI)
class KPIAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "name",
        "theme",
        "unit",
        "polarity",
        "frequency",
        "target",
        "amber_tolerance",
        "is_derived",
    )
    list_filter = ("theme", "unit", "polarity", "frequency", "is_derived", "data_source")
    search_fields = ("code", "name", "definition")
    list_select_related = ("theme",)
    fieldsets = (
        (None, {"fields": ("code", "name", "definition", "theme")}),
        ("How it is measured", {"fields": ("unit", "polarity", "frequency", "data_source", "is_derived")}),
        (
            "Rating",
            {
                "fields": ("target", "amber_tolerance"),
                "description": "Green at or beyond the target; amber within the tolerance of it; "
                "red further off. No target, no rating.",
            },
        ),
    )


# --- KPI values and imports (issue 4) --------------------------------------------------------
# KPIValueAdmin (django-import-export) and KPIImportAdmin live with the rest of the
# KPI code; importing the module registers them.
from .kpis import admin as kpi_admin  # noqa: E402, F401
