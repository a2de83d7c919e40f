from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from actions import month_ends
from actions.kpis.services import kpi_commentary_add
from actions.models import KPI, Action, KPIValue
from tests.actions.conftest import bulk_plan
from tests.factories import ActionFactory, KPIValueFactory

pytestmark = pytest.mark.django_db


def moment(day: date) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, 12))


def test_the_dashboard_shows_each_promise_with_its_actions_by_rating(client, users):
    ActionFactory(status="off_track", title="Health passports")
    client.force_login(users["panel"])
    response = client.get(reverse("panel:dashboard"))
    page = response.content.decode()
    assert response.status_code == 200
    for name in ("Well", "Inspired", "Safe", "Heard", "Treated Fairly"):
        assert name in page
    assert "W actions rated Red" not in page  # counts are labelled with the theme's name
    assert "Well actions rated Red" in page
    assert f"{reverse('action_plan')}?theme=W&amp;rag=red" in page


def test_a_red_kpi_is_listed_and_links_to_its_page(client, users):
    kpi = KPI.objects.get(code="W01")
    kpi.target, kpi.amber_tolerance = Decimal("90"), Decimal("5")
    kpi.save()
    KPIValueFactory(kpi=kpi, period_end=date(2026, 3, 31), value=Decimal("60"), numerator=30, denominator=50)
    client.force_login(users["panel"])
    page = client.get(reverse("panel:dashboard")).content.decode()
    assert reverse("kpi_detail", args=["W01"]) in page
    assert "No measure is rated red." not in page


def test_overdue_and_stale_actions_need_attention(client, users):
    ActionFactory(title="Late action", due_date=date.today() - timedelta(days=3), start_date=date(2025, 6, 1))
    client.force_login(users["panel"])
    page = client.get(reverse("panel:dashboard")).content.decode()
    assert "1 overdue action" in page and "Late action" in page


def test_an_earlier_day_shows_the_plan_as_it_stood(client, users):
    today = timezone.localdate()
    action = ActionFactory(title="Changed lately", status="on_track", start_date=today - timedelta(days=300))
    action.history.filter(history_type="+").update(history_date=moment(today - timedelta(days=200)))
    action.status = Action.Status.OFF_TRACK
    action._history_date = moment(today - timedelta(days=5))
    action.save()
    client.force_login(users["panel"])
    then = client.get(reverse("panel:dashboard"), {"as_of": (today - timedelta(days=30)).isoformat()})
    page = then.content.decode()
    assert "As the plan stood at the end of" in page
    assert "Well actions rated Green" in page and "Well actions rated Red" not in page


@pytest.mark.parametrize(
    ("value", "message"),
    [("2999-01-01", "The date cannot be in the future."), ("not-a-date", "Enter a real date")],
)
def test_a_bad_as_of_date_is_explained_and_today_is_shown(client, users, value, message):
    client.force_login(users["panel"])
    page = client.get(reverse("panel:dashboard"), {"as_of": value}).content.decode()
    assert message in page
    assert "There is a problem" in page
    assert "Today," in page


def test_the_dashboard_runs_a_fixed_number_of_queries(client, users, django_assert_max_num_queries):
    client.force_login(users["panel"])
    bulk_plan(20)
    _red_kpi_with_commentary(users)
    # session, user, the user's groups (rules and menu); themes; actions by theme and
    # RAG; overdue and stale counts; first overdue; first stale; KPIs; KPI figures (the
    # last 13 of each) and comparators (2); the plan's ratings at the end of each of the
    # last 12 months (the closed months' counts kept by the daily task; today's are the
    # counts by theme above);
    # owners' commentary on red and amber figures; the latest period with other
    # councils' figures for the red measure (none here, so nothing more); open
    # feedback; IV figures (6); IV overdue visits; the derived measures as stored (1; none
    # is stored here, so they are worked out for the last month end: KPIs, IV figures (6),
    # active young people (1)); next meeting; latest report; the session's renewed expiry
    month_ends.rate_closed_months(today=timezone.localdate())  # as the daily task does
    with django_assert_max_num_queries(36) as small:
        client.get(reverse("panel:dashboard"))
    bulk_plan(300)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("panel:dashboard"))


def _red_kpi_with_commentary(users):
    kpi = KPI.objects.get(code="W01")
    kpi.target, kpi.amber_tolerance, kpi.owner = Decimal("90"), Decimal("5"), users["lead"]
    kpi.save()
    KPIValueFactory(kpi=kpi, period_end=date(2026, 3, 31), value=Decimal("60"), numerator=30, denominator=50)
    kpi_commentary_add(
        kpi=kpi,
        period_end=date(2026, 3, 31),
        user=users["lead"],
        commentary="Two nurses left in February.",
        corrective_action="Agency nurse booked from April.",
    )
    return kpi


def test_red_and_amber_measures_show_their_owners_commentary_or_its_absence(client, users):
    _red_kpi_with_commentary(users)
    amber = KPI.objects.get(code="W02")
    amber.target, amber.amber_tolerance, amber.polarity = Decimal("90"), Decimal("5"), "higher"
    amber.save()
    KPIValueFactory(
        kpi=amber, period_end=date(2026, 3, 31), value=Decimal("88"), numerator=44, denominator=50
    )
    client.force_login(users["panel"])
    page = client.get(reverse("panel:dashboard")).content.decode()
    section = page[page.index('id="kpi-commentary"') :]
    assert "Two nurses left in February." in section
    assert "Agency nurse booked from April." in section
    assert section.index("W01") < section.index("W02")  # red first
    assert "No commentary yet</strong> for March 2026" in section


def test_each_promise_has_stacked_bars_whose_segments_link_to_the_filtered_lists(client, users):
    ActionFactory(status="off_track", title="Health passports")
    ActionFactory(status="on_track")
    kpi = KPI.objects.get(code="W01")
    kpi.target, kpi.amber_tolerance = Decimal("90"), Decimal("5")
    kpi.save()
    KPIValueFactory(kpi=kpi, period_end=date(2026, 3, 31), value=Decimal("60"))
    client.force_login(users["panel"])
    page = client.get(reverse("panel:dashboard")).content.decode()
    assert 'aria-label="Well actions: 2 actions by rating: 1 red, 1 green."' in page
    assert f'<a class="hcp-rag-bar__link" href="{reverse("action_plan")}?theme=W&amp;rag=red"' in page
    assert 'aria-label="Well actions rated Red: 1"' in page
    assert f'<a class="hcp-rag-bar__link" href="{reverse("kpi_list")}?theme=W&amp;rating=red"' in page
    # the counts in the table beside the bars link to the same filtered KPI list
    assert f'href="{reverse("kpi_list")}?theme=W&amp;rating=red"' in page


def test_the_plans_ratings_month_by_month_come_from_the_audit_history(client, users):
    today = timezone.localdate()
    action = ActionFactory(title="Changed lately", status="on_track", start_date=today - timedelta(days=300))
    action.history.filter(history_type="+").update(history_date=moment(today - timedelta(days=200)))
    action.status = Action.Status.OFF_TRACK
    action._history_date = moment(today)
    action.save()
    client.force_login(users["panel"])
    response = client.get(reverse("panel:dashboard"))
    page = response.content.decode()
    assert "The plan's ratings month by month" in page
    assert '<svg class="hcp-chart__svg"' in page and "The figures behind this chart" in page
    columns = response.context["dashboard"].plan().rag_history.columns  # computed when not cached
    assert len(columns) == 12 and columns[-1].day == today
    # red, amber, green, complete, no rating: green until today's change
    assert columns[-2].row == [0, 0, 1, 0, 0] and columns[-1].row == [1, 0, 0, 0, 0]
    assert f"{today:%B %Y}: 1 red" in page


def test_truncated_attention_lists_say_how_many_and_link_to_all(client, users):
    for n in range(11):
        ActionFactory(
            title=f"Late {n}", due_date=date.today() - timedelta(days=3), start_date=date(2025, 6, 1)
        )
    client.force_login(users["panel"])
    page = client.get(reverse("panel:dashboard")).content.decode()
    assert "11 overdue actions" in page
    assert f'8 of 11, <a class="govuk-link" href="{reverse("action_plan")}?overdue=on">see all' in page


def test_red_measures_show_sparkline_and_direction_of_travel(client, users):
    kpi = KPI.objects.get(code="W01")
    kpi.target, kpi.amber_tolerance = Decimal("90"), Decimal("5")
    kpi.save()
    for period_end, value in [
        (date(2025, 3, 31), "50"),
        (date(2026, 2, 28), "70"),
        (date(2026, 3, 31), "60"),
    ]:
        KPIValueFactory(kpi=kpi, period_end=period_end, value=Decimal(value))
    client.force_login(users["panel"])
    page = client.get(reverse("panel:dashboard")).content.decode()
    assert "1 red performance measure" in page
    assert 'class="hcp-sparkline__svg"' in page
    assert "Worse than last month," in page and "better than a year ago" in page


def red_measures_with_councils(councils: int) -> None:
    """W01 and S01 red, with DfE figures for Havering and ``councils`` other councils."""
    march = date(2025, 3, 31)
    for code, target, value in (("W01", "90", "40"), ("S01", "5", "20")):
        kpi = KPI.objects.get(code=code)
        kpi.target, kpi.amber_tolerance = Decimal(target), Decimal("1")
        kpi.save()
        KPIValueFactory(kpi=kpi, period_end=march, value=Decimal(value))
        KPIValue.objects.bulk_create(
            KPIValue(kpi=kpi, period_end=march, area="council", la_code=f"{n:03d}", value=50 + n % 40)
            for n in range(300, 300 + councils)
        )


@pytest.mark.parametrize("councils", [12, 150])
def test_red_measures_show_rank_and_quartile_in_a_fixed_number_of_queries(
    client, users, django_assert_max_num_queries, councils
):
    red_measures_with_councils(councils)
    client.force_login(users["panel"])
    # As test_the_dashboard_runs_a_fixed_number_of_queries, with the red measures: the
    # latest period with other councils' figures, those figures, Havering's neighbours
    # (the owners' commentary query is counted there already).
    month_ends.rate_closed_months(today=timezone.localdate())  # as the daily task does
    with django_assert_max_num_queries(38):
        page = client.get(reverse("panel:dashboard")).content.decode()
    positions = page.count("data-hcp-position")
    assert positions == 2
    # W01 40% is below every council (50–89%): last in England; S01 20% the best (lower is better).
    assert "quartile 4 of 4 in England (year to March 2025)" in page
    assert "Rank 1 of 2 among statistical neighbours; quartile 1 of 4" in page
