"""The KPI pages for every role: everyone with a role reads KPIs; only administrators
(holders of actions.import_kpi_data) import."""

from datetime import date

from actions.models import KPI
from tests.factories import KPIImportFactory, KPIValueFactory
from tests.permission_matrix import Case, expect, only

ADMIN_ONLY = only(("admin",))


def build_world(users):
    KPIValueFactory(kpi=KPI.objects.get(code="W01"), period_end=date(2025, 3, 31))
    return {"kpi_import": KPIImportFactory(uploaded_by=users["admin"], state="done")}


def _import(world):
    return [world["kpi_import"].pk]


CASES = [
    Case("kpi_list", expect(200)),
    Case("kpi_detail", expect(200), args=lambda world: ["W01"]),
    Case("kpi_export", expect(200)),
    Case("kpi_import_list", ADMIN_ONLY),
    Case("kpi_import_new", ADMIN_ONLY),
    Case("kpi_import_template", ADMIN_ONLY),
    Case("kpi_import_detail", ADMIN_ONLY, args=_import),
    Case("kpi_import_status", ADMIN_ONLY, args=_import),
    # A finished import cannot be confirmed: the administrator is sent back to it.
    Case("kpi_import_confirm", only(("admin",), ok=302), args=_import, method="post"),
]
