"""The Django admin and figures in locked periods: a reason from an administrator, or no change."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from actions.models import KPI, KPIValue, KPIValueAmendment
from tests.factories import KPIPeriodLockFactory, KPIValueFactory, UserFactory

pytestmark = pytest.mark.django_db

APRIL = date(2025, 4, 30)
REASON = "The data team corrected the April health assessments"


@pytest.fixture
def locked_value():
    KPIPeriodLockFactory()
    return KPIValueFactory(period_end=APRIL, value=Decimal("70"), note="")


def change(client, figure: KPIValue, **data):
    fields = {"value": "72", "numerator": "36", "denominator": "50", "note": "", "amendment_reason": ""}
    return client.post(reverse("admin:actions_kpivalue_change", args=[figure.pk]), fields | data)


def test_changing_a_locked_figure_needs_a_reason(admin_client, locked_value):
    response = change(admin_client, locked_value)
    assert response.status_code == 200
    assert (
        "Figures for periods in an issued report are locked (Monthly progress report, April 2025 issued)."
        in (response.content.decode())
    )
    assert "Give a reason for changing this figure" in response.content.decode()
    assert KPIValue.objects.get(pk=locked_value.pk).value == Decimal("70")
    assert not KPIValueAmendment.objects.exists()


def test_an_administrator_changes_a_locked_figure_with_a_reason_and_it_is_recorded(
    admin_client, admin_user, locked_value
):
    response = change(admin_client, locked_value, amendment_reason=REASON)
    assert response.status_code == 302
    value = KPIValue.objects.get(pk=locked_value.pk)
    assert (value.value, value.updated_by, value.source_import) == (Decimal("72"), admin_user, None)
    amendment = KPIValueAmendment.objects.get()
    assert (amendment.kpi_value, amendment.old_value, amendment.new_value) == (
        value,
        Decimal("70"),
        Decimal("72"),
    )
    assert (amendment.reason, amendment.changed_by, amendment.source) == (REASON, admin_user, "admin")


def test_staff_who_may_change_figures_but_are_not_administrators_cannot_change_a_locked_one(
    client, locked_value
):
    clerk = UserFactory(username="clerk", is_staff=True)
    clerk.user_permissions.add(*Permission.objects.filter(codename__in=["view_kpivalue", "change_kpivalue"]))
    client.force_login(clerk)
    response = change(client, locked_value, amendment_reason=REASON)
    assert response.status_code == 200
    assert "Only an administrator can change them" in response.content.decode()
    assert KPIValue.objects.get(pk=locked_value.pk).value == Decimal("70")
    assert not KPIValueAmendment.objects.exists()


def test_adding_a_figure_to_a_locked_period_needs_a_reason(admin_client):
    KPIPeriodLockFactory()
    url = reverse("admin:actions_kpivalue_add")
    data = {
        "kpi": KPI.objects.get(code="W02").pk,
        "period_end": "2025-04-30",
        "area": "havering",
        "value": "80",
    }
    data |= {"numerator": "", "denominator": "", "note": ""}
    assert admin_client.post(url, data | {"amendment_reason": ""}).status_code == 200
    assert not KPIValue.objects.exists()
    assert admin_client.post(url, data | {"amendment_reason": REASON}).status_code == 302
    amendment = KPIValueAmendment.objects.get()
    assert (amendment.old_value, amendment.new_value, amendment.reason) == (None, Decimal("80"), REASON)


def test_a_figure_outside_locked_periods_changes_freely_and_records_nothing(admin_client, admin_user):
    KPIPeriodLockFactory()
    value = KPIValueFactory(period_end=date(2025, 5, 31), value=Decimal("70"))
    assert change(admin_client, value).status_code == 302
    assert KPIValue.objects.get(pk=value.pk).value == Decimal("72")
    assert not KPIValueAmendment.objects.exists()


def test_saving_a_locked_figure_unchanged_needs_no_reason(admin_client, locked_value):
    response = change(admin_client, locked_value, value="70")
    assert response.status_code == 302
    assert not KPIValueAmendment.objects.exists()


def test_what_identifies_a_figure_cannot_be_changed_once_it_exists(admin_client, locked_value):
    page = admin_client.get(reverse("admin:actions_kpivalue_change", args=[locked_value.pk])).content.decode()
    assert 'name="period_end"' not in page and 'name="area"' not in page
    assert 'name="amendment_reason"' in page


def test_a_locked_figure_cannot_be_deleted(admin_client, locked_value):
    response = admin_client.post(
        reverse("admin:actions_kpivalue_delete", args=[locked_value.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert KPIValue.objects.filter(pk=locked_value.pk).exists()


def test_the_locks_and_amendments_can_be_read_but_not_written_in_the_admin(admin_client, locked_value):
    change(admin_client, locked_value, amendment_reason=REASON)
    amendment = KPIValueAmendment.objects.get()
    for url in (
        reverse("admin:actions_kpiperiodlock_changelist") + "?q=April",
        reverse("admin:actions_kpivalueamendment_changelist") + "?q=W01",
        reverse("admin:actions_kpivalueamendment_change", args=[amendment.pk]),
    ):
        response = admin_client.get(url)
        assert response.status_code == 200, url
    assert REASON in admin_client.get(reverse("admin:actions_kpivalueamendment_changelist")).content.decode()
    assert admin_client.get(reverse("admin:actions_kpiperiodlock_add")).status_code == 403
    assert admin_client.get(reverse("admin:actions_kpivalueamendment_add")).status_code == 403
    response = admin_client.post(
        reverse("admin:actions_kpivalueamendment_delete", args=[amendment.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
