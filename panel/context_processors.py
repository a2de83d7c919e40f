from actions.roles import user_roles

from .navigation import admin_url, nav_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    match = getattr(request, "resolver_match", None)
    roles = sorted(user_roles(user))
    return {
        "nav_items": nav_for(user, match.view_name if match else ""),
        "nav_role_label": ", ".join(roles),
        "admin_url": admin_url(user),
    }
