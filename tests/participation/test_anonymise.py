"""Closed referrals are anonymised after the retention period by a scheduled task."""

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.sessions.models import Session
from django.db import connection
from django.urls import reverse

from participation.iv.selectors import iv_panel_figures
from participation.iv.services import record_view_log, referrals_anonymise_closed
from participation.models import RecordView, Referral
from participation.tasks import anonymise_closed_referrals
from tests.conftest import wait_for
from tests.factories import MatchFactory, ReferralFactory, VisitFactory
from tests.participation.helpers import days_ago


@pytest.fixture
def records(settings, users):
    settings.IV_RETENTION_DAYS = 365
    old = MatchFactory(
        referral__child_reference="OLD-00001",
        referral__state="ended",
        referral__closed_on=days_ago(400),
        referral__end_reason="planned_end",
        referral__needs="Needs someone patient.",
        matched_on=days_ago(1000),
        introduction_on=days_ago(990),
        ended_on=days_ago(400),
    )
    VisitFactory(match=old, visited_on=days_ago(500), notes="Went to the zoo.")
    record_view_log(user=users["ivstaff"], referral=old.referral, view="referral")
    return {
        "old": old.referral,
        "recent": ReferralFactory(child_reference="NEW-00001", state="declined", closed_on=days_ago(300)),
        "open": ReferralFactory(child_reference="OPEN-00001", received_on=days_ago(900)),
    }


@pytest.mark.django_db
def test_referrals_closed_longer_than_the_retention_period_lose_what_identifies_the_child(records):
    figures_before = iv_panel_figures(as_of=days_ago(0))
    assert referrals_anonymise_closed() == 1
    old = Referral.objects.get(pk=records["old"].pk)
    assert old.child_reference == f"ANON-{old.pk}"
    assert (old.date_of_birth, old.needs, old.referrer_name) == (None, "", "")
    assert old.anonymised_at is not None
    assert old.match.visits.get().notes == ""
    assert (old.state, old.end_reason, old.legal_status) == ("ended", "planned_end", "looked_after")
    assert RecordView.objects.get().record == f"Referral {old.pk}"
    assert Referral.objects.get(pk=records["recent"].pk).child_reference == "NEW-00001"
    assert Referral.objects.get(pk=records["open"].pk).child_reference == "OPEN-00001"
    assert iv_panel_figures(as_of=days_ago(0)) == figures_before  # the panel's figures do not change


@pytest.mark.django_db
def test_anonymising_twice_changes_nothing_more(records):
    referrals_anonymise_closed()
    first = Referral.objects.get(pk=records["old"].pk).anonymised_at
    assert referrals_anonymise_closed() == 0
    assert Referral.objects.get(pk=records["old"].pk).anonymised_at == first


@pytest.mark.django_db
def test_an_anonymised_referral_page_still_opens_for_the_coordinator(client, users, records):
    referrals_anonymise_closed()
    client.force_login(users["ivstaff"])
    html = client.get(reverse("participation:iv:referral", args=[records["old"].pk])).content.decode()
    assert "Removed when anonymised" in html
    assert "OLD-00001" not in html


@pytest.mark.celery_worker
def test_a_real_worker_runs_the_scheduled_anonymisation(celery_worker, records):
    anonymise_closed_referrals.delay()
    wait_for(lambda: Referral.objects.filter(pk=records["old"].pk, anonymised_at__isnull=False).exists())


def _rows_mentioning(text: str) -> list[str]:
    """Every table of the database, each row read as text, searched for ``text``; sessions decoded."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT count(*) FROM {quoted} AS t WHERE t::text LIKE %s", [f"%{text}%"])  # noqa: S608
            if cursor.fetchone()[0]:
                found.append(table)
    found += [f"session {s.pk}" for s in Session.objects.all() if text in str(s.get_decoded())]
    return found


@pytest.mark.django_db
def test_after_anonymising_the_old_reference_is_nowhere_in_the_database(records, client, users):
    old = records["old"]
    Referral.objects.filter(pk=old.pk).update(referrer_team="Team of OLD-00001's social worker")
    # The reference passes through the admin (its history) and the portal (messages, the view log).
    client.force_login(users["admin"])
    assert client.get(reverse("admin:participation_referral_change", args=[old.pk])).status_code == 200
    LogEntry.objects.log_actions(
        user_id=users["admin"].pk,
        queryset=[old],
        action_flag=CHANGE,
        change_message="Checked OLD-00001 by phone",
    )
    LogEntry.objects.log_actions(user_id=users["admin"].pk, queryset=[old.match], action_flag=CHANGE)
    assert client.get(reverse("participation:iv:referral", args=[old.pk])).status_code == 200
    assert _rows_mentioning("OLD-00001")

    referrals_anonymise_closed()

    assert _rows_mentioning("OLD-00001") == []
    assert Referral.objects.get(pk=old.pk).referrer_team == ""
    assert LogEntry.objects.filter(
        object_id=str(old.pk), content_type__model="referral"
    ).get().object_repr == (f"ANON-{old.pk}")


@pytest.mark.django_db
def test_anonymising_one_reference_leaves_a_longer_reference_that_contains_it_alone(records, users):
    longer = ReferralFactory(child_reference="OLD-000012", received_on=days_ago(10))
    LogEntry.objects.log_actions(
        user_id=users["admin"].pk,
        queryset=[longer],
        action_flag=CHANGE,
        change_message="Rang about OLD-000012",
    )
    LogEntry.objects.log_actions(
        user_id=users["admin"].pk,
        queryset=[records["old"]],
        action_flag=CHANGE,
        change_message="Closed OLD-00001 (see OLD-00001/2)",
    )

    referrals_anonymise_closed()

    messages = set(LogEntry.objects.values_list("change_message", flat=True))
    assert "Rang about OLD-000012" in messages
    assert f"Closed ANON-{records['old'].pk} (see OLD-00001/2)" in messages
