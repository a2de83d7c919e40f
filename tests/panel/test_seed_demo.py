import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from accounts.mfa import current_code, hex_key_from_base32
from panel.demo import DEFAULT_DEMO_PASSWORD, DEMO_USERS
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


def test_demo_users_sign_in_with_the_printed_authenticator_key(client, monkeypatch, capsys):
    monkeypatch.setenv("DEMO_TOTP_SECRET", "JBSWY3DPEHPK3PXP")
    call_command("seed_demo")
    printed = capsys.readouterr().out
    assert "JBSWY3DPEHPK3PXP" in printed
    # Exactly the demo users that must give a code are named (staff included).
    assert "participation, ivstaff, admin also need a code" in printed
    client.post(reverse("login"), {"username": "ivstaff", "password": DEFAULT_DEMO_PASSWORD})
    assert client.get(reverse("participation:iv:home")).status_code == 302
    call_command("demo_code")
    code = capsys.readouterr().out.strip()
    assert code == current_code(hex_key_from_base32("JBSWY3DPEHPK3PXP"))
    client.post(reverse("mfa_verify"), {"code": code})
    assert client.get(reverse("participation:iv:home")).status_code == 200


def test_the_demo_shows_real_dfe_figures_and_every_flagged_measure_has_an_owner_and_commentary(client):
    """Havering's real published figures and the 2025 neighbours on first sign-in; local
    monthly figures stay synthetic and say so; red and amber measures are explained."""
    from datetime import date

    from actions.kpis.demo import SYNTHETIC
    from actions.kpis.selectors import latest_kpi_figures
    from actions.models import KPI, KPICommentary, KPIValue
    from actions.rag import RAG

    call_command("seed_demo")
    nf45 = KPIValue.objects.get(kpi__code="NF45", period_end=date(2025, 3, 31), area="havering")
    assert (nf45.value, nf45.numerator, nf45.denominator) == (12, 31, 268)
    (s01,) = latest_kpi_figures(kpis=list(KPI.objects.filter(code="S01")))
    assert s01.latest.note == SYNTHETIC
    assert s01.comparators["england"].kpi.code == "NF45"  # DfE's, not invented
    flagged = [figure for figure in latest_kpi_figures() if figure.rag in (RAG.RED, RAG.AMBER)]
    assert flagged
    for figure in flagged:
        assert figure.kpi.owner is not None and figure.kpi.owner.get_full_name(), figure.kpi.code
        assert KPICommentary.objects.filter(kpi=figure.kpi, period_end=figure.latest.period_end).exists()
    assert KPI.objects.filter(owner__username="lead").exists()
    client.force_login(get_user_model().objects.get(username="panel"))
    page = client.get(reverse("kpi_detail", args=["NF45"])).content.decode()
    assert "ranks <strong>" in page and "Bexley" in page
