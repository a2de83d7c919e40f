"""Who may do what with the panel's meetings and reports (django-rules)."""

import rules

from actions.roles import has_any_role, is_administrator


@rules.predicate
def is_panel_action_owner(user, panel_action) -> bool:
    return panel_action is not None and panel_action.owner_id == user.pk


rules.add_perm("panel.view_dashboard", has_any_role)
rules.add_perm("panel.view_meeting", has_any_role)
rules.add_perm("panel.add_meeting", is_administrator)
rules.add_perm("panel.change_meeting", is_administrator)
rules.add_perm("panel.change_panelaction", is_administrator | is_panel_action_owner)
rules.add_perm("panel.view_progressreport", has_any_role)
rules.add_perm("panel.generate_report", is_administrator)
