from django.contrib import admin

from core.admin import SafeInitialAdmin, WrittenThroughServices

from .models import AgendaItem, Meeting, PanelAction, ProgressReport, ReminderLog


class AgendaItemInline(WrittenThroughServices, admin.TabularInline):
    model = AgendaItem
    extra = 0


@admin.register(Meeting)
class MeetingAdmin(WrittenThroughServices, admin.ModelAdmin):
    list_display = ("title", "starts_at", "location")
    list_filter = ("starts_at",)
    search_fields = ("title", "location", "notes")
    date_hierarchy = "starts_at"
    inlines = [AgendaItemInline]


@admin.register(PanelAction)
class PanelActionAdmin(WrittenThroughServices, SafeInitialAdmin):
    list_display = ("text", "kind", "meeting", "owner", "due_date", "status")
    list_filter = ("kind", "status", "meeting")
    search_fields = ("text", "response", "owner__username", "owner__last_name")
    list_select_related = ("meeting", "owner")
    autocomplete_fields = ("owner",)


@admin.register(ProgressReport)
class ProgressReportAdmin(admin.ModelAdmin):
    list_display = (
        "__str__",
        "kind",
        "period_start",
        "period_end",
        "state",
        "progress",
        "attempts",
        "issued_at",
    )
    list_filter = ("kind", "state")
    search_fields = ("error", "meeting__title")
    list_select_related = ("meeting",)
    readonly_fields = ("data", "html", "issued_at", "started_at", "attempts")
    date_hierarchy = "period_end"


@admin.register(ReminderLog)
class ReminderLogAdmin(admin.ModelAdmin):
    list_display = ("kind", "cycle", "recipient", "created_at", "sent_at")
    list_filter = ("kind", "sent_at")
    search_fields = ("cycle", "recipient__username", "recipient__email")
    list_select_related = ("recipient",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
