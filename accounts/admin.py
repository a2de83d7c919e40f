"""Users in the Django admin with their two-factor state, and a recorded reset.

django-otp's own device admins are swapped for read-only lists: a device goes only
through the reset, which also ends the user's sessions.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db import models
from django.db.models import Exists, OuterRef
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.admin import ReadOnlyAdmin, SafeInitialAdmin

from . import mfa
from .models import SingleSignOnIdentity

User = get_user_model()


@admin.action(description="Reset two-factor sign-in (they set up a new app at next sign-in)")
def reset_two_factor(modeladmin, request, queryset):
    for user in queryset:
        mfa.mfa_reset(user=user, by=request.user)
    modeladmin.message_user(
        request, f"Two-factor sign-in reset for {queryset.count()} user(s).", level=messages.SUCCESS
    )


if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    list_display = (*UserAdmin.list_display, "two_factor")
    actions = [reset_two_factor]
    # A role is a group, so roles are ticked as checkboxes, with their names as labels: the
    # admin's two-list picker and its split date boxes fail axe (unlabelled inputs, ARIA
    # on a span). Access comes from roles only: no per-user permissions to pick, which would
    # grant admin rights that no role shows; the dates are for reading.
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Personal info", {"fields": ("first_name", "last_name", "email")}),
        ("Roles and access", {"fields": ("groups", "is_active", "is_staff", "is_superuser")}),
        ("Important dates", {"fields": ("last_login", "date_joined")}),
    )
    filter_horizontal = ()
    readonly_fields = ("last_login", "date_joined")
    formfield_overrides = {models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple}}

    def get_queryset(self, request):
        enrolled = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
        return super().get_queryset(request).annotate(has_app=Exists(enrolled))

    @admin.display(description="Two-factor app", boolean=True, ordering="has_app")
    def two_factor(self, obj):
        return obj.has_app


class ReadOnlyDeviceAdmin(ReadOnlyAdmin):
    list_display = ("user", "name", "confirmed", "created_at", "last_used_at")
    list_filter = ("confirmed",)
    search_fields = ("user__username",)
    list_select_related = ("user",)
    fields = ("user", "name", "confirmed", "created_at", "last_used_at")
    readonly_fields = fields


for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, ReadOnlyDeviceAdmin)


@admin.register(SingleSignOnIdentity)
class SingleSignOnIdentityAdmin(SafeInitialAdmin):
    """Which accounts sign in through the council's single sign-on. Adding one links an
    existing account (say, one that had a password) to the provider's subject; deleting
    one unlinks it."""

    list_display = ("user", "subject", "created_at", "last_sign_in_at")
    list_filter = ("created_at", "last_sign_in_at")
    search_fields = ("user__username", "user__email", "user__first_name", "user__last_name", "subject")
    autocomplete_fields = ("user",)
    readonly_fields = ("created_at", "last_sign_in_at")
    date_hierarchy = "created_at"
