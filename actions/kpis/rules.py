"""Who may do what with KPIs and their imports.

Everyone with a role reads KPIs. Only holders of ``actions.import_kpi_data`` (granted to
the Administrator role by a migration; superusers hold every permission) import data.
Panel members see small counts about children suppressed (core.disclosure); staff see them.
Figures for periods in an issued report are changed only by holders of
``actions.amend_locked_kpi_values`` (administrators), giving a reason. Administrators
load DfE's statistical-neighbour models.

The role checks go through ``actions.roles.has_role``, whose answer is cached on the
user for the request (the menu asks too).
"""

import rules

from actions.roles import STAFF_ROLES, Role, has_role, is_administrator


@rules.predicate
def can_view_kpis(user) -> bool:
    return has_role(user, *Role.values)


@rules.predicate
def sees_small_numbers(user) -> bool:
    """Staff see small counts about children as recorded, everywhere (measures, charts,
    participation headcounts, exports); panel members see them suppressed (core.disclosure).
    Pages ask ``allowed(user, "actions.see_small_numbers")`` and pass ``small_numbers=``."""
    return has_role(user, *STAFF_ROLES)


@rules.predicate
def can_import_kpi_data(user) -> bool:
    return user.is_authenticated and user.has_perm("actions.import_kpi_data")


@rules.predicate
def can_amend_locked_kpi_values(user) -> bool:
    """Change figures for periods in an issued report (giving a reason): administrators."""
    return user.is_authenticated and user.has_perm("actions.amend_locked_kpi_values")


@rules.predicate
def can_write_kpi_commentary(user, kpi) -> bool:
    """The KPI's named owner, or an administrator, writes its commentary for a period."""
    if not has_role(user, *Role.values):
        return False
    return (kpi is not None and kpi.owner_id == user.pk) or has_role(user, Role.ADMINISTRATOR)


# The views' rules; named apart from the model permissions above, which the Django admin reads.
rules.add_perm("actions.view_kpis", can_view_kpis)
rules.add_perm("actions.import_kpis", can_import_kpi_data)
rules.add_perm("actions.write_kpi_commentary", can_write_kpi_commentary)
# DfE's statistical-neighbour models are reference data: administrators load them.
rules.add_perm("actions.manage_neighbour_models", is_administrator)
rules.add_perm("actions.see_small_numbers", sees_small_numbers)
