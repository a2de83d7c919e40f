"""The menu shows exactly the sections a user may open: each item asks the rule its page requires."""

import pytest
from django.urls import reverse

from panel.navigation import ADMIN_ITEM, NAV_ITEMS
from tests.conftest import ROLE_KEYS
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", [*ROLE_KEYS, "no role"])
def test_the_menu_shows_exactly_the_sections_the_user_may_open(client, users, role):
    user = users[role] if role in users else UserFactory(username="t-nobody")
    client.force_login(user)
    home = client.get(reverse("home"))
    shown = {entry["label"].split(" (")[0] for entry in home.context["nav_items"]}
    shown_items = [item for item in NAV_ITEMS if item.label in shown]
    for item in NAV_ITEMS:
        opens = client.get(reverse(item.url_name)).status_code == 200
        if item in shown_items:
            assert opens, f"{role} sees {item.label} but may not open it"
        elif opens:
            # A page may be reached through another item's section (an administrator opens
            # young people's messages from "Young people", without the officer's "Tell us" count).
            assert any(other.match_length(item.url_name) for other in shown_items if other is not item), (
                f"{role} may open {item.label} but has no way to it in the menu"
            )
    admin_opens = client.get(reverse(ADMIN_ITEM.url_name)).status_code == 200
    assert (home.context["admin_url"] is not None) == admin_opens


def test_the_menu_asks_the_rules_not_role_lists():
    assert all(not hasattr(item, "roles") for item in (*NAV_ITEMS, ADMIN_ITEM))
    assert {item.perm for item in NAV_ITEMS} >= {
        "actions.view_plan",
        "panel.view_dashboard",
        "panel.read_reports",
    }


def test_a_user_with_no_role_sees_only_home(client):
    client.force_login(UserFactory(username="t-nobody"))
    labels = [entry["label"] for entry in client.get(reverse("home")).context["nav_items"]]
    assert labels == ["Home"]
