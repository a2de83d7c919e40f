"""Reading a CSV from Explore Education Statistics as DfE publishes it.

Which rows make which KPI's figure is data (``DfEMapping``). For every area and year,
the row whose filter columns hold a mapping's ``numerator_filters`` gives the figure
(its count, and its percentage or rate) and the row with ``denominator_filters``
gives the denominator. Areas: the council's own row (``OWN_LA_CODE``) is Havering's
figure, ``National`` is England, the ``Regional`` row ``OWN_REGION_CODE`` is London,
and every other council's row is kept for benchmarking (area "council", by its LA
number). A symbol instead of a number (c, z, k, x, :, ~, low, u) is staged as "not published".

Havering's statistical-neighbour figure is then worked out from the same file: the mean
of its neighbours' published figures, under the model in force for the period, saying
which model and how many of the ten neighbours it took.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from statistics import fmean, median
from typing import NamedTuple

from django.conf import settings

from actions.models import KPI, DfEMapping, KPIValue, NeighbourModel, StatisticalNeighbour

from .cells import SYMBOLS, dfe_period, shown
from .checking import BAD, DFE, DFE_STANDARD, PROGRESS_EVERY, Checker, KPIRef, PeriodRef

AREA = KPIValue.Area


class Part(NamedTuple):
    """A row that gives part of a figure."""

    row: int
    cells: list


class Slot(NamedTuple):
    """Which figure a row belongs to: a placed mapping (by index), DfE's period cells and an area."""

    mapping: int
    period: tuple[str, str]
    area: str
    la_code: str


@dataclass(frozen=True)
class PlacedMapping:
    """A DfE mapping placed on this file's columns: where its filter columns are, the
    values that pick the figure's row and its denominator's, and where the count and value are."""

    kpi: KPIRef
    filter_at: tuple[int, ...]
    numerator_key: tuple[frozenset[str], ...]
    denominator_key: tuple[frozenset[str], ...] | None
    count_at: int | None
    value_at: int | None

    def role(self, cells: list) -> int | None:
        """0 for a row that gives the figure, 1 for its denominator's, else None."""
        key = [cells[i].strip().lower() for i in self.filter_at]
        if all(cell in allowed for cell, allowed in zip(key, self.numerator_key, strict=True)):
            return 0
        if self.denominator_key is not None and all(
            cell in allowed for cell, allowed in zip(key, self.denominator_key, strict=True)
        ):
            return 1
        return None


def _first(names: list[str], wanted: list[str]) -> int | None:
    return next((names.index(name) for name in wanted if name in names), None)


def _choices(text) -> frozenset[str]:
    """A filter value, or the ways DfE has worded it ("17 to 18 years|Aged 17 to 18")."""
    return frozenset(part.strip().lower() for part in str(text).split("|"))


def _filters(filters: dict, names: list[str]) -> dict[int, frozenset[str]] | None:
    """The filters on this file's columns (a key may name the column's older names after a
    "|"), or None when the file lacks one of them."""
    placed = {}
    for key, value in filters.items():
        at = _first(names, [name.strip().lower() for name in key.split("|")])
        if at is None:
            return None
        placed[at] = _choices(value)
    return placed


def _place(mapping: DfEMapping, kpi: KPIRef, names: list[str]) -> PlacedMapping | None:
    """The mapping on these columns, or None when the file lacks one it needs."""
    numerator = _filters(mapping.numerator_filters, names)
    changes = _filters(mapping.denominator_filters, names)
    if numerator is None or changes is None:
        return None
    count_at = _first(names, DfEMapping.names(mapping.count_columns))
    value_at = _first(names, DfEMapping.names(mapping.value_columns))
    if mapping.count_columns.strip() and count_at is None:
        return None
    if mapping.value_columns.strip() and value_at is None:
        return None
    if count_at is None and value_at is None:
        return None
    columns = sorted(set(numerator) | set(changes))
    denominator = {**numerator, **changes}
    anything = frozenset({""})
    return PlacedMapping(
        kpi=kpi,
        filter_at=tuple(columns),
        numerator_key=tuple(numerator.get(at, anything) for at in columns),
        denominator_key=tuple(denominator.get(at, anything) for at in columns) if changes else None,
        count_at=count_at,
        value_at=value_at,
    )


class DfEChecker(Checker):
    def check(self, header_row: int, header: list, names: list[str]) -> None:
        self.header_row = header_row
        self.result.layout = DFE
        self.names = names
        self.header = [str(cell).lstrip("\ufeff") for cell in header]
        self.at = {name: names.index(name) for name in names if name}
        placed = self.placed_mappings(names)
        if not placed:
            self.refuse("No mapping takes this file")
            return
        parts = self.collect(placed)
        if self.result.error_count or not self.result.rows_read:
            return
        council = self.build(placed, parts)
        if not self.result.figures:
            self.refuse("No row of this file is one that a mapping takes")
            return
        self.neighbour_figures(council)

    def refuse(self, opening: str) -> None:
        filters = [name for name in self.header if name.strip().lower() not in DFE_STANDARD][:12]
        self.result.not_recognised = filters
        self.result.add_error(
            self.header_row,
            "",
            f"{opening}: this DfE file is not recognised. Its filter and figure columns are: "
            f"{', '.join(filters) or 'none'}. An administrator can start a mapping for it "
            "(DfE file mappings, Add) naming the filter values of the rows that give a figure.",
        )

    def placed_mappings(self, names: list[str]) -> list[PlacedMapping]:
        mappings = (
            DfEMapping.objects.filter(is_active=True, kpi__source=KPI.Source.DFE)
            .select_related("kpi")
            .order_by("pk")
        )
        placed = []
        for mapping in mappings:
            kpi = KPIRef(mapping.kpi.pk, mapping.kpi.unit, mapping.kpi.is_derived, mapping.kpi.code)
            if on_columns := _place(mapping, kpi, names):
                placed.append(on_columns)
        return placed

    def where(self, cells: list) -> tuple[str, str] | None:
        """The row's area and (for another council) LA number, or None for a row of
        another geography (Inner London, a local authority district…)."""
        level = cells[self.at["geographic_level"]].strip().lower()
        if level == "national":
            return AREA.ENGLAND, ""
        if level == "regional":
            at = self.at.get("region_code")
            region = cells[at].strip() if at is not None else ""
            if region == settings.OWN_REGION_CODE:
                return AREA.LONDON, ""
            return (AREA.OUTER_LONDON, "") if region == settings.OWN_SUBREGION_CODE else None
        if level != "local authority":
            return None
        code = cells[self.at["old_la_code"]].strip() if "old_la_code" in self.at else ""
        new_code = cells[self.at["new_la_code"]].strip() if "new_la_code" in self.at else ""
        if code == settings.OWN_LA_CODE or (new_code and new_code == settings.OWN_LA_NEW_CODE):
            return AREA.HAVERING, ""
        # Councils that share a service have one row ("314 / 318") in some files: it is
        # each one's figure.
        return (AREA.COUNCIL, code) if code else None

    def places(self, cells: list) -> list[tuple[str, str]]:
        """Every area and LA number the row gives a figure for."""
        where = self.where(cells)
        if where is None:
            return []
        area, code = where
        if "/" not in code:
            return [where]
        codes = [part.strip() for part in code.split("/")]
        if settings.OWN_LA_CODE in codes:
            return [(AREA.HAVERING, "")] + [(area, other) for other in codes if other != settings.OWN_LA_CODE]
        return [(area, other) for other in codes if len(other) == 3 and other.isdigit()]

    def collect(self, placed: list[PlacedMapping]) -> dict[Slot, list]:
        """The rows each figure is made of, by slot: [figure's row, denominator's row]."""
        i_identifier, i_period = self.at["time_identifier"], self.at["time_period"]
        width = len(self.names)
        parts: dict[Slot, list] = {}
        rows = 0
        for number, cells in self.table.rows:
            if len(cells) < width:
                cells = list(cells) + [""] * (width - len(cells))
            rows += 1
            if rows % PROGRESS_EVERY == 0:
                self.tick(rows)
            places = self.places(cells)
            if not places:
                continue
            for index, mapping in enumerate(placed):
                role = mapping.role(cells)
                if role is None:
                    continue
                for where in places:
                    slot = Slot(index, (cells[i_identifier], cells[i_period]), *where)
                    pair = parts.setdefault(slot, [None, None])
                    if pair[role] is not None:
                        self.result.add_error(
                            number,
                            "",
                            f"This row repeats row {pair[role].row} (the same area, year and filters).",
                        )
                    pair[role] = Part(number, cells)
        self.result.rows_read = rows
        return parts

    def label(self, at: int | None) -> str:
        return self.column(at, self.names[at]) if at is not None else ""

    def period_of(self, part: Part) -> PeriodRef | None:
        cells = part.cells
        cell = f"{cells[self.at['time_identifier']]} {cells[self.at['time_period']]}"
        found = self.periods.get(cell)
        if found is None:
            try:
                day = dfe_period(cells[self.at["time_identifier"]], cells[self.at["time_period"]])
                found = PeriodRef(day, day.toordinal(), day.isoformat())
            except ValueError:
                found = BAD
            self.periods[cell] = found
            if found is not BAD:
                self.periods.remember(found.day)
        if found is BAD:
            self.result.add_error(
                part.row,
                self.label(self.at["time_period"]),
                f"“{shown(cell)}” is not a period DfE publishes "
                "(a reporting, financial, academic or calendar year).",
            )
            return None
        return (
            self.period(part.row, self.label(self.at["time_period"]), cell)
            if found.day > self.today
            else found
        )

    def symbol_or_count(self, part: Part | None, at: int | None) -> tuple[int | None, str]:
        if part is None or at is None:
            return None, ""
        cell = part.cells[at].strip()
        if cell in SYMBOLS:
            return None, cell
        return self.count(part.row, self.label(at), cell), ""

    def build(self, placed: list[PlacedMapping], parts: dict[Slot, list]) -> dict:
        """Stage each figure; returns the other councils' published figures by KPI and period."""
        council = defaultdict(dict)
        for slot, (figure, base) in parts.items():
            if figure is None:
                continue  # a denominator without its figure
            mapping = placed[slot.mapping]
            period = self.period_of(figure)
            numerator, _ = self.symbol_or_count(figure, mapping.count_at)
            denominator, _ = self.symbol_or_count(base, mapping.count_at)
            at = mapping.value_at if mapping.value_at is not None else mapping.count_at
            cell = figure.cells[at].strip()
            symbol = cell if cell in SYMBOLS else ""
            value = None
            if not symbol:
                value = self.value(figure.row, self.label(at), mapping.kpi, cell, (numerator, denominator))
                if value is None:
                    continue
            if mapping.value_at is None:
                numerator = denominator = None
            if period is None or self.derived(figure.row, self.label(at), mapping.kpi, slot.area):
                continue
            self.stage(
                figure.row,
                self.label(at),
                mapping.kpi,
                period,
                slot.area,
                la_code=slot.la_code,
                value=value,
                numerator=numerator,
                denominator=denominator,
                symbol=symbol,
            )
            if slot.area == AREA.COUNCIL and value is not None:
                council[(mapping.kpi, period)][slot.la_code] = (Decimal(value), figure.row)
        return council

    def neighbour_figures(self, council: dict) -> None:
        """Stage the median of Havering's statistical neighbours' published figures (as DfE's
        dashboard shows it) and their mean (as LAIT does), for each KPI and period the file
        gives other councils' figures for, under the model in force for the period."""
        models = list(NeighbourModel.objects.order_by("-in_force_from"))
        sets = defaultdict(list)
        for model_id, code in (
            StatisticalNeighbour.objects.filter(la_code=settings.OWN_LA_CODE)
            .order_by("position")
            .values_list("model_id", "neighbour_code")
        ):
            sets[model_id].append(code)
        for (kpi, period), figures in council.items():
            model = next((model for model in models if model.in_force_from <= period.day), None)
            if model is None or not sets[model.pk]:
                continue
            neighbours = sets[model.pk]
            found = [figures[code] for code in neighbours if code in figures]
            if not found:
                continue
            values = [value for value, _ in found]
            first = min(row for _, row in found)
            taken = f"{len(found)} of {len(neighbours)} statistical neighbours ({model.name})"
            for area, figure, word in (
                (AREA.STAT_NEIGHBOURS_MEDIAN, median(values), "Median"),
                (AREA.STAT_NEIGHBOURS, Decimal(f"{fmean(float(value) for value in values):.1f}"), "Mean"),
            ):
                self.stage(
                    first,
                    "",
                    kpi,
                    period,
                    area,
                    value=format(figure.normalize(), "f"),
                    numerator=None,
                    denominator=None,
                    note=f"{word} of {taken}",
                )
