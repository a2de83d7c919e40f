"""Who may read and change the delivery plan (django-rules).

Everyone with a role reads the whole plan. An action's progress (updates, milestones)
is written by its named lead and by administrators; only administrators create and
edit actions or load a plan from a spreadsheet. "My actions" is for the people who
lead actions: subgroup leads, and administrators (who may be named leads too).
"""

import rules

from .kpis import rules as kpi_rules  # noqa: F401  (registers the KPI pages' rules)
from .models import Action, ProgressUpdate
from .roles import has_any_role, is_administrator, is_participation_officer, is_subgroup_lead


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


# Easy-read words for young people: written by participation officers and by the lead of
# the action they describe; approved for the young people's page by participation officers.
@rules.predicate
def leads_action_of(user, subject) -> bool:
    """The user leads the action, or the action a progress update belongs to."""
    if isinstance(subject, ProgressUpdate):
        subject = subject.action
    return isinstance(subject, Action) and is_action_lead(user, subject)


can_approve_easy_read = is_participation_officer | is_administrator
can_write_easy_read = can_approve_easy_read | (is_subgroup_lead & leads_action_of)
can_see_easy_read_list = can_approve_easy_read | is_subgroup_lead

rules.add_perm("actions.approve_easy_read", can_approve_easy_read)
rules.add_perm("actions.write_easy_read", can_write_easy_read)
rules.add_perm("actions.see_easy_read", can_see_easy_read_list)
