"""Owners' commentary on a KPI's figure: who may write it, what a red figure needs, and
the history kept for each period."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from actions.kpis.rules import can_write_kpi_commentary
from actions.kpis.selectors import current_commentaries, kpi_commentary_history
from actions.kpis.services import kpi_commentary_add
from actions.models import KPI, KPICommentary
from tests.factories import KPIValueFactory, UserFactory

pytestmark = pytest.mark.django_db

MARCH, APRIL = date(2026, 3, 31), date(2026, 4, 30)


@pytest.fixture
def kpi(users):
    kpi = KPI.objects.get(code="W01")
    kpi.target, kpi.amber_tolerance, kpi.owner = Decimal("90"), Decimal("5"), users["lead"]
    kpi.save()
    KPIValueFactory(kpi=kpi, period_end=MARCH, value=Decimal("60"), numerator=30, denominator=50)  # red
    KPIValueFactory(kpi=kpi, period_end=APRIL, value=Decimal("88"), numerator=44, denominator=50)  # amber
    return kpi


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("lead", True),  # the owner
        ("admin", True),
        ("other_lead", False),
        ("panel", False),
        ("participation", False),
        ("ivstaff", False),
    ],
)
def test_only_the_owner_and_administrators_may_write_the_commentary(kpi, users, role, allowed):
    assert can_write_kpi_commentary(users[role], kpi) is allowed


def test_an_owner_who_has_lost_every_role_may_not_write_it(kpi):
    kpi.owner = UserFactory(username="left-the-council")
    assert can_write_kpi_commentary(kpi.owner, kpi) is False


def test_the_owner_writes_a_commentary_with_its_rating_author_and_time(kpi, users):
    entry = kpi_commentary_add(
        kpi=kpi, period_end=APRIL, user=users["lead"], commentary="  Nearly back on target.  "
    )
    assert (entry.commentary, entry.rag, entry.author, entry.corrective_action) == (
        "Nearly back on target.",
        "amber",
        users["lead"],
        "",
    )
    assert entry.created_at is not None


def test_a_red_figure_needs_a_corrective_action_and_nothing_is_written_without_one(kpi, users):
    with pytest.raises(ValidationError) as refused:
        kpi_commentary_add(kpi=kpi, period_end=MARCH, user=users["lead"], commentary="Staff shortages.")
    assert refused.value.message_dict == {
        "corrective_action": ["Enter the corrective action: the figure is red"]
    }
    assert not KPICommentary.objects.exists()
    entry = kpi_commentary_add(
        kpi=kpi,
        period_end=MARCH,
        user=users["lead"],
        commentary="Staff shortages.",
        corrective_action="Agency nurse from April.",
    )
    assert entry.rag == "red"


def test_an_empty_commentary_and_a_period_without_a_figure_are_refused(kpi, users):
    with pytest.raises(ValidationError) as refused:
        kpi_commentary_add(kpi=kpi, period_end=date(2026, 5, 31), user=users["lead"], commentary=" ")
    assert set(refused.value.message_dict) == {"period_end", "commentary"}
    assert not KPICommentary.objects.exists()


def test_someone_else_is_refused_and_nothing_is_written(kpi, users):
    with pytest.raises(PermissionDenied):
        kpi_commentary_add(kpi=kpi, period_end=APRIL, user=users["other_lead"], commentary="Not mine.")
    assert not KPICommentary.objects.exists()


def test_writing_again_keeps_the_earlier_version_as_history(kpi, users):
    first = kpi_commentary_add(kpi=kpi, period_end=APRIL, user=users["lead"], commentary="First view.")
    second = kpi_commentary_add(kpi=kpi, period_end=APRIL, user=users["admin"], commentary="Corrected.")
    kpi_commentary_add(
        kpi=kpi, period_end=MARCH, user=users["lead"], commentary="March.", corrective_action="Clinic."
    )
    history = kpi_commentary_history(kpi=kpi)
    assert list(history) == [APRIL, MARCH]
    assert history[APRIL] == [second, first]
    current = current_commentaries(periods=[(kpi.pk, APRIL), (kpi.pk, MARCH)])
    assert current[(kpi.pk, APRIL)] == second
    assert current[(kpi.pk, MARCH)].commentary == "March."


def test_the_form_explains_what_is_missing_and_the_page_shows_the_commentary(client, kpi, users):
    client.force_login(users["lead"])
    url = reverse("kpi_commentary", args=[kpi.code])
    form_page = client.get(url).content.decode()
    assert "April 2026 (amber)" in form_page and "March 2026 (red)" in form_page
    refused = client.post(url, {"period_end": "2026-03-31", "commentary": "Staff shortages."})
    assert refused.status_code == 200
    assert "There is a problem" in refused.content.decode()
    assert "Enter the corrective action: the figure is red" in refused.content.decode()
    saved = client.post(
        url,
        {"period_end": "2026-03-31", "commentary": "Staff shortages.", "corrective_action": "Agency nurse."},
    )
    assert saved.url == reverse("kpi_detail", args=[kpi.code]) + "#commentary"
    client.force_login(users["panel"])
    page = client.get(reverse("kpi_detail", args=[kpi.code])).content.decode()
    assert "Owner: <strong>" in page
    assert "Staff shortages." in page and "Agency nurse." in page
    assert "Write the commentary" not in page  # panel members read it
