"""Who may do what with the panel's meetings and reports (django-rules).

These rules are the truth for the portal's pages. The model permissions that
``migrations/0002_roles.py`` grants to the role groups are for the Django admin only;
the rules are named apart from them (``panel.manage_meetings``, not
``panel.change_meeting``) so that neither answers for the other.
"""

import rules

from actions.roles import has_any_role, is_administrator


@rules.predicate
def is_panel_action_owner(user, panel_action) -> bool:
    return panel_action is not None and panel_action.owner_id == user.pk


rules.add_perm("panel.view_dashboard", has_any_role)
rules.add_perm("panel.read_meetings", has_any_role)
rules.add_perm("panel.manage_meetings", is_administrator)
rules.add_perm("panel.update_panel_action", is_administrator | is_panel_action_owner)
rules.add_perm("panel.read_reports", has_any_role)
rules.add_perm("panel.generate_report", is_administrator)
rules.add_perm("panel.see_reporting_completion", is_administrator)
# Django's own admin checks is_staff itself; the header links to it for staff administrators.
rules.add_perm("panel.use_django_admin", is_administrator & rules.is_staff)
