"""A real report (built from data, not the permission matrix's stub) reads at 320 CSS pixels:
its wide tables scroll inside their own regions and its charts shrink to fit (WCAG 1.4.10)."""

from datetime import date
from decimal import Decimal

import pytest

from actions.models import KPI
from panel import reports
from panel.models import ProgressReport
from panel.snapshot import build_snapshot
from tests.browser.conftest import assert_accessible, sign_in
from tests.browser.test_reflow import _overflow
from tests.factories import ActionFactory, KPIValueFactory, ProgressUpdateFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_built_report_fits_320_pixels_and_passes_axe(page, users):
    for status in ("on_track", "off_track", "some_slippage"):
        action = ActionFactory(status=status, title=f"A long action title about {status} " * 3)
        ProgressUpdateFactory(action=action, status=status)
    kpi = KPI.objects.get(code="W02")
    kpi.target = Decimal(90)
    kpi.save()
    KPIValueFactory(kpi=kpi, period_end=date(2026, 10, 31), value=Decimal(62), numerator=31, denominator=50)
    report = ProgressReport.objects.create(
        kind="monthly", period_start=date(2026, 10, 1), period_end=date(2026, 10, 31)
    )
    assert reports.build_report(report_id=report.pk, snapshot_builder=build_snapshot)

    sign_in(page, users["panel"].username)
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(report.get_absolute_url())
    width = _overflow(page)
    assert width["scrollWidth"] <= width["viewport"], width["wide"]
    assert_accessible(page)
