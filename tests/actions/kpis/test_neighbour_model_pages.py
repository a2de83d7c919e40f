"""The statistical-neighbour models' page (administrators): the loaded models, an upload
previewed (Havering's ten, what it replaces) and confirmed; a wrong file refused on the
form. The KPI import refuses a model's file, pointing here, and old imports of models
still read."""

import re
from datetime import date
from importlib import import_module

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from actions.kpis.neighbours import DATA
from actions.models import KPIImport, NeighbourModel, NeighbourModelUpload, StatisticalNeighbour
from actions.roles import Role
from tests.actions.kpis.dfe import HAVERING_2025
from tests.factories import KPIImportFactory, UserFactory

pytestmark = pytest.mark.django_db

MODEL_2025 = "sn_model_2025_wide.csv"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def administrator(client):
    user = UserFactory(role=Role.ADMINISTRATOR, first_name="Ada", last_name="Admin")
    client.force_login(user)
    return user


def upload(client, name: str, data: bytes):
    return client.post(reverse("neighbour_model_list"), {"file": SimpleUploadedFile(name, data)})


def when(day, month, year) -> dict:
    """A date as the GOV.UK date input posts it."""
    return {"in_force_from_0": day, "in_force_from_1": month, "in_force_from_2": year}


def test_the_page_lists_the_models_with_havering_s_neighbours_and_the_current_one(client, administrator):
    page = client.get(reverse("neighbour_model_list")).content.decode()
    assert "DfE statistical neighbours, 2025" in page and "DfE statistical neighbours, April 2021" in page
    assert page.count("Current</strong>") == 1
    assert re.search(r"DfE statistical neighbours, 2025 <strong[^>]*>Current", page)
    assert all(name in page for name in HAVERING_2025)
    assert "153" in page and "156" in page  # councils in each model


def test_the_list_s_queries_do_not_grow_with_the_models(client, administrator, django_assert_max_num_queries):
    for year in (2026, 2027, 2028):
        model = NeighbourModel.objects.create(name=f"Model {year}", in_force_from=date(year, 3, 31))
        StatisticalNeighbour.objects.bulk_create(
            StatisticalNeighbour(model=model, la_code="311", neighbour_code=str(300 + n), position=n)
            for n in range(1, 11)
        )
    # session, user, groups (the rule), the models with their councils counted, Havering's
    # neighbours in every model, the councils' names, and the menu's own.
    with django_assert_max_num_queries(9):
        client.get(reverse("neighbour_model_list"))


def test_a_model_is_previewed_then_confirmed_and_listed_as_loaded_by_the_administrator(client, administrator):
    NeighbourModel.objects.filter(in_force_from=date(2025, 3, 31)).delete()
    response = upload(client, MODEL_2025, (DATA / MODEL_2025).read_bytes())
    waiting = NeighbourModelUpload.objects.get()
    assert response.url == reverse("neighbour_model_preview", args=[waiting.pk])

    page = client.get(response.url).content.decode()
    assert "This file gives Havering these 10 neighbours (153 councils in all)" in page
    assert all(name in page for name in HAVERING_2025)
    assert "DfE statistical neighbours, 2025" in page and "(from the file's name)" in page
    assert "Takes over from DfE statistical neighbours, April 2021" in page
    assert not NeighbourModel.objects.filter(in_force_from=date(2025, 3, 31)).exists()  # not yet

    page = client.post(response.url, when(31, 3, 2025), follow=True).content.decode()
    assert "Loaded DfE statistical neighbours, 2025, in force from 31 March 2025." in page
    model = NeighbourModel.objects.get(in_force_from=date(2025, 3, 31))
    assert model.loaded_by == administrator and model.source_file == MODEL_2025
    assert "Ada Admin" in page
    assert not NeighbourModelUpload.objects.exists()


def test_a_model_whose_file_name_gives_no_year_asks_for_the_date(client, administrator):
    response = upload(client, "groupings.csv", (DATA / MODEL_2025).read_bytes())
    page = client.get(response.url).content.decode()
    assert "the file's name does not say: check the date below" in page
    # The latest 31 March, as a default, in the GOV.UK day, month and year boxes.
    assert re.search(r'name="in_force_from_0"[^>]*value="31"', page)
    assert re.search(r'name="in_force_from_1"[^>]*value="3"', page)
    for wrong, message in (
        ((31, 2, 2028), "First period end that uses this model must be a real date"),
        ((31, 3, 1999), "Enter a date between 2010"),
    ):
        response_page = client.post(response.url, when(*wrong))
        assert response_page.status_code == 400 and message in response_page.content.decode()
    assert not NeighbourModel.objects.filter(in_force_from=date(2028, 3, 31)).exists()

    client.post(response.url, when(31, 3, 2028))
    model = NeighbourModel.objects.get(in_force_from=date(2028, 3, 31))
    assert model.name == "DfE statistical neighbours, 31 March 2028" and model.source_file == "groupings.csv"


def test_a_wrong_file_is_refused_on_the_form_and_nothing_is_kept(client, administrator):
    text = (DATA / MODEL_2025).read_text(encoding="utf-8-sig")
    no_havering = "\n".join(line for line in text.splitlines() if ",Havering," not in line)
    response = upload(client, MODEL_2025, no_havering.encode())
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert "This file was not loaded: Havering (LA number 311) is not in it." in page
    assert not NeighbourModelUpload.objects.exists()


def test_an_oversized_file_is_stopped_while_it_streams_in(client, administrator, monkeypatch):
    """The service refuses one too (test_neighbour_model_service); the page does not read it all."""
    monkeypatch.setattr("actions.kpis.neighbours.MAX_BYTES", 1000)
    response = upload(client, MODEL_2025, (DATA / MODEL_2025).read_bytes())
    assert response.status_code == 400
    assert "The file must be smaller than 1 kB" in response.content.decode()
    assert not NeighbourModelUpload.objects.exists()


def test_the_kpi_import_refuses_a_model_pointing_to_the_models_page(client, administrator):
    before = list(NeighbourModel.objects.values_list("name", "loaded_at"))
    response = client.post(
        reverse("kpi_import_new"),
        {"file": SimpleUploadedFile(MODEL_2025, (DATA / MODEL_2025).read_bytes())},
    )
    kpi_import = KPIImport.objects.get()
    assert kpi_import.state == KPIImport.State.FAILED and kpi_import.layout == "SN model"
    page = client.get(response.url).content.decode()
    assert "This is a statistical-neighbour model, not figures" in page
    assert "Load it on the Statistical-neighbour models page (/kpis/neighbours/)" in page
    assert f'href="{reverse("neighbour_model_list")}"' in page
    assert list(NeighbourModel.objects.values_list("name", "loaded_at")) == before


def test_an_import_that_loaded_a_model_before_still_reads(client, administrator):
    kpi_import = KPIImportFactory(
        uploaded_by=administrator,
        state=KPIImport.State.DONE,
        layout="SN model",
        file_name=MODEL_2025,
        preview={
            "neighbour_model": {
                "name": "DfE statistical neighbours, 2025",
                "in_force_from": "2025-03-31",
                "in_force_label": "31 March 2025",
                "councils": 153,
                "havering": [],
            }
        },
    )
    page = client.get(kpi_import.get_absolute_url()).content.decode()
    assert (
        "Statistical-neighbour model loaded" in page
        and "DfE statistical neighbours, 2025: 153 councils" in page
    )


def test_the_migration_closes_a_model_waiting_on_the_kpi_import_saying_where_to_load_it(
    client, administrator
):
    """A model previewed on the KPI import before could no longer be confirmed there."""
    close_neighbour_previews = import_module(
        "actions.migrations.0024_neighbour_model_uploads"
    ).close_neighbour_previews
    waiting = KPIImportFactory(uploaded_by=administrator, state=KPIImport.State.PREVIEWED, layout="SN model")
    figures = KPIImportFactory(uploaded_by=administrator, state=KPIImport.State.PREVIEWED, layout="long")
    close_neighbour_previews(apps, None)
    waiting.refresh_from_db()
    figures.refresh_from_db()
    assert waiting.state == KPIImport.State.FAILED and figures.state == KPIImport.State.PREVIEWED
    page = client.get(waiting.get_absolute_url()).content.decode()
    assert "upload this file on the Statistical-neighbour models page" in page
