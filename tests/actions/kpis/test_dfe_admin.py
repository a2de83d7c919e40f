"""The administrator's side of DfE's data: the demo Administrator keeps DfE file mappings,
neighbour models and local authorities in the Django admin; a DfE file no mapping takes
is "not recognised" and offers to start a mapping; the preview reads in words."""

import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from actions.kpis.neighbours import DATA
from actions.kpis.views import _in_words
from actions.models import DfEMapping, KPIImport, LocalAuthority, NeighbourModel
from panel.demo import seed_users

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_admin():
    return seed_users(password="a-long-demo-password-2026")["admin"]


def test_the_demo_administrator_keeps_mappings_neighbour_models_and_councils(client, demo_admin):
    assert not demo_admin.is_superuser
    client.force_login(demo_admin)
    index = client.get(reverse("admin:index")).content.decode()
    for listed in ("DfE file mappings", "Statistical-neighbour models", "Local authorities"):
        assert listed in index
    mapping = DfEMapping.objects.get(kpi__code="NF45")
    model = NeighbourModel.objects.get(name="DfE statistical neighbours, 2025")
    council = LocalAuthority.objects.get(code="301")
    for url in (
        reverse("admin:actions_dfemapping_changelist"),
        reverse("admin:actions_dfemapping_add"),
        reverse("admin:actions_dfemapping_change", args=[mapping.pk]),
        reverse("admin:actions_neighbourmodel_changelist"),
        reverse("admin:actions_neighbourmodel_change", args=[model.pk]),
        reverse("admin:actions_statisticalneighbour_changelist"),
        reverse("admin:actions_localauthority_changelist"),
        reverse("admin:actions_localauthority_change", args=[council.pk]),
    ):
        assert client.get(url).status_code == 200, url
    response = client.post(
        reverse("admin:actions_localauthority_change", args=[council.pk]),
        {"code": "301", "name": "Barking and Dagenham", "region": "Outer London"},
    )
    assert response.status_code == 302
    assert LocalAuthority.objects.get(code="301").region == "Outer London"


def upload(client, name: str, data: bytes) -> KPIImport:
    client.post(reverse("kpi_import_new"), {"file": SimpleUploadedFile(name, data, content_type="text/csv")})
    return KPIImport.objects.latest("created_at")


UNMAPPED = (
    "time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
    "old_la_code,la_name,new_la_code,cla_group,missing_measure,number,percentage\n"
    "2025,Reporting year,National,E92000001,England,,,,,,CLA during the year,Went missing,12000,10\n"
)


def test_a_dfe_file_no_mapping_takes_is_not_recognised_and_offers_a_mapping(
    client, demo_admin, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(demo_admin)
    kpi_import = upload(client, "la_cla_missing.csv", UNMAPPED.encode())
    assert kpi_import.state == "failed"
    page = html.unescape(client.get(kpi_import.get_absolute_url()).content.decode())
    assert "This DfE file is not recognised" in page
    assert "There is nothing to fix in the file" in page
    assert "The file was not imported" not in page
    for column in ("cla_group", "missing_measure", "number", "percentage"):
        assert f"<code>{column}</code>" in page
    start = reverse("admin:actions_dfemapping_add") + "?publication_file=la_cla_missing"
    assert start in page
    form = client.get(start).content.decode()
    assert 'value="la_cla_missing"' in form


def test_the_import_page_says_what_it_takes(client, demo_admin):
    client.force_login(demo_admin)
    page = client.get(reverse("kpi_import_new")).content.decode()
    assert "Explore Education Statistics exactly as published" in page
    assert "statistical-neighbour models" in page


def test_the_preview_names_councils_areas_in_words_and_uk_dates(client, demo_admin, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(demo_admin)
    kpi_import = upload(
        client, "la_cla_placement_stability.csv", (DATA / "la_cla_placement_stability.csv").read_bytes()
    )
    assert kpi_import.state == "previewed", kpi_import.errors
    page = html.unescape(client.get(kpi_import.get_absolute_url()).content.decode())
    samples = page[page.index("New figures") :]
    assert '<td class="govuk-table__cell">Outer London</td>' in samples
    assert "31 Mar 2025" in samples and "2025-03-31" not in samples and "outer_london" not in samples
    # Other councils, further down the same preview, by name and number.
    named = _in_words([{"row": 9, "new": {"area": "LA 301", "period_end": "2025-03-31", "kpi": "NF45"}}])
    assert named[0]["new"]["area"] == "Barking and Dagenham (301)"
    assert named[0]["new"]["period_end"] == "31 Mar 2025"
