"""An administrator finds the statistical-neighbour models from the measures page, sees
a wrong file refused on the form (nothing loaded), and the page passes axe as it is and
with the error."""

import pytest
from playwright.sync_api import expect

from actions.kpis.neighbours import DATA
from actions.models import NeighbourModel, NeighbourModelUpload
from actions.roles import Role
from tests.browser.conftest import assert_accessible, follow, sign_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_administrator_finds_the_models_and_a_file_without_havering_is_refused(page, tmp_path):
    UserFactory(username="keeper", role=Role.ADMINISTRATOR)
    text = (DATA / "sn_model_2025_wide.csv").read_text(encoding="utf-8-sig")
    wrong = tmp_path / "sn_model_2028_wide.csv"
    wrong.write_text("\n".join(line for line in text.splitlines() if ",Havering," not in line))
    before = list(NeighbourModel.objects.values_list("name", "loaded_at"))

    sign_in(page, "keeper")
    page.goto("/kpis/")
    follow(page.get_by_role("link", name="Statistical-neighbour models"))
    expect(page.get_by_role("heading", name="Statistical-neighbour models", level=1)).to_be_visible()
    expect(page.get_by_text("Current", exact=True)).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Statistical-neighbour model file").set_input_files(str(wrong))
    follow(page.get_by_role("button", name="Upload and check"))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Havering (LA number 311) is not in it")
    # The refusal is a 400 (as the other forms' are), which Chromium logs; nothing else may be.
    page.problems.remove("Failed to load resource: the server responded with a status of 400 (Bad Request)")
    assert_accessible(page)
    assert list(NeighbourModel.objects.values_list("name", "loaded_at")) == before
    assert not NeighbourModelUpload.objects.exists()
