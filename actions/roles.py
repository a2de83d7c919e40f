"""The portal's roles. Each is a Django group; its permissions are granted by migrations.

The names are stored in the database (auth.Group.name), so changing one needs a
migration that renames the group.
"""

import rules
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
        # django-rules' is_group_member keeps the user's group names here; sharing its
        # cache saves a query on every page that checks a rule and draws the menu.
        if not hasattr(user, "_group_names_cache"):
            user._group_names_cache = set(user.groups.values_list("name", flat=True))
        cached = set(user._group_names_cache)
        if user.is_superuser:
            cached.add(Role.ADMINISTRATOR)
        user._hcp_roles = cached
    return cached


def has_role(user, *roles: str) -> bool:
    return bool(user_roles(user) & set(roles))


# django-rules predicates for each role; each app's rules.py composes them with
# object-level predicates (``is_action_lead`` and the like).
is_panel_member = rules.is_group_member(Role.PANEL_MEMBER)
is_subgroup_lead = rules.is_group_member(Role.SUBGROUP_LEAD)
is_participation_officer = rules.is_group_member(Role.PARTICIPATION_OFFICER)
is_iv_coordinator = rules.is_group_member(Role.IV_COORDINATOR)
is_administrator = rules.is_superuser | rules.is_group_member(Role.ADMINISTRATOR)
has_any_role = (
    is_panel_member | is_subgroup_lead | is_participation_officer | is_iv_coordinator | is_administrator
)
