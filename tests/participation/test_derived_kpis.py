"""H03, H04 and H05 are computed from the portal's records each month and stored as derived KPI values."""

from datetime import date
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta

from actions.kpis.services import lock_kpi_periods
from actions.models import KPI, KPIValue
from core.months import previous_month_end
from participation.derived_kpis import derived_kpis_record, latest_derived
from participation.tasks import record_derived_kpis
from tests.conftest import wait_for
from tests.factories import KPIValueFactory, MatchFactory, ParticipationSessionFactory
from tests.participation.helpers import days_ago

PERIOD = previous_month_end(days_ago(0))


def make_records():
    KPIValueFactory(
        kpi=KPI.objects.get(code="CLA"),
        period_end=PERIOD,
        value=Decimal(50),
        numerator=None,
        denominator=None,
    )
    for gap in (10, 20, 30):
        MatchFactory(
            referral__received_on=PERIOD - relativedelta(days=40 + gap),
            matched_on=PERIOD - relativedelta(days=40),
            introduction_on=PERIOD - relativedelta(days=35),
        )
    return ParticipationSessionFactory(held_on=PERIOD, in_care=4, care_leavers=2)


@pytest.mark.django_db
def test_the_derived_kpis_are_stored_for_the_month_end_marked_derived():
    make_records()
    stored = derived_kpis_record(period_end=PERIOD)
    assert sorted(stored) == ["H03", "H04", "H05"]
    h03 = KPIValue.objects.get(kpi__code="H03", period_end=PERIOD, area="havering")
    assert (h03.value, h03.numerator, h03.denominator, h03.is_derived) == (Decimal("6.0"), 3, 50, True)
    assert KPIValue.objects.get(kpi__code="H04", period_end=PERIOD).value == Decimal(20)
    assert KPIValue.objects.get(kpi__code="H05", period_end=PERIOD).value == Decimal(6)


@pytest.mark.django_db
def test_running_again_updates_the_same_rows():
    session = make_records()
    derived_kpis_record(period_end=PERIOD)
    ParticipationSessionFactory(group=session.group, held_on=PERIOD, in_care=9, care_leavers=0)
    derived_kpis_record(period_end=PERIOD)
    assert KPIValue.objects.filter(kpi__code__in=["H03", "H04", "H05"]).count() == 3
    assert KPIValue.objects.get(kpi__code="H05", period_end=PERIOD).value == Decimal(9)


@pytest.mark.django_db
def test_without_a_cla_count_or_any_match_only_h05_is_stored():
    assert sorted(derived_kpis_record(period_end=PERIOD)) == ["H05"]


@pytest.mark.django_db
def test_a_period_that_is_not_a_month_end_is_refused():
    with pytest.raises(ValueError, match="not the last day of a month"):
        derived_kpis_record(period_end=date(2025, 3, 30))


@pytest.mark.celery_worker
def test_a_real_worker_records_the_derived_kpis(celery_worker):
    make_records()
    record_derived_kpis.delay(PERIOD.isoformat())
    wait_for(lambda: KPIValue.objects.filter(kpi__code="H03", period_end=PERIOD, is_derived=True).exists())


@pytest.mark.django_db
def test_a_locked_period_keeps_its_derived_figures_as_reported():
    make_records()
    first = derived_kpis_record(period_end=PERIOD)
    lock_kpi_periods(period_start=PERIOD.replace(day=1), period_end=PERIOD, reason="Report issued")
    assert derived_kpis_record(period_end=PERIOD) == {}
    assert KPIValue.objects.get(kpi__code="H05", period_end=PERIOD).value == first["H05"].value


@pytest.mark.django_db
def test_one_h03_figure_on_the_dashboard_the_figures_page_and_its_kpi_page(client):
    """The IV box, the figures page and the measure's page all show the stored month-end
    figure, not a figure each works out for itself on another day."""
    from actions.roles import Role
    from tests.factories import UserFactory

    make_records()
    for gap in (11, 21, 31):  # six children with a visitor at the month end: enough to show
        MatchFactory(
            referral__received_on=PERIOD - relativedelta(days=40 + gap),
            matched_on=PERIOD - relativedelta(days=40),
            introduction_on=PERIOD - relativedelta(days=35),
        )
    derived_kpis_record(period_end=PERIOD)
    # A match made since the month ended changes today's records but not the month's figure.
    MatchFactory(referral__received_on=days_ago(3), matched_on=days_ago(0), introduction_on=days_ago(0))
    client.force_login(UserFactory(role=Role.PANEL_MEMBER))
    shown = "12% (6 of 50)"
    for url in ("/panel/", "/participation/figures/", "/kpis/H03/"):
        page = client.get(url).content.decode()
        assert shown in page, url
        assert "14% (7 of 50)" not in page, url
    assert f"month ending {PERIOD:%-d %B %Y}" in client.get("/kpis/H03/").content.decode()


@pytest.mark.django_db
def test_before_any_is_stored_the_dashboard_and_the_figures_page_show_the_same_h03(client):
    """Until the monthly task stores H03, both pages work it out for the last month end."""
    from actions.roles import Role
    from tests.factories import UserFactory

    make_records()
    for gap in (11, 21, 31):
        MatchFactory(
            referral__received_on=PERIOD - relativedelta(days=40 + gap),
            matched_on=PERIOD - relativedelta(days=40),
            introduction_on=PERIOD - relativedelta(days=35),
        )
    assert not KPIValue.objects.filter(kpi__code="H03").exists()
    day = latest_derived(as_of=days_ago(0))["H03"].period_end  # the last month end (today, if one)
    client.force_login(UserFactory(role=Role.PANEL_MEMBER))
    for url in ("/panel/", "/participation/figures/"):
        page = client.get(url).content.decode()
        assert "12% (6 of 50)" in page, url
        assert f"{day:%-d %B %Y}" in page, url
