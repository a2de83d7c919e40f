"""Django admin pieces every app shares."""

from django import forms
from django.contrib import admin
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.utils import timezone

from .versioning import EditConflict, VersionField, bump, check_version, take_current_version


class ReadOnlyAdmin(admin.ModelAdmin):
    """A record of what happened (a log, a statement made): read here, never written."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class WrittenThroughServices:
    """For a record whose rules live in a service (``services.py``): the admin shows it, and
    the portal's pages, which call the service, add and change it. A ModelAdmin would save
    the form's fields with none of those rules; so nothing here adds or changes one, and
    ``save_model`` refuses even a path that skips the permissions (django-simple-history's
    "Revert" form saves with view permission alone). Mix in before the admin class; works
    for inlines too."""

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        raise PermissionDenied

    def save_formset(self, request, form, formset, change):
        raise PermissionDenied


class SafeInitialAdmin(admin.ModelAdmin):
    """Leaves out a pre-filled related record (``?lead=NaN`` on an add page) whose key is not
    a valid one: Django's autocomplete widget would look it up and fail with a server error.
    Every admin with ``autocomplete_fields`` uses this (tests/security/test_admin_initial.py)."""

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        for name, value in list(initial.items()):
            try:
                field = self.model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if not field.is_relation or field.target_field is None:
                continue
            target = field.target_field
            try:
                for key in value if isinstance(value, list) else [value]:
                    target.run_validators(target.to_python(key))
            except (ValidationError, TypeError, ValueError):
                del initial[name]
        return initial


class VersionedAdminForm(forms.ModelForm):
    """Mixed into a versioned model's admin form by ``VersionedAdmin``."""

    version = VersionField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.locked_version = None
        if self.instance.pk is not None:
            self.initial.setdefault("version", self.instance.version)

    def clean(self):
        """Lock the record (the admin saves in one transaction) and refuse a stale save."""
        cleaned = super().clean()
        if self.instance.pk is None:
            return cleaned
        model = type(self.instance)
        current = model.objects.select_for_update().only("version").get(pk=self.instance.pk)
        self.locked_version = current.version
        read = cleaned.get("version")
        try:
            check_version(
                current,
                read,
                noun=model._meta.verbose_name,
                changes=lambda: _admin_changes(current, since=read),
            )
        except EditConflict as conflict:
            take_current_version(self, conflict)
            raise
        return cleaned


class VersionedAdmin(admin.ModelAdmin):
    """A change form that refuses to save over someone else's change (``core.versioning``).

    The model has a ``version``; the form carries the version it was drawn at in a hidden
    field. A record changed meanwhile is refused with who changed it, when and what (from
    the admin's own history of the record); the form keeps what the user typed and takes
    the new version, so that a second save, after reading, goes through."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        # The version is the form's own field, not one the model's form may edit.
        fields = kwargs.get("fields") or flatten_fieldsets(self.get_fieldsets(request, obj))
        kwargs["fields"] = [name for name in fields if name != "version"]
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (VersionedAdminForm, form), {})

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or any("version" in options["fields"] for _, options in fieldsets):
            return fieldsets
        (name, options), *rest = fieldsets
        return [(name, {**options, "fields": [*options["fields"], "version"]}), *rest]

    def save_model(self, request, obj, form, change):
        if change:
            obj.version = form.locked_version  # as locked in the form's clean
            bump(obj)
        super().save_model(request, obj, form, change)


def _admin_changes(record, *, since: int):
    """Who last changed ``record`` in the admin, when, and a line per admin change since
    version ``since`` (each admin save raises the version by one)."""
    entries = list(
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(record, for_concrete_model=False),
            object_id=str(record.pk),
            action_flag=CHANGE,
        )
        .select_related("user")
        .order_by("-action_time")[: max(record.version - since, 1)]
    )
    if not entries:
        return "", timezone.now(), []
    name = lambda user: user.get_full_name() or user.get_username()  # noqa: E731
    lines = [
        f"{timezone.localtime(entry.action_time):%H:%M} {name(entry.user)}: {entry.get_change_message()}"
        for entry in reversed(entries)
    ]
    return name(entries[0].user), entries[0].action_time, lines
