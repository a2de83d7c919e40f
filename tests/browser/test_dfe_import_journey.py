"""DfE's files, as published, imported through the portal; the KPI page's figures,
comparators, neighbour table, rank and quartile checked against the files."""

import pytest

from actions.models import LocalAuthority
from actions.roles import Role
from tests.actions.kpis.dfe import ACTIVITY, S01, STABILITY, dfe_file, neighbours, published
from tests.actions.kpis.test_benchmarks import expected_position
from tests.browser.conftest import assert_accessible, sign_in
from tests.browser.test_kpi_import_journey import sign_out, upload_and_confirm
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_dfe_files_import_unchanged_and_the_kpi_page_benchmarks_havering(page, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.KPI_IMPORT_BACKGROUND_BYTES = 10_000_000  # checked in the request, no worker needed
    UserFactory(username="importer", role=Role.ADMINISTRATOR)
    UserFactory(username="councillor", role=Role.PANEL_MEMBER)

    sign_in(page, "importer")
    for name in (STABILITY, ACTIVITY):
        upload_and_confirm(page, dfe_file(tmp_path, name))
        assert "dfe layout" in page.get_by_text("rows of figures read").inner_text()
    sign_out(page)

    sign_in(page, "councillor")
    page.goto("/kpis/S01/")
    page.wait_for_load_state()
    rows = published(STABILITY, S01, "2025")
    assert page.get_by_text("12% (31 of 268)").first.is_visible()
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
    assert page.get_by_text(
        "Mean of 10 of 10 statistical neighbours (DfE statistical neighbours, 2025)"
    ).first.is_visible()
    assert_accessible(page)

    page.goto("/kpis/I02/")
    page.wait_for_load_state()
    assert page.locator("[data-hcp-benchmark]").is_visible()
    assert_accessible(page)
