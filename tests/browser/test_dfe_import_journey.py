"""DfE's four files, as published, loaded through the portal (the two statistical-
neighbour models first, on their own page, then the two data files through the import);
the KPI page's figures, comparators, neighbour table, rank and quartile checked against
the files."""

import pytest
from playwright.sync_api import expect

from actions.kpis.neighbours import DATA
from actions.models import LocalAuthority, NeighbourModel, StatisticalNeighbour
from actions.roles import Role
from tests.actions.kpis.dfe import ACTIVITY, HAVERING_2025, S01, STABILITY, dfe_file, neighbours, published
from tests.actions.kpis.test_benchmarks import expected_position
from tests.browser.conftest import assert_accessible, follow, sign_in
from tests.browser.test_kpi_import_journey import sign_out, upload_and_confirm
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MODELS = (
    ("New_Statistical_Neighbour_Groupings_April_2021.csv", "DfE statistical neighbours, April 2021", "2021"),
    ("sn_model_2025_wide.csv", "DfE statistical neighbours, 2025", "2025"),
)


def upload_neighbour_model(page, path, name: str, year: str) -> list[str]:
    """Upload and confirm a model on its page; Havering's neighbours as its preview named them."""
    page.goto("/kpis/neighbours/")
    page.get_by_label("Statistical-neighbour model file").set_input_files(str(path))
    follow(page.get_by_role("button", name="Upload and check"))
    expect(page.get_by_text("This file gives Havering these 10 neighbours")).to_be_visible()
    assert page.locator("[data-hcp-model-name]").inner_text() == name
    assert f"Periods ending on or after 31 March {year}" in page.locator(".govuk-summary-list").inner_text()
    havering = page.locator("[data-hcp-havering-neighbours] tbody tr td:first-child")
    previewed = [cell.inner_text() for cell in havering.all()]
    assert_accessible(page)
    follow(page.get_by_role("button", name="Confirm and load"))
    expect(page.get_by_text(f"Loaded {name}, in force from 31 March {year}.")).to_be_visible()
    assert_accessible(page)
    return previewed


def test_dfe_files_import_unchanged_and_the_kpi_page_benchmarks_havering(page, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.KPI_IMPORT_BACKGROUND_BYTES = 10_000_000  # checked in the request, no worker needed
    UserFactory(username="importer", role=Role.ADMINISTRATOR)
    UserFactory(username="councillor", role=Role.PANEL_MEMBER)

    # Nothing from the data migration: the models and councils come from the uploads.
    NeighbourModel.objects.all().delete()
    LocalAuthority.objects.all().delete()

    sign_in(page, "importer")
    previewed = {year: upload_neighbour_model(page, DATA / name, model, year) for name, model, year in MODELS}
    assert len(previewed["2021"]) == 10 and previewed["2025"] == HAVERING_2025
    latest = NeighbourModel.objects.get(in_force_from__year=2025)
    codes = StatisticalNeighbour.objects.filter(model=latest, la_code="311").order_by("position")
    names = dict(LocalAuthority.objects.values_list("code", "name"))
    assert [names[code] for code in codes.values_list("neighbour_code", flat=True)] == HAVERING_2025
    assert NeighbourModel.objects.count() == 2 and latest.neighbours.count() == 10 * 153

    for name in (STABILITY, ACTIVITY):
        upload_and_confirm(page, dfe_file(tmp_path, name))
        assert "dfe layout" in page.get_by_text("rows of figures read").inner_text()
    sign_out(page)

    sign_in(page, "councillor")
    page.goto("/kpis/NF45/")  # DfE's figures are on the published measure S01 tracks
    page.wait_for_load_state()
    rows = published(STABILITY, S01, "2025")
    expect(page.get_by_text("12% (31 of 268)").first).to_be_visible()
    benchmark = page.locator("[data-hcp-benchmark]")
    england = benchmark.get_by_role("row").filter(has_text="England").inner_text()
    london = benchmark.get_by_role("row").filter(has_text="London").first.inner_text()
    assert f"{rows['England']['children_percent']}%" in england and "10%" in england
    assert f"{rows['London']['children_percent']}%" in london and "10%" in london
    for code in neighbours("sn_model_2025_wide.csv"):
        name = LocalAuthority.objects.get(code=code).name
        row = benchmark.get_by_role("row").filter(has_text=name).first.inner_text()
        figure = rows[code]["children_percent"]
        assert (f"{figure}%" if figure.isdigit() else "suppressed by DfE") in row
    rank, ranked, quartile, councils = expected_position(S01, lower_is_better=True)
    position = page.locator("[data-hcp-position]").inner_text()
    assert f"Havering ranks {rank} of {ranked}" in position
    assert f"(quartile {quartile}) of the {councils} English councils" in position
    expect(
        page.get_by_text("Mean of 10 of 10 statistical neighbours (DfE statistical neighbours, 2025)").first
    ).to_be_visible()
    assert_accessible(page)

    page.goto("/kpis/NF53/")
    page.wait_for_load_state()
    expect(page.locator("[data-hcp-benchmark]")).to_be_visible()
    assert_accessible(page)
