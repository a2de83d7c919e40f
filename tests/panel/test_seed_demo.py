import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from panel.demo import DEMO_USERS
from panel.models import Meeting, PanelAction

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_one_user_per_role_with_the_demo_password(monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "a-synthetic-demo-pass")
    call_command("seed_demo")
    for spec in DEMO_USERS:
        user = get_user_model().objects.get(username=spec.username)
        assert list(user.groups.values_list("name", flat=True)) == [spec.role]
        assert user.check_password("a-synthetic-demo-pass")
    assert get_user_model().objects.get(username="admin").is_staff


def test_seed_demo_twice_leaves_the_same_data():
    call_command("seed_demo")
    counts = (get_user_model().objects.count(), Meeting.objects.count(), PanelAction.objects.count())
    call_command("seed_demo")
    assert (get_user_model().objects.count(), Meeting.objects.count(), PanelAction.objects.count()) == counts
    assert counts[0] >= len(DEMO_USERS)


def test_migrations_alone_create_no_users():
    assert not get_user_model().objects.exists()
