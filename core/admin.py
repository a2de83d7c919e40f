"""Django admin pieces every app shares."""

from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError


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
