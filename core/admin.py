"""Django admin pieces every app shares."""

from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist, ValidationError


class ReadOnlyAdmin(admin.ModelAdmin):
    """A record of what happened (a log, a statement made): read here, never written."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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
