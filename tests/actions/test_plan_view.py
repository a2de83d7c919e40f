from datetime import date, timedelta

import pytest
from django.urls import reverse

from actions.models import Action, Theme
from tests.actions.conftest import bulk_plan
from tests.factories import ActionFactory, SubgroupFactory

pytestmark = pytest.mark.django_db

# The plan page's queries, whatever the number of actions:
#  1 session, 2 user, 3 the user's groups (roles, for the menu),
#  4 the user's groups again (django-rules' own cache, for the access check),
#  5 paginator count, 6 the RAG summary, 7-9 the filter form's themes, subgroups and
#  leads, 10 the page of actions (joined and annotated),
#  11-13 saving the session (savepoint, update, release: sessions renew on each request).
PLAN_PAGE_QUERIES = 13


def titles(response) -> list[str]:
    return [action.title for action in response.context["page_obj"].object_list]


@pytest.mark.parametrize("size", [60, 2000])
def test_the_plan_page_runs_a_fixed_number_of_queries(
    client, panel_user, django_assert_max_num_queries, size
):
    bulk_plan(size)
    client.force_login(panel_user)
    with django_assert_max_num_queries(PLAN_PAGE_QUERIES):
        response = client.get(reverse("action_plan"))
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == size


def test_actions_are_grouped_by_theme_then_commitment_in_the_strategys_order(client, panel_user):
    bulk_plan(40)
    client.force_login(panel_user)
    response = client.get(reverse("action_plan"))
    actions = list(response.context["page_obj"].object_list)
    keys = [(a.commitment.theme.position, a.commitment.position, a.due_date) for a in actions]
    assert keys == sorted(keys)
    html = response.content.decode()
    assert html.index("W1: ") < html.index("W2: ") < html.index("I1: ") < html.index("T4: ")


def test_each_row_shows_lead_due_date_rating_and_last_update(client, panel_user, lead_user):
    action = ActionFactory(lead=lead_user, status="off_track", title="Recruit mentors")
    client.force_login(panel_user)
    response = client.get(reverse("action_plan"))
    html = response.content.decode()
    assert "Recruit mentors" in html
    assert lead_user.get_full_name() in html
    assert f"{action.due_date:%-d %b %Y}" in html
    assert "govuk-tag--red" in html and ">Red<" in html
    assert "None yet" in html  # no update so far


def test_filters_narrow_the_plan(client, panel_user, lead_user, users):
    today = date.today()
    sub = SubgroupFactory(name="Placements")
    heard = Theme.objects.get(code="H").commitments.first()
    mine = ActionFactory(
        lead=lead_user,
        title="Alpha mentoring",
        commitment=heard,
        subgroup=sub,
        start_date=today - timedelta(days=10),
    )
    overdue = ActionFactory(
        title="Beta housing", due_date=today - timedelta(days=1), start_date=today - timedelta(days=90)
    )
    stale = ActionFactory(title="Gamma review", start_date=today - timedelta(days=200), status="off_track")
    ActionFactory(title="Delta done", status="completed")
    client.force_login(panel_user)

    def shown(**query):
        return titles(client.get(reverse("action_plan"), query))

    assert shown(theme="H") == [mine.title]
    assert shown(subgroup=sub.pk) == [mine.title]
    assert shown(lead=lead_user.pk) == [mine.title]
    assert shown(status="off_track") == [stale.title]
    assert shown(overdue="on") == [overdue.title]
    assert set(shown(stale="on")) == {stale.title, overdue.title}
    assert shown(q="housing") == [overdue.title]
    assert shown(q="alpha MENTORING") == [mine.title]
    assert len(shown()) == 4


def test_a_bad_filter_value_is_explained_and_ignored(client, panel_user):
    ActionFactory(title="Still listed")
    client.force_login(panel_user)
    response = client.get(reverse("action_plan"), {"theme": "ZZ", "lead": "999999"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Choose a theme from the list." in html
    assert "Choose a lead from the list." in html
    assert titles(response) == ["Still listed"]


def test_the_plan_is_paginated_and_pages_keep_the_filters(client, panel_user):
    bulk_plan(230)
    client.force_login(panel_user)
    first = client.get(reverse("action_plan"), {"status": "on_track"})
    on_track = Action.objects.filter(status="on_track").count()
    assert first.context["page_obj"].paginator.count == on_track
    assert "status=on_track&amp;page=2" in first.content.decode() or on_track <= 100
    last = client.get(reverse("action_plan"), {"page": 3})
    assert len(last.context["page_obj"].object_list) == 30
    assert client.get(reverse("action_plan"), {"page": "nonsense"}).context["page_obj"].number == 1


def test_the_rating_summary_counts_every_filtered_action(client, panel_user):
    ActionFactory(status="off_track")
    ActionFactory(status="off_track")
    ActionFactory(status="completed")
    client.force_login(panel_user)
    summary = dict(client.get(reverse("action_plan")).context["rag_summary"]())  # computed when not cached
    assert summary == {"red": 2, "complete": 1}


def test_administrators_see_links_to_add_and_load_actions_and_others_do_not(client, users):
    client.force_login(users["panel"])
    assert reverse("action_create") not in client.get(reverse("action_plan")).content.decode()
    client.force_login(users["admin"])
    html = client.get(reverse("action_plan")).content.decode()
    assert reverse("action_create") in html and reverse("action_plan_import") in html


def test_the_plan_can_be_filtered_by_rating(client, users):
    ActionFactory(title="Going fine", status="on_track")
    ActionFactory(title="In trouble", status="off_track")
    client.force_login(users["panel"])
    page = client.get(reverse("action_plan"), {"rag": "red"}).content.decode()
    assert "In trouble" in page and "Going fine" not in page
    page = client.get(reverse("action_plan"), {"rag": "purple"}).content.decode()
    assert "Choose a rating from the list." in page
