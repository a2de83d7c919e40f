"""Every participation and IV model has a working admin list and change page for administrators."""

import pytest
from django.urls import reverse

from tests.factories import FeedbackItemFactory, ReviewFactory, VisitFactory

pytestmark = pytest.mark.django_db

MODELS = (
    "participationgroup",
    "participationsession",
    "feedbackitem",
    "volunteer",
    "referral",
    "match",
    "visit",
    "review",
    "recordview",
)


def test_every_admin_list_and_change_page_opens(client, users):
    feedback = FeedbackItemFactory()
    visit = VisitFactory()
    review = ReviewFactory(match=visit.match)
    objects = {
        "participationgroup": feedback.session.group,
        "participationsession": feedback.session,
        "feedbackitem": feedback,
        "volunteer": visit.match.volunteer,
        "referral": visit.match.referral,
        "match": visit.match,
        "visit": visit,
        "review": review,
    }
    client.force_login(users["admin"])
    for model in MODELS:
        assert client.get(reverse(f"admin:participation_{model}_changelist")).status_code == 200, model
        assert (
            client.get(reverse(f"admin:participation_{model}_changelist"), {"q": "x"}).status_code == 200
        ), model
    for model, obj in objects.items():
        assert client.get(reverse(f"admin:participation_{model}_change", args=[obj.pk])).status_code == 200, (
            model
        )
