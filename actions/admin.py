from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ReadOnlyAdmin, SafeInitialAdmin, VersionedAdmin, WrittenThroughServices

from .easyread.services import readability_check
from .models import (
    KPI,
    Action,
    Commitment,
    EasyReadText,
    JargonTerm,
    Milestone,
    ProgressUpdate,
    Subgroup,
    Theme,
)


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
class KPIAdmin(VersionedAdmin, SafeInitialAdmin):
    list_display = (
        "code",
        "name",
        "theme",
        "unit",
        "polarity",
        "frequency",
        "target",
        "amber_tolerance",
        "tolerance_kind",
        "corporate_rule",
        "is_derived",
        "owner",
    )
    list_filter = (
        "source",
        "theme",
        "unit",
        "polarity",
        "frequency",
        "tolerance_kind",
        "corporate_rule",
        "is_derived",
        "data_source",
        ("owner", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("code", "name", "definition", "owner__username", "owner__first_name", "owner__last_name")
    list_select_related = ("theme", "owner")
    autocomplete_fields = ("owner", "tracks")
    fieldsets = (
        (None, {"fields": ("code", "name", "definition", "theme", "owner")}),
        ("How it is measured", {"fields": ("unit", "polarity", "frequency", "data_source", "is_derived")}),
        (
            "Published by DfE",
            {
                "fields": ("source", "tracks", "framework_outcome", "framework_domain", "framework_order"),
                "description": "A measure published by DfE takes its figures only from DfE's files (DfE file "
                "mappings); a local one only from the portal's own layouts, and may track the published "
                "indicator its page shows beside its own series.",
            },
        ),
        (
            "Rating",
            {
                "fields": ("target", "amber_tolerance", "tolerance_kind", "corporate_rule"),
                "description": "Green on or beyond the target; amber off target by no more than the "
                "tolerance; red further off (with the corporate rule: amber if better than the same "
                "period a year earlier). No target, or a neutral measure: no rating. The measure's page "
                "explains each figure's colour in these words.",
            },
        ),
    )


# --- The delivery plan ---------------------------------------------------------------------


@admin.register(Subgroup)
class SubgroupAdmin(SafeInitialAdmin):
    list_display = ("name", "chair", "member_count", "action_count")
    search_fields = ("name", "chair__username", "chair__first_name", "chair__last_name")
    list_select_related = ("chair",)
    autocomplete_fields = ("chair",)
    filter_horizontal = ("members",)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_members=Count("members", distinct=True),
                n_actions=Count("actions", distinct=True),
            )
        )

    @admin.display(description="Members", ordering="n_members")
    def member_count(self, obj):
        return obj.n_members

    @admin.display(description="Actions", ordering="n_actions")
    def action_count(self, obj):
        return obj.n_actions


class MilestoneInline(WrittenThroughServices, admin.TabularInline):
    model = Milestone
    extra = 0
    fields = ("title", "due_date", "completed_on")


class ProgressUpdateInline(admin.TabularInline):
    """Updates are immutable: shown here, written only through the portal."""

    model = ProgressUpdate
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    extra = 0
    fields = ("created_at", "author", "status", "done", "next_steps", "evidence_url", "shareable")
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Action)
class ActionAdmin(WrittenThroughServices, SafeInitialAdmin, SimpleHistoryAdmin):
    """Added and changed in the portal (services.action_create, action_edit)."""

    list_display = ("title", "commitment", "lead", "subgroup", "status", "start_date", "due_date")
    list_filter = ("status", "commitment__theme", "subgroup", "shareable")
    search_fields = ("title", "description", "lead__username", "lead__first_name", "lead__last_name")
    list_select_related = ("commitment", "lead", "subgroup")
    autocomplete_fields = ("commitment", "lead", "subgroup")
    filter_horizontal = ("kpis",)
    date_hierarchy = "due_date"
    inlines = [MilestoneInline, ProgressUpdateInline]


@admin.register(Milestone)
class MilestoneAdmin(WrittenThroughServices, SafeInitialAdmin, SimpleHistoryAdmin):
    list_display = ("title", "action", "due_date", "completed_on")
    list_filter = ("action__commitment__theme", ("completed_on", admin.EmptyFieldListFilter))
    search_fields = ("title", "action__title")
    list_select_related = ("action",)
    autocomplete_fields = ("action",)


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(ReadOnlyAdmin):
    """Read-only: a progress update is a record of what was said, never edited."""

    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    list_display = ("action", "created_at", "author", "status", "shareable")
    list_filter = ("status", "shareable", "action__commitment__theme")
    search_fields = ("action__title", "done", "next_steps", "author__username")
    list_select_related = ("action", "author")
    date_hierarchy = "created_at"


# --- KPI values and imports (issue 4) --------------------------------------------------------
# KPIValueAdmin (django-import-export) and KPIImportAdmin live with the rest of the
# KPI code; importing the module registers them.
from .kpis import admin as kpi_admin  # noqa: E402, F401


@admin.register(JargonTerm)
class JargonTermAdmin(admin.ModelAdmin):
    """Participation officers keep the words young people asked us to drop."""

    list_display = ("term", "plain_words", "note")
    search_fields = ("term", "plain_words", "note")


class EasyReadTextForm(forms.ModelForm):
    class Meta:
        model = EasyReadText
        fields = ("text",)

    def clean_text(self):
        text = self.cleaned_data["text"]
        try:
            readability_check(text=text)
        except ValidationError as error:
            raise ValidationError(error.message_dict["text"]) from None
        return text.strip()


class PublishedFilter(admin.SimpleListFilter):
    title = "on the young people's page"
    parameter_name = "published"

    def lookups(self, request, model_admin):
        return [("yes", "Yes"), ("no", "No")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.published()
        if self.value() == "no":
            return queryset.filter(published_text="")
        return queryset


@admin.register(EasyReadText)
class EasyReadTextAdmin(SimpleHistoryAdmin):
    """Approving and taking off the page happen in the portal, which checks who may."""

    form = EasyReadTextForm
    list_display = ("text", "about", "is_published", "written_by", "written_at", "approved_by", "approved_at")
    list_filter = (PublishedFilter, "written_at")
    search_fields = ("text", "published_text")
    list_select_related = ("commitment", "action", "update__action", "written_by", "approved_by")
    readonly_fields = (
        "commitment",
        "action",
        "update",
        "published_text",
        "written_by",
        "written_at",
        "approved_by",
        "approved_at",
    )

    @admin.display(description="About")
    def about(self, obj):
        return obj.subject

    @admin.display(boolean=True, description="On the page")
    def is_published(self, obj):
        return obj.is_published

    def has_add_permission(self, request):
        return False
