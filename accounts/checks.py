"""Start-up checks of the single sign-on settings that need the portal's code to judge."""

from django.conf import settings
from django.core.checks import Error, register

from actions.roles import Role


@register()
def role_map_names_portal_roles(app_configs, **kwargs):
    unknown = sorted(set(settings.OIDC_ROLE_MAP.values()) - set(Role.values))
    if not unknown:
        return []
    return [
        Error(
            f"OIDC_ROLE_MAP names roles the portal does not have: {', '.join(unknown)}.",
            hint=f"Use these names: {', '.join(Role.values)}.",
            id="accounts.E001",
        )
    ]
