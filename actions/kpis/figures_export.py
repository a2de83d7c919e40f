"""Every stored figure, as analysts take it elsewhere: one row per figure with its area,
council, symbol and source (``manage.py export_kpi_figures`` and the administrators'
CSV download share this)."""

from collections.abc import Iterator

from actions.models import KPI, KPIValue

# Each column of the export, and the stored field it is read from.
FIELDS = {
    "kpi_code": "kpi__code",
    "period_end": "period_end",
    "area": "area",
    "la_code": "la_code",
    "value": "value",
    "numerator": "numerator",
    "denominator": "denominator",
    "symbol": "symbol",
    "source": "kpi__source",
}
HEADER = tuple(FIELDS)
# The areas' names in the export, where they differ from the stored ones.
AREA_NAMES = {
    KPIValue.Area.STAT_NEIGHBOURS: "stat_neighbours_mean",
    KPIValue.Area.STAT_NEIGHBOURS_MEDIAN: "stat_neighbours_median",
}


class UnknownCodes(ValueError):
    """Some codes asked for are not measures; the message names them."""


def figure_rows(*, codes: list[str] | None = None, source: str = "") -> Iterator[tuple]:
    """The figures of these measures (all when none), of one source (``dfe`` or ``local``)
    or both, by measure, period and area. Raises UnknownCodes before yielding anything."""
    wanted = sorted({code.strip().upper() for code in codes or [] if code.strip()})
    known = set(KPI.objects.filter(code__in=wanted).values_list("code", flat=True))
    if unknown := [code for code in wanted if code not in known]:
        raise UnknownCodes(f"No measure has the code {', '.join(unknown)}.")
    if source and source not in KPI.Source.values:
        raise UnknownCodes(f"The source is dfe or local, not “{source}”.")
    values = KPIValue.objects.all()
    if wanted:
        values = values.filter(kpi__code__in=wanted)
    if source:
        values = values.filter(kpi__source=source)
    return _rows(values)


def _rows(values) -> Iterator[tuple]:
    for row in (
        values.order_by("kpi__code", "period_end", "area", "la_code")
        .values_list(*FIELDS.values())
        .iterator(chunk_size=5000)
    ):
        code, period_end, area, la_code, value, numerator, denominator, symbol, source = row
        yield (
            code,
            period_end.isoformat(),
            AREA_NAMES.get(area, area),
            la_code,
            "" if value is None else format(value.normalize(), "f"),
            "" if numerator is None else numerator,
            "" if denominator is None else denominator,
            symbol,
            source,
        )
