"""Statistical-neighbour models through the import page: recognised by their header,
previewed (name, councils, Havering's ten, in-force date), loaded on confirmation by the
code the command uses; a malformed one is refused and changes nothing."""

import re
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from actions.kpis.neighbours import DATA
from actions.models import KPIImport, LocalAuthority, NeighbourModel, StatisticalNeighbour
from tests.actions.kpis.dfe import HAVERING_2025, neighbours

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]

MODEL_2025 = "sn_model_2025_wide.csv"


def upload(client, name: str, data: bytes):
    return client.post(reverse("kpi_import_new"), {"file": SimpleUploadedFile(name, data)})


def confirm(client, kpi_import: KPIImport, **data):
    return client.post(reverse("kpi_import_confirm", args=[kpi_import.pk]), data, follow=True)


def when(day, month, year) -> dict:
    """A date as the GOV.UK date input posts it."""
    return {"in_force_from_0": day, "in_force_from_1": month, "in_force_from_2": year}


def everything() -> tuple:
    """Every model, neighbour and council as stored, to show that nothing changed."""
    return (
        list(NeighbourModel.objects.values_list("name", "in_force_from", "source_file", "loaded_at")),
        list(
            StatisticalNeighbour.objects.order_by("model__name", "la_code", "position").values_list(
                "model__name", "la_code", "neighbour_code", "position", "closeness"
            )
        ),
        list(LocalAuthority.objects.order_by("code").values_list("code", "name", "region")),
    )


def havering(name: str) -> list[str]:
    codes = StatisticalNeighbour.objects.filter(model__name=name, la_code="311").order_by("position")
    names = dict(LocalAuthority.objects.values_list("code", "name"))
    return [names[code] for code in codes.values_list("neighbour_code", flat=True)]


def test_the_2025_model_is_previewed_then_loaded_and_loading_it_again_changes_nothing(admin_client):
    NeighbourModel.objects.filter(in_force_from=date(2025, 3, 31)).delete()
    data = (DATA / MODEL_2025).read_bytes()

    response = upload(admin_client, MODEL_2025, data)
    kpi_import = KPIImport.objects.get()
    assert kpi_import.state == KPIImport.State.PREVIEWED and kpi_import.layout == "SN model"
    page = admin_client.get(response.url).content.decode()
    assert "DfE statistical neighbours, 2025" in page
    assert "153, each with its ten closest councils" in page
    assert "Periods ending on or after 31 March 2025" in page
    assert [name for _, name, _ in kpi_import.neighbour_model["havering"]] == HAVERING_2025
    assert all(name in page for name in HAVERING_2025)
    assert not NeighbourModel.objects.filter(in_force_from=date(2025, 3, 31)).exists()  # not yet

    page = confirm(admin_client, kpi_import).content.decode()
    assert "Statistical-neighbour model loaded" in page
    model = NeighbourModel.objects.get(in_force_from=date(2025, 3, 31))
    assert model.name == "DfE statistical neighbours, 2025" and model.source_file == MODEL_2025
    assert havering(model.name) == HAVERING_2025
    assert list(neighbours(MODEL_2025)) == list(
        model.neighbours.filter(la_code="311").values_list("neighbour_code", flat=True)
    )

    before = everything()
    upload(admin_client, MODEL_2025, data)
    again = KPIImport.objects.latest("pk")
    assert again.neighbour_model["replaces"]
    confirm(admin_client, again)
    again.refresh_from_db()
    assert again.state == KPIImport.State.DONE
    assert everything() == before


def test_the_2021_groupings_keep_the_name_and_date_the_migration_gave_them(admin_client):
    before = everything()
    name = "New_Statistical_Neighbour_Groupings_April_2021.csv"
    upload(admin_client, name, (DATA / name).read_bytes())
    kpi_import = KPIImport.objects.get()
    assert kpi_import.neighbour_model["name"] == "DfE statistical neighbours, April 2021"
    assert kpi_import.neighbour_model["in_force_from"] == "2021-03-31"
    confirm(admin_client, kpi_import)
    kpi_import.refresh_from_db()
    assert kpi_import.state == KPIImport.State.DONE
    assert everything() == before


def _without_sn_10(text: str) -> str:
    return "\n".join(",".join(line.split(",")[:-2]) for line in text.splitlines())


@pytest.mark.parametrize(
    ("mangle", "message"),
    [
        (_without_sn_10, "it needs an LA number column (old_la_code or LA num), la_name, and SN_1 to SN_10"),
        (
            lambda text: text.replace("\n311,Havering,3,London,303,", "\n311,Havering,3,London,Bexley,"),
            "Row ",
        ),
        (lambda text: "\n".join(line for line in text.splitlines() if ",Havering," not in line), "Havering"),
        (
            lambda text: text.replace("\n311,Havering,3,London,303,", "\n311,Havering,3,London,311,"),
            "Havering (LA number 311) is listed as its own neighbour",
        ),
    ],
    ids=["a missing neighbour column", "a name for an LA number", "no Havering", "its own neighbour"],
)
def test_a_malformed_model_is_refused_with_a_clear_message_and_changes_nothing(admin_client, mangle, message):
    before = everything()
    text = (DATA / MODEL_2025).read_text(encoding="utf-8-sig")
    response = upload(admin_client, MODEL_2025, mangle(text).encode())
    kpi_import = KPIImport.objects.get()
    assert kpi_import.state == KPIImport.State.FAILED
    page = admin_client.get(response.url).content.decode()
    assert "The file was not imported" in page
    assert "This statistical-neighbour model was not loaded" in page and message in page
    assert everything() == before


def test_a_model_whose_file_name_gives_no_year_asks_for_the_date(admin_client):
    before = everything()
    upload(admin_client, "groupings.csv", (DATA / MODEL_2025).read_bytes())
    kpi_import = KPIImport.objects.get()
    page = admin_client.get(kpi_import.get_absolute_url()).content.decode()
    assert "The file does not say: give the date below" in page
    assert "First period end that uses this model" in page
    # The latest 31 March, as a default, in the GOV.UK day, month and year boxes.
    assert re.search(r'name="in_force_from_0"[^>]*value="31"', page)
    assert re.search(r'name="in_force_from_1"[^>]*value="3"', page)

    for wrong, message in (
        ((31, 2, 2028), "First period end that uses this model must be a real date"),
        ((31, 3, 1999), "Enter a date between 2010"),
        ((31, "", 2028), "First period end that uses this model must include a month"),
    ):
        page = confirm(admin_client, kpi_import, **when(*wrong)).content.decode()
        assert message in page
        kpi_import.refresh_from_db()
        assert kpi_import.state == KPIImport.State.PREVIEWED
        assert everything() == before

    confirm(admin_client, kpi_import, **when(31, 3, 2028))
    kpi_import.refresh_from_db()
    assert kpi_import.state == KPIImport.State.DONE
    model = NeighbourModel.objects.get(in_force_from=date(2028, 3, 31))
    assert model.name == "DfE statistical neighbours, 31 March 2028" and model.source_file == "groupings.csv"
    assert havering(model.name) == HAVERING_2025


def test_a_model_saved_by_excel_in_windows_1252_is_read(admin_client):
    """Excel's "CSV (Comma delimited)" in Britain: read as the figures' files are."""
    NeighbourModel.objects.filter(in_force_from=date(2025, 3, 31)).delete()
    text = (DATA / MODEL_2025).read_text(encoding="utf-8-sig").replace(",Havering,", ",Havering (Romford é),")
    upload(admin_client, MODEL_2025, text.encode("cp1252"))
    kpi_import = KPIImport.objects.get()
    assert kpi_import.state == KPIImport.State.PREVIEWED, kpi_import.errors
    assert kpi_import.preview["neighbour_model"]["councils"] > 100


def test_a_model_with_binary_data_is_refused_with_a_clear_message_and_changes_nothing(admin_client):
    before = everything()
    data = (DATA / MODEL_2025).read_bytes() + b"\x00\x01 not text"
    response = upload(admin_client, MODEL_2025, data)
    kpi_import = KPIImport.objects.get()
    assert kpi_import.state == KPIImport.State.FAILED
    assert "holds binary data" in admin_client.get(response.url).content.decode()
    assert everything() == before
