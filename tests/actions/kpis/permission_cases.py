"""The KPI pages for every role: everyone with a role reads KPIs; only administrators
(holders of actions.import_kpi_data) import."""

from datetime import date

from actions.models import KPI, NeighbourModelUpload
from tests.factories import KPIImportFactory, KPIValueFactory
from tests.permission_matrix import Case, expect, only

ADMIN_ONLY = only(("admin",))


def build_world(users):
    KPIValueFactory(kpi=KPI.objects.get(code="W01"), period_end=date(2025, 3, 31))
    # The lead owns W01: they and administrators write its commentary.
    KPI.objects.filter(code="W01").update(owner=users["lead"])
    upload = NeighbourModelUpload.objects.create(
        file_name="sn_model_2028_wide.csv", uploaded_by=users["admin"], councils=_HAVERING_ONLY
    )
    return {"kpi_import": KPIImportFactory(uploaded_by=users["admin"], state="done"), "upload": upload}


# A model's councils as an upload keeps them: enough for its preview page.
_HAVERING_ONLY = [["311", "Havering", "London", [[str(300 + n), "Close"] for n in range(1, 11)]]]


def _import(world):
    return [world["kpi_import"].pk]


CASES = [
    Case("kpi_list", expect(200)),
    Case("kpi_detail", expect(200), args=lambda world: ["W01"]),
    Case("kpi_export", expect(200)),
    Case("kpi_framework", expect(200)),
    Case("kpi_figures_export", ADMIN_ONLY),
    Case("kpi_detail", expect(200), args=lambda world: ["NF45"], id="GET kpi_detail published"),
    Case("kpi_import_list", ADMIN_ONLY),
    Case("kpi_import_new", ADMIN_ONLY),
    Case("kpi_import_template", ADMIN_ONLY),
    Case("kpi_import_detail", ADMIN_ONLY, args=_import),
    Case("kpi_import_status", ADMIN_ONLY, args=_import),
    # The commentary: the KPI's owner (here the lead) and administrators.
    Case("kpi_commentary", only(("lead", "admin")), args=lambda world: ["W01"]),
    Case(
        "kpi_commentary",
        only(("lead", "admin"), ok=302),
        args=lambda world: ["W01"],
        method="post",
        data=lambda world: {
            "period_end": "2025-03-31",
            "commentary": "Assessments caught up in March.",
            "corrective_action": "Weekly clinic until the backlog is cleared.",
        },
    ),
    Case("kpi_commentary", expect(404), args=lambda world: ["NOPE"], id="GET kpi_commentary unknown"),
    # A finished import cannot be confirmed: the administrator is sent back to it.
    Case("kpi_import_confirm", only(("admin",), ok=302), args=_import, method="post"),
    # DfE's statistical-neighbour models: reference data, loaded by administrators.
    Case("neighbour_model_list", ADMIN_ONLY),
    # Posting no file: the form's error, not a load.
    Case("neighbour_model_list", only(("admin",), ok=400), method="post"),
    Case("neighbour_model_preview", ADMIN_ONLY, args=lambda world: [world["upload"].pk]),
    Case(
        "neighbour_model_preview",
        only(("admin",), ok=400),
        args=lambda world: [world["upload"].pk],
        method="post",
        data=lambda world: {"in_force_from_0": "31", "in_force_from_1": "2", "in_force_from_2": "2028"},
        id="POST neighbour_model_preview (a date that does not exist)",
    ),
]
