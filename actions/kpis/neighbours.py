"""DfE's statistical-neighbour models, loaded from the files DfE publishes.

Two layouts are known: the 2025 model (``old_la_code, la_name, region_ind,
region_name, SN_1, SN_1P, …``) and the April 2021 groupings' (``LA num, LA Name,
LA number, GOInd, GOReg, SN1, SNP, SN2, SNP, …``). Either way a council is named by its
LA number and followed by its ten neighbours, closest first, each with a closeness
label. The data migration loads both. Administrators load the next one on the
statistical-neighbour models page: ``neighbour_model_upload`` checks the file and keeps
what it read for a preview, ``neighbour_model_confirm`` loads it (the command line calls
``load_neighbour_model``). Figures' imports do not take these files.
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from django.apps import apps as live_apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from actions.models import LocalAuthority, NeighbourModel, NeighbourModelUpload, StatisticalNeighbour
from core.formatting import uk_date

from .files import CSV, FileRefused, describe_size, kind_for, open_table, open_upload

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
# DfE's files are about 30 kB; anything much bigger is not one.
MAX_BYTES = 1_000_000
# Previews nobody confirmed are deleted when the next file is uploaded after this long.
PREVIEW_LIFETIME = timedelta(days=2)

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
    """The file's rows, read by the hardened opener (UTF-8 or Windows-1252, no binary
    data, limits on size and cell length). Raises NeighbourFileError."""
    try:
        return [cells for _, cells in open_table(path, file_name=path.name, max_bytes=MAX_BYTES).rows]
    except FileRefused as exc:
        raise NeighbourFileError(str(exc)) from exc


def looks_like_neighbour_model(path: Path) -> bool:
    """Does the file's header name neighbour columns (SN1, SN_1, …)? The figures' import
    then refuses it, pointing to the models' page. A file that cannot be read is not one:
    the figures' import refuses it, saying why."""
    try:
        table = open_table(path, file_name=path.name, max_bytes=settings.KPI_IMPORT_MAX_BYTES)
        header = next(iter(table.rows), (0, []))[1]
    except FileRefused:
        return False
    return any(_NEIGHBOUR.match(str(cell).strip().lower()) for cell in header)


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
    """Every council of a model file, checked (``councils_from_rows``). Raises NeighbourFileError."""
    return councils_from_rows(_csv_rows(path))


@dataclass(frozen=True)
class _Columns:
    """Where a model file keeps each thing: its header read once."""

    code: int
    name: int
    region: int | None
    neighbours: dict[int, int]  # k (1 to 10): the column of the k-th neighbour; its closeness follows

    @classmethod
    def read(cls, first_row: list[str]) -> "_Columns":
        header = [cell.strip().lower() for cell in first_row]
        code_at, name_at = _find(header, _CODE_COLUMNS), _find(header, _NAME_COLUMNS)
        # Each neighbour column is followed by its closeness label (SNP or SN_kP).
        neighbour_at = {int(m.group(1)): i for i, name in enumerate(header) if (m := _NEIGHBOUR.match(name))}
        if code_at is None or name_at is None or sorted(neighbour_at) != list(range(1, NEIGHBOURS + 1)):
            raise NeighbourFileError(
                "This is not a statistical-neighbour model: it needs an LA number column (old_la_code or "
                f"LA num), la_name, and SN_1 to SN_{NEIGHBOURS}. Its columns: {', '.join(first_row)}."
            )
        return cls(code_at, name_at, _find(header, _REGION_COLUMNS), neighbour_at)

    def council(self, number: int, row: list[str], width: int) -> Council | None:
        """Row ``number``'s council, checked; None for a row with no LA number (a blank row,
        or a heading such as the 2021 file's "Old SNs:")."""
        cells = [cell.strip() for cell in row] + [""] * width
        code = cells[self.code]
        if not code:
            return None
        neighbours = tuple(
            (cells[self.neighbours[k]], cells[self.neighbours[k] + 1]) for k in range(1, NEIGHBOURS + 1)
        )
        given = sum(1 for n, _ in neighbours if n)
        if given < NEIGHBOURS:
            who = cells[self.name] or code
            raise NeighbourFileError(
                f"Row {number}: {who} has {given} neighbours; each council needs {NEIGHBOURS}."
            )
        if not (code.isdigit() and all(n.isdigit() for n, _ in neighbours)):
            raise NeighbourFileError(f"Row {number}: an LA number is not a number ({', '.join(row[:3])}…).")
        region = cells[self.region] if self.region is not None else ""
        council = Council(code, cells[self.name], region, neighbours)
        try:
            council_check(council)
        except NeighbourFileError as exc:
            raise NeighbourFileError(f"Row {number}: {exc}") from None
        return council


def councils_from_rows(rows: list[list[str]]) -> list[Council]:
    """Every council of a model's rows, each with its ten neighbours; refused
    (NeighbourFileError, saying what and where) unless Havering is among them and every
    neighbour is a council of the file. Raises NeighbourFileError."""
    if not rows:
        raise NeighbourFileError("The file is empty.")
    columns = _Columns.read(rows[0])
    found = (columns.council(number, row, len(rows[0])) for number, row in enumerate(rows[1:], start=2))
    councils = [council for council in found if council is not None]
    _model_check(councils)
    return councils


def council_check(council: Council) -> None:
    """Refuse a council whose neighbours include itself (NeighbourFileError): its own figure
    would be averaged in with its neighbours'."""
    if any(code == council.code for code, _ in council.neighbours):
        raise NeighbourFileError(f"{council.name} (LA number {council.code}) is listed as its own neighbour.")


def _model_check(councils: list[Council]) -> None:
    """Havering must be in the model, and every neighbour a council of it: an unknown LA
    number would be a neighbour with no name and no figures."""
    codes = {council.code for council in councils}
    if settings.OWN_LA_CODE not in codes:
        raise NeighbourFileError(f"Havering (LA number {settings.OWN_LA_CODE}) is not in it.")
    unknown = sorted({code for council in councils for code, _ in council.neighbours} - codes)
    if unknown:
        raise NeighbourFileError(
            f"Some neighbours' LA numbers are not councils of the file: {', '.join(unknown[:10])}"
            + (f" and {len(unknown) - 10} more." if len(unknown) > 10 else ".")
        )


def load_neighbour_model(*, path: Path, name: str, in_force_from: date, apps=live_apps):
    """Create (or replace) a model from a file on disk (the command line, the data
    migration). Raises NeighbourFileError."""
    return save_neighbour_model(
        councils=read_neighbour_file(path),
        name=name,
        in_force_from=in_force_from,
        file_name=path.name,
        apps=apps,
    )


def save_neighbour_model(
    *, councils: list[Council], name: str, in_force_from: date, file_name: str, user=None, apps=live_apps
):
    """Create (or replace) a model and its councils' neighbours, and name every council
    it mentions (by the latest model's names). Loading the same file again changes
    nothing but who loaded it and when."""
    authorities = apps.get_model("actions", "LocalAuthority").objects
    models = apps.get_model("actions", "NeighbourModel").objects
    neighbours = apps.get_model("actions", "StatisticalNeighbour")
    with transaction.atomic():
        # The data migration's historical model has no loaded_by.
        loaded = {"loaded_at": timezone.now(), "loaded_by": user} if user is not None else {}
        model, _ = models.update_or_create(
            name=name, defaults={"in_force_from": in_force_from, "source_file": file_name[:200], **loaded}
        )
        model.neighbours.all().delete()
        neighbours.objects.bulk_create(
            neighbours(
                model=model, la_code=council.code, neighbour_code=code, position=position, closeness=closeness
            )
            for council in councils
            for position, (code, closeness) in enumerate(council.neighbours, start=1)
        )
        known = set(authorities.values_list("code", flat=True))
        # Councils go by the names of the latest model: loading an older one again
        # must not bring back names DfE has since changed ("Bedford Borough").
        latest = not models.filter(in_force_from__gt=in_force_from).exists()
        for council in councils:
            if council.code in known:
                if latest:
                    authorities.filter(code=council.code).update(name=council.name)
            else:
                authorities.create(code=council.code, name=council.name, region=council.region)
    return model


# --- the models' page ----------------------------------------------------------------------------


def neighbour_model_upload(*, user, file: UploadedFile) -> NeighbourModelUpload:
    """Check an uploaded model and keep what it read for the preview (nothing is loaded
    yet). Raises ValidationError on ``file`` saying what is wrong; nothing is kept then.
    Previews nobody confirmed are deleted after ``PREVIEW_LIFETIME``."""
    file_name = Path(file.name or "upload.csv").name[:255]
    try:
        if kind_for(file_name) != CSV:
            raise FileRefused(f"“{file_name}” is not a CSV file: DfE publishes its models as .csv files.")
        if file.size > MAX_BYTES:
            raise FileRefused(
                f"The file is {describe_size(file.size)}; a statistical-neighbour model is about 30 kB "
                f"and the limit is {describe_size(MAX_BYTES)}. Is it the right file?"
            )
        with open_upload(file, max_bytes=MAX_BYTES) as table:
            councils = councils_from_rows([cells for _, cells in table.rows])
    except (FileRefused, NeighbourFileError) as exc:
        raise ValidationError({"file": f"This file was not loaded: {exc}"}) from exc
    with transaction.atomic():
        NeighbourModelUpload.objects.filter(created_at__lt=timezone.now() - PREVIEW_LIFETIME).delete()
        return NeighbourModelUpload.objects.create(
            file_name=file_name,
            uploaded_by=user,
            councils=[[c.code, c.name, c.region, [list(n) for n in c.neighbours]] for c in councils],
        )


def upload_councils(upload: NeighbourModelUpload) -> list[Council]:
    """The councils an upload keeps, as ``councils_from_rows`` read them."""
    return [
        Council(code, name, region, tuple(tuple(n) for n in neighbours))
        for code, name, region, neighbours in upload.councils
    ]


def neighbour_model_confirm(*, upload: NeighbourModelUpload, user, in_force_from: date) -> NeighbourModel:
    """Load a previewed model for periods ending from ``in_force_from``: a new model, or
    the one already in force from that date replaced. The upload is then deleted.
    Raises ValidationError (confirming twice, a name already used from another date)."""
    with transaction.atomic():
        upload = NeighbourModelUpload.objects.select_for_update().filter(pk=upload.pk).first()
        if upload is None:
            raise ValidationError("This file has already been loaded or was discarded: upload it again.")
        naming = model_naming(upload.file_name, in_force_from)
        if NeighbourModel.objects.filter(name=naming.name).exclude(in_force_from=in_force_from).exists():
            raise ValidationError(
                {"in_force_from": f"A model named “{naming.name}” is already in force from another date."}
            )
        model = save_neighbour_model(
            councils=upload_councils(upload),
            name=naming.name,
            in_force_from=in_force_from,
            file_name=upload.file_name,
            user=user,
        )
        upload.delete()
    return model


@dataclass(frozen=True)
class Naming:
    name: str
    replaces: NeighbourModel | None  # the model already in force from that date


def model_naming(file_name: str, in_force_from: date) -> Naming:
    """The model's name: that of the model already in force from that date (so loading a
    file again replaces it in place), else one from the file name or the date."""
    name, derived = model_for_file(file_name)
    existing = NeighbourModel.objects.filter(in_force_from=in_force_from).first()
    if existing is not None:
        name = existing.name
    elif not name or in_force_from != derived:
        name = f"DfE statistical neighbours, {uk_date(in_force_from)}"
    return Naming(name, existing)


# --- reading them ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoadedModel:
    model: NeighbourModel
    councils: int
    havering: list[tuple[str, str, str]]  # (LA number, name, closeness), closest first
    current: bool


def neighbour_models(*, today: date | None = None) -> list[LoadedModel]:
    """Every loaded model, latest first, with how many councils it has and Havering's ten
    neighbours by name. The current one is in force for periods ending today. Three
    queries: the models, Havering's neighbours in each, the councils' names."""
    today = today or timezone.localdate()
    # Meta.ordering does not apply to a query with GROUP BY: ordered here.
    models = list(
        NeighbourModel.objects.select_related("loaded_by")
        .annotate(councils=Count("neighbours__la_code", distinct=True))
        .order_by("-in_force_from")
    )
    havering: dict[int, list] = {}
    for row in StatisticalNeighbour.objects.filter(la_code=settings.OWN_LA_CODE).order_by(
        "model", "position"
    ):
        havering.setdefault(row.model_id, []).append(row)
    names = dict(LocalAuthority.objects.values_list("code", "name"))
    current = next((model for model in models if model.in_force_from <= today), None)
    return [
        LoadedModel(
            model=model,
            councils=model.councils,
            havering=[
                (n.neighbour_code, names.get(n.neighbour_code, ""), n.closeness)
                for n in havering.get(model.pk, [])
            ],
            current=model is current,
        )
        for model in models
    ]


def in_force_for(day: date) -> NeighbourModel | None:
    """The model in force for periods ending on ``day`` (None before the first)."""
    return NeighbourModel.objects.filter(in_force_from__lte=day).order_by("-in_force_from").first()


@dataclass(frozen=True)
class Preview:
    councils: int
    havering: list[tuple[str, str, str]]  # (LA number, name, closeness), closest first
    name: str
    in_force_from: date
    replaces: NeighbourModel | None  # loaded for the same date: replaced
    follows: NeighbourModel | None  # in force before: still used for earlier periods
    joining: list[str]  # Havering's neighbours that the model in force then does not have
    leaving: list[str]  # and those it has that this one does not


def neighbour_model_preview(*, upload: NeighbourModelUpload, in_force_from: date) -> Preview:
    """What confirming the upload for ``in_force_from`` would do: the model's name,
    Havering's ten, the model it replaces or follows and how Havering's neighbours change.
    Four queries at most."""
    councils = upload_councils(upload)
    names = {council.code: council.name for council in councils}
    own = next(council for council in councils if council.code == settings.OWN_LA_CODE)
    naming = model_naming(upload.file_name, in_force_from)
    before = naming.replaces or in_force_for(in_force_from)
    old = (
        list(
            before.neighbours.filter(la_code=settings.OWN_LA_CODE)
            .order_by("position")
            .values_list("neighbour_code", flat=True)
        )
        if before
        else []
    )
    new = [code for code, _ in own.neighbours]
    known = dict(LocalAuthority.objects.filter(code__in=old).values_list("code", "name")) if old else {}
    return Preview(
        councils=len(councils),
        havering=[(code, names.get(code, ""), closeness) for code, closeness in own.neighbours],
        name=naming.name,
        in_force_from=in_force_from,
        replaces=naming.replaces,
        follows=None if naming.replaces else before,
        joining=[names.get(code, code) for code in new if old and code not in old],
        leaving=[known.get(code, code) for code in old if code not in new],
    )
