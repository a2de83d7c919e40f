from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ReadOnlyAdmin, SafeInitialAdmin, WrittenThroughServices

from .iv.services import record_view_log, record_views_log
from .models import (
    FeedbackItem,
    Match,
    ParticipationGroup,
    ParticipationSession,
    RecordView,
    Referral,
    ReferralEvent,
    Review,
    Visit,
    Volunteer,
    YoungPersonMessage,
)

# --- Participation -------------------------------------------------------------------------


@admin.register(ParticipationGroup)
class ParticipationGroupAdmin(SafeInitialAdmin):
    list_display = ("name", "kind", "facilitator", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "purpose")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("facilitator",)
    list_select_related = ("facilitator",)


@admin.register(ParticipationSession)
class ParticipationSessionAdmin(WrittenThroughServices, SafeInitialAdmin):
    list_display = ("held_on", "group", "kind", "title", "in_care", "care_leavers", "others")
    list_filter = ("kind", "group")
    search_fields = ("title", "notes", "group__name")
    date_hierarchy = "held_on"
    list_select_related = ("group",)
    autocomplete_fields = ("group",)
    readonly_fields = ("created_by", "created_at")


@admin.register(FeedbackItem)
class FeedbackItemAdmin(WrittenThroughServices, SimpleHistoryAdmin):
    """Sharing with young people happens in the portal, which checks the easy read."""

    list_display = ("said", "group", "raised_on", "theme", "status", "action", "shared", "reported_back_on")
    list_filter = ("status", "shared", "theme", "group")
    search_fields = ("said", "response", "easy_read_said", "easy_read_did")
    date_hierarchy = "raised_on"
    list_select_related = ("group", "theme", "action")
    raw_id_fields = ("session", "action")
    readonly_fields = ("shared", "names_no_child", "shared_by", "shared_at")


@admin.register(YoungPersonMessage)
class YoungPersonMessageAdmin(WrittenThroughServices, SimpleHistoryAdmin):
    """Messages come only from the young people's page; officers answer them in the portal."""

    list_display = ("received_at", "state", "theme", "group", "short_text", "handled_by")
    list_filter = ("state", "theme", "group")
    search_fields = ("text", "close_reason")
    date_hierarchy = "received_at"
    list_select_related = ("theme", "group", "handled_by")
    readonly_fields = ("text", "theme", "group", "received_at", "feedback_item", "handled_by", "handled_at")

    @admin.display(description="Message")
    def short_text(self, obj):
        return obj.text[:80]

    def has_add_permission(self, request):
        return False


# --- Independent Visitors: child-level records ------------------------------------------------


class LogsChildRecordViews:
    """Opening a child's record in the admin is logged like opening it in the portal, and so
    is every list, search result and history page that shows a child's reference."""

    def referral_of(self, obj) -> Referral:
        raise NotImplementedError

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None and response.status_code == 200:
            view = f"admin {self.opts.model_name} {'search' if changelist.query else 'list'}"
            shown = [self.referral_of(obj) for obj in changelist.result_list]
            record_views_log(user=request.user, referrals=shown, view=view)
        return response

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        obj = self.get_object(request, object_id)
        if obj is not None and response.status_code == 200:
            view = f"admin {self.opts.model_name} history"
            record_view_log(user=request.user, referral=self.referral_of(obj), view=view)
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        obj = self.get_object(request, object_id)
        if obj is not None and response.status_code == 200:
            record_view_log(
                user=request.user, referral=self.referral_of(obj), view=f"admin {self.opts.model_name}"
            )
        return response


@admin.register(Volunteer)
class VolunteerAdmin(WrittenThroughServices, admin.ModelAdmin):
    list_display = ("name", "status", "dbs_expires_on", "training_completed_on", "independence_declared_on")
    list_filter = ("status",)
    search_fields = ("name", "email")
    date_hierarchy = "dbs_expires_on"


class ReferralEventInline(admin.TabularInline):
    model = ReferralEvent
    extra = 0
    fields = ("on", "from_state", "to_state", "by", "note")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


# The workflow's fields change only through the portal's moves, which check them.
WORKFLOW_FIELDS = ("state", "state_changed_on", "closed_on", "end_reason", "anonymised_at", "created_by")


@admin.register(Referral)
class ReferralAdmin(WrittenThroughServices, LogsChildRecordViews, admin.ModelAdmin):
    list_display = ("child_reference", "state", "legal_status", "placement", "received_on", "closed_on")
    list_filter = ("state", "legal_status", "placement", "end_reason")
    search_fields = ("child_reference", "referrer_team")
    date_hierarchy = "received_on"
    readonly_fields = WORKFLOW_FIELDS
    inlines = [ReferralEventInline]

    def referral_of(self, obj):
        return obj

    def has_add_permission(self, request):
        return False


@admin.register(Match)
class MatchAdmin(LogsChildRecordViews, admin.ModelAdmin):
    list_display = ("referral", "volunteer", "matched_on", "started_on", "ended_on")
    list_filter = ("ended_on",)
    search_fields = ("referral__child_reference", "volunteer__name")
    list_select_related = ("referral", "volunteer")
    readonly_fields = ("referral", "volunteer", "matched_on", "started_on", "ended_on")

    def referral_of(self, obj):
        return obj.referral

    def has_add_permission(self, request):
        return False


@admin.register(Visit)
class VisitAdmin(WrittenThroughServices, LogsChildRecordViews, admin.ModelAdmin):
    list_display = ("visited_on", "match", "kind", "duration_minutes")
    list_filter = ("kind",)
    search_fields = ("match__referral__child_reference", "match__volunteer__name")
    date_hierarchy = "visited_on"
    list_select_related = ("match__referral", "match__volunteer")
    raw_id_fields = ("match",)

    def referral_of(self, obj):
        return obj.match.referral


@admin.register(Review)
class ReviewAdmin(WrittenThroughServices, LogsChildRecordViews, admin.ModelAdmin):
    list_display = ("held_on", "match", "continue_match")
    list_filter = ("continue_match",)
    search_fields = ("match__referral__child_reference",)
    list_select_related = ("match__referral", "match__volunteer")
    raw_id_fields = ("match",)

    def referral_of(self, obj):
        return obj.match.referral


@admin.register(RecordView)
class RecordViewAdmin(LogsChildRecordViews, ReadOnlyAdmin):
    """The log of who viewed which child's record: read-only, for administrators (and, as it
    names children, its own reading is logged too)."""

    list_display = ("viewed_at", "username", "record", "referral", "view")
    list_filter = ("view", "viewed_at")
    search_fields = ("username", "record", "referral__child_reference")
    date_hierarchy = "viewed_at"
    list_select_related = ("referral",)

    def referral_of(self, obj):
        return obj.referral
