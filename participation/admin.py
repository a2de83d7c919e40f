from django.contrib import admin

from .models import ParticipationGroup


@admin.register(ParticipationGroup)
class ParticipationGroupAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "facilitator", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "purpose")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("facilitator",)
    list_select_related = ("facilitator",)
