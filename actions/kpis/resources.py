"""django-import-export's export of KPI values in the Django admin, in the long import layout
(so an export can be edited and imported again on the portal's import page).

Exports go through ``core.exports.safe_cell``: a cell that a spreadsheet could
run as a formula is neutralised.
"""

from import_export import fields, resources

from actions.models import KPIValue
from core.exports import safe_cell

from .importing import LONG_COLUMNS


class KPIValueResource(resources.ModelResource):
    """Exports in the long import layout (so an export can be edited and imported again)."""

    kpi_code = fields.Field(attribute="kpi__code", column_name="kpi_code", readonly=True)

    class Meta:
        model = KPIValue
        fields = LONG_COLUMNS
        export_order = LONG_COLUMNS

    def get_queryset(self):
        # Other councils' figures are DfE's, re-imported from DfE's files; not in this layout.
        return (
            KPIValue.objects.exclude(area=KPIValue.Area.COUNCIL)
            .select_related("kpi")
            .order_by("kpi__code", "period_end", "area")
        )

    def export_resource(self, instance, selected_fields=None, **kwargs):
        return [safe_cell(value) for value in super().export_resource(instance, selected_fields, **kwargs)]
