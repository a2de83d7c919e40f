"""Pages kept in the cache: a write shows at once, and no one sees what another role sees.

These tests commit for real (transactional), so table versions move as in production.
"""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actions.easyread.services import easy_read_approve, easy_read_save, easy_read_withdraw
from actions.models import KPI, Action
from panel.models import Meeting
from tests.conftest import cache_settings
from tests.factories import (
    ActionFactory,
    FeedbackItemFactory,
    KPIValueFactory,
    MilestoneFactory,
    ProgressUpdateFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_leads_update_appears_on_the_dashboard_at_once(client, users, redis_cache):
    action = ActionFactory(lead=users["lead"], status="on_track")
    client.force_login(users["panel"])
    assert "Well actions rated Red" not in client.get(reverse("panel:dashboard")).content.decode()
    assert "Well actions rated Red" not in client.get(reverse("panel:dashboard")).content.decode()  # cached

    lead = client.__class__()
    lead.force_login(users["lead"])
    response = lead.post(
        reverse("action_add_update", args=[action.pk]),
        {"status": "off_track", "done": "Recruitment stalled.", "next_steps": "", "evidence_url": ""},
    )
    assert response.status_code == 302

    assert "Well actions rated Red" in client.get(reverse("panel:dashboard")).content.decode()


def test_a_leads_update_recomputes_only_the_dashboards_plan(client, users, redis_cache):
    action = ActionFactory(lead=users["lead"], status="on_track")
    client.force_login(users["panel"])
    client.get(reverse("panel:dashboard"))  # every part computed and kept

    lead = client.__class__()
    lead.force_login(users["lead"])
    lead.post(
        reverse("action_add_update", args=[action.pk]),
        {"status": "off_track", "done": "Recruitment stalled.", "next_steps": "", "evidence_url": ""},
    )

    with CaptureQueriesContext(connection) as captured:
        page = client.get(reverse("panel:dashboard")).content.decode()
    assert "Well actions rated Red" in page
    read = " ".join(query["sql"] for query in captured.captured_queries)
    assert '"actions_action"' in read  # the plan's part, computed again
    for untouched in ("actions_kpivalue", "participation_", "panel_meeting", "panel_progressreport"):
        assert untouched not in read  # the measures, feedback, IV, meetings and reports: kept


def test_new_figures_feedback_and_meetings_appear_on_the_dashboard_at_once(client, users, redis_cache):
    client.force_login(users["panel"])
    page = client.get(reverse("panel:dashboard")).content.decode()
    assert "0 items open" in page and "Children in care with a visitor: no figure yet" in page

    KPIValueFactory(kpi=KPI.objects.get(code="H03"), period_end=date(2026, 3, 31), value=Decimal("41"))
    page = client.get(reverse("panel:dashboard")).content.decode()
    assert "at 31 March 2026" in page  # the derived measure, stored by the monthly task

    FeedbackItemFactory()
    Meeting.objects.create(starts_at=timezone.now() + timedelta(days=9))
    page = client.get(reverse("panel:dashboard")).content.decode()
    assert "1 item open" in page
    assert "Next meeting: <a" in page


def test_approved_easy_read_appears_on_the_young_people_page_at_once_and_leaves_at_once(client, redis_cache):
    officer = UserFactory(role="Participation officer")
    # An update of a completed action: only those are "What we did".
    update = ProgressUpdateFactory(action=ActionFactory(shareable=True, status="completed"), shareable=True)
    item = easy_read_save(subject=update, user=update.action.lead, text="We found ten mentors for you.")
    assert "ten mentors" not in client.get(reverse("young_people")).content.decode()
    easy_read_approve(item=item, user=officer)
    assert "ten mentors" in client.get(reverse("young_people")).content.decode()
    easy_read_withdraw(item=item, user=officer)
    assert "ten mentors" not in client.get(reverse("young_people")).content.decode()


def test_the_young_people_form_is_never_served_from_the_cache(client, redis_cache):
    first = client.get(reverse("young_people")).content.decode()
    client.cookies.clear()
    second = client.get(reverse("young_people")).content.decode()
    token = 'name="csrfmiddlewaretoken" value="'
    assert first.split(token)[1].split('"')[0] != second.split(token)[1].split('"')[0]


def test_a_kpi_page_cached_for_staff_never_shows_small_numbers_to_a_panel_member(client, users, redis_cache):
    kpi = KPI.objects.get(code="W01")
    KPIValueFactory(kpi=kpi, period_end=date(2026, 3, 31), value=Decimal("75"), numerator=3, denominator=4)
    for url in (reverse("kpi_detail", args=["W01"]), reverse("kpi_list")):
        client.force_login(users["admin"])
        assert "(3 of 4)" in client.get(url).content.decode()
        client.force_login(users["panel"])
        page = client.get(url).content.decode()
        assert "(3 of 4)" not in page
        assert "not shown (5 or fewer of 5 or fewer)" in page
        assert "75%" not in page
        client.force_login(users["admin"])
        assert "(3 of 4)" in client.get(url).content.decode()  # and the other way round


def test_cached_pages_show_each_user_their_own_name_and_links(client, users, redis_cache):
    client.force_login(users["admin"])
    admin_page = client.get(reverse("kpi_list")).content.decode()
    client.force_login(users["panel"])
    panel_page = client.get(reverse("kpi_list")).content.decode()
    assert reverse("kpi_import_list") in admin_page  # administrators may import
    assert reverse("kpi_import_list") not in panel_page
    assert users["panel"].username in panel_page or users["panel"].get_full_name() in panel_page
    assert users["admin"].get_full_name() not in panel_page


def test_the_report_list_never_caches_the_administrators_generate_form(client, users, redis_cache):
    client.force_login(users["admin"])
    assert "Generate a report now" in client.get(reverse("panel:report_list")).content.decode()
    client.force_login(users["panel"])
    page = client.get(reverse("panel:report_list")).content.decode()
    assert "Generate a report now" not in page
    assert 'name="kind"' not in page


@pytest.mark.own_redis
def test_with_redis_stopped_pages_still_serve_and_the_health_check_says_degraded(
    client, users, settings, private_redis
):
    settings.CACHES = cache_settings(private_redis.url)
    ActionFactory(status="off_track")
    client.force_login(users["panel"])
    pages = [
        reverse("panel:dashboard"),
        reverse("kpi_list"),
        reverse("kpi_detail", args=["W01"]),
        reverse("panel:report_list"),
        reverse("young_people"),
    ]
    for url in pages:
        assert client.get(url).status_code == 200
    assert client.get(reverse("healthz")).json()["checks"]["cache"] == "ok"

    private_redis.server.terminate()
    private_redis.server.wait(timeout=10)

    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
    assert "Well actions rated Red" in client.get(reverse("panel:dashboard")).content.decode()
    health = client.get(reverse("healthz"))
    assert health.status_code == 200
    assert health.json()["status"] == "degraded"
    assert health.json()["checks"]["cache"] == "unreachable"


def test_no_cached_page_carries_one_users_name_or_csrf_token_to_another(client, users, redis_cache):
    action = ActionFactory(lead=users["lead"])
    urls = [
        reverse("panel:dashboard"),
        reverse("action_plan"),
        reverse("action_plan") + "?rag=green",
        reverse("kpi_list"),
        reverse("kpi_detail", args=["W01"]),
        reverse("panel:report_list"),
        reverse("young_people"),
    ]
    first, second = users["admin"], users["panel"]
    pages = {}
    for user in (first, second):
        client.force_login(user)
        pages[user.pk] = {url: client.get(url).content.decode() for url in urls}
    for url in urls:
        tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', pages[first.pk][url]))
        assert not any(token in pages[second.pk][url] for token in tokens), url
        assert first.get_full_name() not in pages[second.pk][url], url

    # "My actions" is kept for each lead separately.
    other = client.__class__()
    other.force_login(users["other_lead"])
    client.force_login(users["lead"])
    assert action.title in client.get(reverse("my_actions")).content.decode()
    assert action.title not in other.get(reverse("my_actions")).content.decode()


def test_a_leads_update_shows_on_the_plan_and_their_list_at_once(client, users, redis_cache):
    action = ActionFactory(lead=users["lead"], status="on_track")
    on_plan = '<span class="govuk-body-s">Off track</span>'
    on_list = "· Off track"
    client.force_login(users["lead"])
    assert on_list not in client.get(reverse("my_actions")).content.decode()
    assert on_plan not in client.get(reverse("action_plan")).content.decode()
    response = client.post(
        reverse("action_add_update", args=[action.pk]),
        {"status": "off_track", "done": "Recruitment stalled.", "next_steps": "", "evidence_url": ""},
    )
    assert response.status_code == 302
    assert on_list in client.get(reverse("my_actions")).content.decode()
    assert on_plan in client.get(reverse("action_plan")).content.decode()


def my_actions_computed(client) -> tuple[bool, str]:
    """Whether opening "My actions" computed it (rather than serving it kept), and the page."""
    with CaptureQueriesContext(connection) as queries:
        html = client.get(reverse("my_actions")).content.decode()
    return any('AS "is_stale"' in query["sql"] for query in queries.captured_queries), html


def test_my_actions_is_computed_again_for_the_leads_own_changes_only(client, users, redis_cache):
    mine = ActionFactory(
        lead=users["lead"], title="Mentoring scheme", due_date=date.today() + timedelta(days=90)
    )
    theirs = ActionFactory(lead=users["other_lead"])
    client.force_login(users["lead"])
    assert my_actions_computed(client)[0]
    assert not my_actions_computed(client)[0]

    # Another lead's update, milestone and measure leave it kept: it rests on the lead's own rows.
    other = client.__class__()
    other.force_login(users["other_lead"])
    other.post(
        reverse("action_add_update", args=[theirs.pk]),
        {"status": "on_track", "done": "Met the providers.", "next_steps": "", "evidence_url": ""},
    )
    MilestoneFactory(action=theirs)
    KPI.objects.filter(code="S01").update(owner=users["other_lead"])
    assert not my_actions_computed(client)[0]

    # Their own rows, however written (a queryset update changes no "modified" time), do not.
    Action.objects.filter(pk=mine.pk).update(title="Mentoring scheme for care leavers")
    computed, html = my_actions_computed(client)
    assert computed and "Mentoring scheme for care leavers" in html
    MilestoneFactory(action=mine, due_date=date.today() - timedelta(days=3), completed_on=None)
    computed, html = my_actions_computed(client)
    assert computed and "Amber" in html  # a slipped milestone
    KPI.objects.filter(code="W01").update(owner=users["lead"])
    computed, html = my_actions_computed(client)
    assert computed and reverse("kpi_detail", args=["W01"]) in html
    ProgressUpdateFactory(action=mine, created_at=timezone.now() - timedelta(days=2))
    assert my_actions_computed(client)[0]
    newest = ProgressUpdateFactory(action=mine)
    assert my_actions_computed(client)[0]
    newest.delete()  # back to a state seen before: what was kept for it is right again
    assert not my_actions_computed(client)[0]
    mine.updates.all().delete()
    assert "None yet" in my_actions_computed(client)[1]


def test_query_parameters_that_change_nothing_make_no_new_entries(client, users, redis_cache):
    """Issue 23.6: entries keyed on the raw query string let anyone signed in fill Redis."""
    redis = redis_cache._cache.get_client(write=True)

    def entries() -> int:
        return sum(1 for _ in redis.scan_iter(f"{redis_cache.key_prefix}:*entry:*"))

    client.force_login(users["panel"])
    for url in (reverse("action_plan"), reverse("kpi_list")):
        client.get(url)
        client.get(url, {"theme": "not-a-theme"})  # a form with errors is shown, not kept
    kept = entries()
    for n in range(5):
        for url in (reverse("action_plan"), reverse("kpi_list")):
            assert client.get(url, {"x": n, "page": 1000 + n}).status_code == 200
    assert entries() == kept
    # Free text has no end of values: a search is answered, never kept.
    for n in range(5):
        response = client.get(reverse("action_plan"), {"q": f"search {n}"})
        assert response.status_code == 200
    assert entries() == kept
