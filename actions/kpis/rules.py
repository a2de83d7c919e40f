"""Who may do what with KPIs and their imports.

Everyone with a role reads KPIs. Only holders of ``actions.import_kpi_data`` (granted to
the Administrator role by a migration; superusers hold every permission) import data.
Panel members see small counts about children as "fewer than 5"; staff see them.
"""

import rules

from actions.roles import (
    has_any_role,
    is_administrator,
    is_iv_coordinator,
    is_participation_officer,
    is_subgroup_lead,
)

can_view_kpis = has_any_role
sees_small_numbers = is_subgroup_lead | is_participation_officer | is_iv_coordinator | is_administrator


@rules.predicate
def can_import_kpi_data(user) -> bool:
    return user.is_authenticated and user.has_perm("actions.import_kpi_data")
