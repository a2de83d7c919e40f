"""The Django admin imports no files itself: its own import ran inside the web request with no
bound (a 10 MB CSV of commas held a thread 87 s and grew the worker to 3.3 GB). Its list links
to the portal's import page, which stores the file, checks its size and reads it in a Celery
task. Its export stays."""

from datetime import date

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import NoReverseMatch, reverse

from actions.kpis.resources import KPIValueResource
from actions.models import KPI, KPIImport, KPIValue
from tests.factories import KPIValueFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_admin_has_no_import_of_its_own(admin_client):
    with pytest.raises(NoReverseMatch):
        reverse("admin:actions_kpivalue_import")
    commas = SimpleUploadedFile("commas.csv", b"," * 100_000)
    response = admin_client.post(
        "/admin/actions/kpivalue/import/", {"resource": "0", "format": "0", "import_file": commas}
    )
    assert response.status_code in (302, 404)  # the admin's catch-all: no such page
    assert not KPIImport.objects.exists() and not KPIValue.objects.exists()


def test_the_admin_list_links_to_the_portals_import_page(admin_client):
    page = admin_client.get(reverse("admin:actions_kpivalue_changelist")).content.decode()
    assert f'href="{reverse("kpi_import_new")}"' in page
    assert "Export" in page


def test_staff_without_the_import_permission_get_no_import_link(client):
    clerk = UserFactory(is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_kpivalue"))
    client.force_login(clerk)
    page = client.get(reverse("admin:actions_kpivalue_changelist")).content.decode()
    assert reverse("kpi_import_new") not in page


def test_the_admin_export_is_in_the_import_layout_and_escapes_formulas():
    KPIValueFactory(kpi=KPI.objects.get(code="W01"), note="=1+1", period_end=date(2025, 4, 30))
    dataset = KPIValueResource().export()
    assert dataset.headers == ["kpi_code", "period_end", "value", "numerator", "denominator", "area", "note"]
    assert dataset[0][0] == "W01"
    assert dataset[0][6] == "'=1+1"
