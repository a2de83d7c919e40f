"""The portal's roles. Each is a Django group; its permissions are granted by migrations.

The names are stored in the database (auth.Group.name), so changing one needs a
migration that renames the group.
"""

from django.db import models


class Role(models.TextChoices):
    PANEL_MEMBER = "Panel member"
    SUBGROUP_LEAD = "Subgroup lead"
    PARTICIPATION_OFFICER = "Participation officer"
    IV_COORDINATOR = "IV coordinator"
    ADMINISTRATOR = "Administrator"


STAFF_ROLES = (
    Role.SUBGROUP_LEAD,
    Role.PARTICIPATION_OFFICER,
    Role.IV_COORDINATOR,
    Role.ADMINISTRATOR,
)


def user_roles(user) -> set[str]:
    """The role names the user holds, cached on the user object for the request."""
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_hcp_roles", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        if user.is_superuser:
            cached.add(Role.ADMINISTRATOR)
        user._hcp_roles = cached
    return cached


def has_role(user, *roles: str) -> bool:
    return bool(user_roles(user) & set(roles))
