"""DfE's statistical-neighbour models, loaded from the files DfE publishes.

Two layouts are known: the 2025 model (``old_la_code, la_name, region_ind,
region_name, SN_1, SN_1P, …``) and the April 2021 groupings (``LA num, LA Name,
LA number, GOInd, GOReg, SN1, SNP, SN2, SNP, …``). Either way a council is named by its
LA number and followed by its ten neighbours, closest first, each with a closeness
label. The data migration loads both; ``load_neighbour_model`` loads the next one.
"""

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.apps import apps as live_apps
from django.conf import settings
from django.db import transaction

from .files import FileRefused, open_table

DATA = Path(__file__).resolve().parent.parent / "data" / "dfe"
PUBLISHED_MODELS = (
    (
        "DfE statistical neighbours, April 2021",
        date(2021, 3, 31),
        DATA / "New_Statistical_Neighbour_Groupings_April_2021.csv",
    ),
    ("DfE statistical neighbours, 2025", date(2025, 3, 31), DATA / "sn_model_2025_wide.csv"),
)
NEIGHBOURS = 10

_CODE_COLUMNS = ("old_la_code", "la num", "la_num", "la number")
_NAME_COLUMNS = ("la_name", "la name")
_REGION_COLUMNS = ("region_name", "goreg")
_NEIGHBOUR = re.compile(r"^sn_?(\d+)$")


class NeighbourFileError(ValueError):
    """The file is not a statistical-neighbour model we can read; the message says why."""


@dataclass(frozen=True)
class Council:
    code: str
    name: str
    region: str
    neighbours: tuple[tuple[str, str], ...]  # (LA number, closeness), closest first


def _find(header: list[str], names: tuple[str, ...]) -> int | None:
    return next((header.index(name) for name in names if name in header), None)


def _csv_rows(path: Path) -> list[list[str]]:
    """The file's rows, read by the KPI import's checked opener (UTF-8 or Windows-1252,
    no binary data, limits on size and cell length). Raises NeighbourFileError."""
    try:
        return [
            cells
            for _, cells in open_table(
                path, file_name=path.name, max_bytes=settings.KPI_IMPORT_MAX_BYTES
            ).rows
        ]
    except FileRefused as exc:
        raise NeighbourFileError(str(exc)) from exc


def looks_like_neighbour_model(path: Path) -> bool:
    """Does the file's header name neighbour columns (SN1, SN_1, …)? Then it is read as a
    model, and a model with something missing is refused by ``read_neighbour_file``
    saying what, rather than as figures in an unknown layout. A file that cannot be read
    is not one: the figures' import refuses it, saying why."""
    try:
        header = next(iter(_csv_rows(path)), [])
    except NeighbourFileError:
        return False
    return any(_NEIGHBOUR.match(cell.strip().lower()) for cell in header)


def model_for_file(file_name: str) -> tuple[str, date | None]:
    """The name and in-force date a published file gets: those the data migration used for
    DfE's two files; otherwise, when the file name says the year (sn_model_2028_wide.csv),
    periods ending from 31 March of that year, as for the published ones. The date is None
    when the name does not say it."""
    for name, in_force_from, path in PUBLISHED_MODELS:
        if path.name == file_name:
            return name, in_force_from
    years = re.findall(r"(?<!\d)(20\d\d)(?!\d)", file_name)
    if years:
        return f"DfE statistical neighbours, {years[-1]}", date(int(years[-1]), 3, 31)
    return "", None


def read_neighbour_file(path: Path) -> list[Council]:
    """Every council of a model file. Raises NeighbourFileError."""
    rows = _csv_rows(path)
    if not rows:
        raise NeighbourFileError("The file is empty.")
    header = [cell.strip().lower() for cell in rows[0]]
    code_at, name_at = _find(header, _CODE_COLUMNS), _find(header, _NAME_COLUMNS)
    region_at = _find(header, _REGION_COLUMNS)
    # Each neighbour column is followed by its closeness label (SNP or SN_kP).
    neighbour_at = {int(m.group(1)): i for i, name in enumerate(header) if (m := _NEIGHBOUR.match(name))}
    if code_at is None or name_at is None or sorted(neighbour_at) != list(range(1, NEIGHBOURS + 1)):
        raise NeighbourFileError(
            "This is not a statistical-neighbour model: it needs an LA number column (old_la_code or "
            f"LA num), la_name, and SN_1 to SN_{NEIGHBOURS}. Its columns: {', '.join(rows[0])}."
        )
    councils = []
    for number, row in enumerate(rows[1:], start=2):
        cells = [cell.strip() for cell in row] + [""] * len(header)
        code = cells[code_at]
        if not code:  # a blank row, or a heading such as the 2021 file's "Old SNs:"
            continue
        neighbours = tuple(
            (cells[neighbour_at[k]], cells[neighbour_at[k] + 1]) for k in range(1, NEIGHBOURS + 1)
        )
        if not (code.isdigit() and all(n.isdigit() for n, _ in neighbours)):
            raise NeighbourFileError(f"Row {number}: an LA number is not a number ({', '.join(row[:3])}…).")
        region = cells[region_at] if region_at is not None else ""
        council = Council(code, cells[name_at], region, neighbours)
        try:
            council_check(council)
        except NeighbourFileError as exc:
            raise NeighbourFileError(f"Row {number}: {exc}") from None
        councils.append(council)
    return councils


def council_check(council: Council) -> None:
    """Refuse a council whose neighbours include itself (NeighbourFileError): its own figure
    would be averaged in with its neighbours'."""
    if any(code == council.code for code, _ in council.neighbours):
        raise NeighbourFileError(f"{council.name} (LA number {council.code}) is listed as its own neighbour.")


def load_neighbour_model(*, path: Path, name: str, in_force_from: date, file_name: str = "", apps=live_apps):
    """Create (or replace) a model and its councils' neighbours, and name every council
    it mentions (by the latest model's names). Loading the same file again changes
    nothing. ``file_name`` is the file's own name when ``path`` is where an upload was
    stored. Raises NeighbourFileError."""
    LocalAuthority = apps.get_model("actions", "LocalAuthority")
    NeighbourModel = apps.get_model("actions", "NeighbourModel")
    StatisticalNeighbour = apps.get_model("actions", "StatisticalNeighbour")
    councils = read_neighbour_file(path)
    with transaction.atomic():
        model, _ = NeighbourModel.objects.update_or_create(
            name=name, defaults={"in_force_from": in_force_from, "source_file": file_name or path.name}
        )
        model.neighbours.all().delete()
        StatisticalNeighbour.objects.bulk_create(
            StatisticalNeighbour(
                model=model, la_code=council.code, neighbour_code=code, position=position, closeness=closeness
            )
            for council in councils
            for position, (code, closeness) in enumerate(council.neighbours, start=1)
        )
        known = set(LocalAuthority.objects.values_list("code", flat=True))
        # Councils go by the names of the latest model: loading an older one again
        # must not bring back names DfE has since changed ("Bedford Borough").
        latest = not NeighbourModel.objects.filter(in_force_from__gt=in_force_from).exists()
        for council in councils:
            if council.code in known:
                if latest:
                    LocalAuthority.objects.filter(code=council.code).update(name=council.name)
            else:
                LocalAuthority.objects.create(code=council.code, name=council.name, region=council.region)
    return model
