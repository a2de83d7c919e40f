"""Helpers for data migrations: they take the historical ``apps`` registry."""

from django.contrib.auth.management import create_permissions


def grant_role_permissions(apps, role: str, perms: list[str]) -> None:
    """Add ``app_label.codename`` permissions to a role's group, creating the group.

    Django creates permissions after all migrations have run (post_migrate), so a data
    migration that grants them creates them first for the apps it names.
    """
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for app_label in {perm.split(".", 1)[0] for perm in perms}:
        app_config = apps.get_app_config(app_label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    group, _ = Group.objects.get_or_create(name=role)
    for perm in perms:
        app_label, codename = perm.split(".", 1)
        group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
