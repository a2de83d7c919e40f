"""The statistical-neighbour models' service: DfE's real files are checked, previewed and
loaded; a wrong file is refused saying why, and nothing changes."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from actions.kpis.neighbours import (
    DATA,
    MAX_BYTES,
    neighbour_model_confirm,
    neighbour_model_preview,
    neighbour_model_upload,
)
from actions.models import LocalAuthority, NeighbourModel, NeighbourModelUpload, StatisticalNeighbour
from actions.roles import Role
from tests.actions.kpis.dfe import HAVERING_2025, neighbours
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MODEL_2025 = "sn_model_2025_wide.csv"
MODEL_2021 = "New_Statistical_Neighbour_Groupings_April_2021.csv"


@pytest.fixture
def administrator():
    return UserFactory(role=Role.ADMINISTRATOR)


def real(name: str = MODEL_2025) -> str:
    return (DATA / name).read_text(encoding="utf-8-sig")


def upload(user, name: str, data: bytes | str):
    data = data.encode() if isinstance(data, str) else data
    return neighbour_model_upload(user=user, file=SimpleUploadedFile(name, data))


def everything() -> tuple:
    """Every model, neighbour, council and waiting upload, to show that nothing changed."""
    return (
        list(
            NeighbourModel.objects.values_list(
                "name", "in_force_from", "source_file", "loaded_at", "loaded_by"
            )
        ),
        list(
            StatisticalNeighbour.objects.order_by("model__name", "la_code", "position").values_list(
                "model__name", "la_code", "neighbour_code", "position", "closeness"
            )
        ),
        list(LocalAuthority.objects.order_by("code").values_list("code", "name", "region")),
        NeighbourModelUpload.objects.count(),
    )


def havering(model: NeighbourModel) -> list[str]:
    names = dict(LocalAuthority.objects.values_list("code", "name"))
    codes = model.neighbours.filter(la_code="311").order_by("position")
    return [names[code] for code in codes.values_list("neighbour_code", flat=True)]


def test_dfes_2025_file_is_previewed_then_loaded_with_who_loaded_it(administrator):
    NeighbourModel.objects.filter(in_force_from=date(2025, 3, 31)).delete()
    waiting = upload(administrator, MODEL_2025, (DATA / MODEL_2025).read_bytes())
    assert not NeighbourModel.objects.filter(in_force_from=date(2025, 3, 31)).exists()  # not yet

    preview = neighbour_model_preview(upload=waiting, in_force_from=date(2025, 3, 31))
    assert preview.name == "DfE statistical neighbours, 2025" and preview.councils == 153
    assert [name for _, name, _ in preview.havering] == HAVERING_2025
    assert preview.replaces is None and preview.follows.name == "DfE statistical neighbours, April 2021"
    assert "Bexley" not in preview.joining and "Bedford" in preview.joining

    model = neighbour_model_confirm(upload=waiting, user=administrator, in_force_from=date(2025, 3, 31))
    assert model.name == "DfE statistical neighbours, 2025" and model.source_file == MODEL_2025
    assert model.loaded_by == administrator
    assert havering(model) == HAVERING_2025
    assert list(model.neighbours.filter(la_code="311").values_list("neighbour_code", flat=True)) == list(
        neighbours(MODEL_2025)
    )
    assert model.neighbours.count() == 10 * 153
    assert not NeighbourModelUpload.objects.exists()


def test_loading_a_model_again_replaces_it_in_place_and_changes_no_neighbour(administrator):
    before = everything()[1:3]
    waiting = upload(administrator, MODEL_2021, real(MODEL_2021))
    preview = neighbour_model_preview(upload=waiting, in_force_from=date(2021, 3, 31))
    assert preview.replaces.name == "DfE statistical neighbours, April 2021"
    assert not preview.joining and not preview.leaving
    neighbour_model_confirm(upload=waiting, user=administrator, in_force_from=date(2021, 3, 31))
    assert everything()[1:3] == before
    assert NeighbourModel.objects.get(in_force_from=date(2021, 3, 31)).loaded_by == administrator


def test_a_model_confirmed_twice_is_loaded_once(administrator):
    waiting = upload(administrator, "sn_model_2028_wide.csv", real())
    neighbour_model_confirm(upload=waiting, user=administrator, in_force_from=date(2028, 3, 31))
    before = everything()
    with pytest.raises(ValidationError, match="already been loaded"):
        neighbour_model_confirm(upload=waiting, user=administrator, in_force_from=date(2028, 3, 31))
    assert everything() == before


def test_a_name_already_in_force_from_another_date_is_refused(administrator):
    """The 2025 model was loaded (by the command line) for another date: the file's name
    would give a second model the same name."""
    NeighbourModel.objects.filter(name="DfE statistical neighbours, 2025").update(
        in_force_from=date(2025, 4, 30)
    )
    waiting = upload(administrator, MODEL_2025, real())
    before = everything()
    with pytest.raises(ValidationError, match="already in force from another date"):
        neighbour_model_confirm(upload=waiting, user=administrator, in_force_from=date(2025, 3, 31))
    assert everything() == before


def _drop_last_neighbour_of_havering(text: str) -> str:
    lines = text.splitlines()
    return "\n".join(
        ",".join([*line.split(",")[:-2], "", ""]) if ",Havering," in line else line for line in lines
    )


BAD_FILES = [
    pytest.param(
        "absence.csv",
        "time_period,la_name,value\n2025,Havering,3\n",
        "This is not a statistical-neighbour model",
        id="not a neighbour file",
    ),
    pytest.param(
        MODEL_2025,
        lambda text: text.replace("\n311,Havering,3,London,303,", "\n311,Havering,3,London,999,"),
        "not councils of the file: 999",
        id="an unknown council code",
    ),
    pytest.param(
        MODEL_2025,
        lambda text: "\n".join(line for line in text.splitlines() if ",Havering," not in line),
        "Havering (LA number 311) is not in it",
        id="Havering missing",
    ),
    pytest.param(
        MODEL_2025,
        _drop_last_neighbour_of_havering,
        "Havering has 9 neighbours; each council needs 10",
        id="fewer than ten",
    ),
    pytest.param(
        MODEL_2025,
        lambda text: text.replace("\n311,Havering,3,London,303,", "\n311,Havering,3,London,Bexley,"),
        "an LA number is not a number",
        id="a name for an LA number",
    ),
    pytest.param(
        MODEL_2025,
        lambda text: text.replace("\n311,Havering,3,London,303,", "\n311,Havering,3,London,311,"),
        "Havering (LA number 311) is listed as its own neighbour",
        id="its own neighbour",
    ),
    pytest.param(MODEL_2025, lambda text: text + "\x00\x01 not text", "holds binary data", id="binary data"),
    pytest.param(MODEL_2025, lambda text: "x" * (MAX_BYTES + 1), "the limit is 1 MB", id="oversized"),
    pytest.param("sn_model_2025.xlsx", "PK\x03\x04", "is not a CSV file", id="a workbook"),
    pytest.param("sn_model_2025.pdf", "%PDF-1.4", "is not a file we can import", id="a PDF"),
]


@pytest.mark.parametrize(("name", "content", "message"), BAD_FILES)
def test_a_wrong_file_is_refused_saying_why_and_changes_nothing(administrator, name, content, message):
    before = everything()
    with pytest.raises(ValidationError) as refused:
        upload(administrator, name, content(real()) if callable(content) else content)
    (text,) = refused.value.message_dict["file"]
    assert text.startswith("This file was not loaded: ") and message in text
    assert everything() == before


def test_previews_nobody_confirmed_are_deleted_when_the_next_file_comes(administrator):
    stale = upload(administrator, MODEL_2025, real())
    NeighbourModelUpload.objects.filter(pk=stale.pk).update(created_at=timezone.now() - timedelta(days=3))
    fresh = upload(administrator, MODEL_2025, real())
    assert list(NeighbourModelUpload.objects.all()) == [fresh]
    assert not NeighbourModelUpload.objects.filter(pk=stale.pk).exists()
