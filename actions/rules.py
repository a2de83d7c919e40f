"""Who may read and change the delivery plan (django-rules).

Everyone with a role reads the whole plan. An action's progress (updates, milestones)
is written by its named lead and by administrators; only administrators create and
edit actions or load a plan from a spreadsheet. "My actions" is for the people who
lead actions: subgroup leads, and administrators (who may be named leads too).
"""

import rules

from .kpis import rules as kpi_rules  # noqa: F401  (registers the KPI pages' rules)
from .roles import has_any_role, is_administrator, is_subgroup_lead


@rules.predicate
def is_action_lead(user, action) -> bool:
    return action is not None and user.is_authenticated and action.lead_id == user.pk


can_view_plan = has_any_role
can_update_action = is_administrator | (has_any_role & is_action_lead)
can_manage_plan = is_administrator
can_see_my_actions = is_subgroup_lead | is_administrator

rules.add_perm("actions.view_plan", can_view_plan)
rules.add_perm("actions.update_action_progress", can_update_action)
rules.add_perm("actions.manage_plan", can_manage_plan)
rules.add_perm("actions.see_my_actions", can_see_my_actions)
