"""Participation is read by every role and written by participation officers (and
administrators). Independent Visitor lists refuse other roles (403); a child's referral
and a volunteer's record answer 404 to them, as if they did not exist."""

from participation.models import YoungPersonMessage
from tests.factories import (
    FeedbackItemFactory,
    MatchFactory,
    ParticipationGroupFactory,
    ParticipationSessionFactory,
    ReferralFactory,
    VolunteerFactory,
)
from tests.participation.helpers import date_fields, days_ago
from tests.permission_matrix import Case, expect, only

WRITERS = ("participation", "admin")
IV_STAFF = ("ivstaff", "admin")


def build_world(users):
    group = ParticipationGroupFactory(slug="perm-forum", name="Permission forum")
    session = ParticipationSessionFactory(group=group)
    match = MatchFactory()
    return {
        "group": group,
        "session": session,
        "feedback_item": FeedbackItemFactory(session=session),
        "message": YoungPersonMessage.objects.create(text="Can we have more trips?"),
        "referral": match.referral,
        "waiting_referral": ReferralFactory(),
        "volunteer": match.volunteer,
        "spare_volunteer": VolunteerFactory(),
    }


def session_post(world):
    return {
        "group": world["group"].pk,
        "kind": "meeting",
        **date_fields("held_on", days_ago(1)),
        "in_care": 4,
        "care_leavers": 2,
        "others": 0,
    }


def visit_post(world):
    return {**date_fields("visited_on", days_ago(1)), "duration_minutes": 90, "kind": "activity"}


IV_LIST = only(IV_STAFF)
IV_RECORD = only(IV_STAFF, refused=404)

CASES = [
    Case("participation:groups", expect(200)),
    Case("participation:group", expect(200), args=lambda w: [w["group"].slug]),
    Case("participation:session", expect(200), args=lambda w: [w["session"].pk]),
    Case("participation:feedback", expect(200)),
    Case("participation:figures", expect(200)),
    Case("participation:session_new", only(WRITERS)),
    Case(
        "participation:session_new",
        only(WRITERS, ok=302),
        method="post",
        data=session_post,
        id="POST participation:session_new",
    ),
    Case("participation:session_edit", only(WRITERS), args=lambda w: [w["session"].pk]),
    Case(
        "participation:session_edit",
        only(WRITERS, ok=302),
        args=lambda w: [w["session"].pk],
        method="post",
        data=session_post,
        id="POST participation:session_edit",
    ),
    Case("participation:feedback_new", only(WRITERS), args=lambda w: [w["session"].pk]),
    Case(
        "participation:feedback_new",
        only(WRITERS, ok=302),
        args=lambda w: [w["session"].pk],
        method="post",
        data=lambda w: {"said": "More trips.", "theme": w["feedback_item"].theme_id, "status": "open"},
        id="POST participation:feedback_new",
    ),
    Case("participation:feedback_edit", only(WRITERS), args=lambda w: [w["feedback_item"].pk]),
    # "You said, we did" on the young people's page, and young people's messages
    Case("participation:feedback_share", only(WRITERS), args=lambda w: [w["feedback_item"].pk]),
    Case(
        "participation:feedback_share",
        only(WRITERS, ok=302),
        args=lambda w: [w["feedback_item"].pk],
        method="post",
        data=lambda w: {
            "easy_read_said": "You want more trips.",
            "easy_read_did": "We planned two trips.",
            "names_no_child": "on",
        },
        id="POST participation:feedback_share",
    ),
    Case(
        "participation:feedback_unshare",
        only(WRITERS, ok=302),
        args=lambda w: [w["feedback_item"].pk],
        method="post",
    ),
    Case("participation:messages", only(WRITERS)),
    Case("participation:message", only(WRITERS), args=lambda w: [w["message"].pk]),
    Case(
        "participation:message_to_feedback",
        only(WRITERS, ok=302),
        args=lambda w: [w["message"].pk],
        method="post",
        data=lambda w: {"said": "More trips, please.", "theme": w["feedback_item"].theme_id},
    ),
    Case(
        "participation:message_close",
        only(WRITERS, ok=302),
        args=lambda w: [w["message"].pk],
        method="post",
        data=lambda w: {"reason": "A test message."},
    ),
    # Independent Visitors: lists and forms for new records
    Case("participation:iv:home", IV_LIST),
    Case("participation:iv:referrals", IV_LIST),
    Case("participation:iv:matches", IV_LIST),
    Case("participation:iv:volunteers", IV_LIST),
    Case("participation:iv:referral_new", IV_LIST),
    Case("participation:iv:volunteer_new", IV_LIST),
    # …and child-level records, which nobody else may know exist
    Case("participation:iv:referral", IV_RECORD, args=lambda w: [w["referral"].pk]),
    Case("participation:iv:referral_edit", IV_RECORD, args=lambda w: [w["referral"].pk]),
    Case("participation:iv:referral_move", IV_RECORD, args=lambda w: [w["referral"].pk, "ended"]),
    Case(
        "participation:iv:referral_move",
        only(IV_STAFF, ok=302, refused=404),
        args=lambda w: [w["waiting_referral"].pk, "eligibility_checked"],
        method="post",
        data=lambda w: date_fields("on", days_ago(0)),
        id="POST participation:iv:referral_move",
    ),
    Case("participation:iv:visit_new", IV_RECORD, args=lambda w: [w["referral"].pk]),
    Case(
        "participation:iv:visit_new",
        only(IV_STAFF, ok=302, refused=404),
        args=lambda w: [w["referral"].pk],
        method="post",
        data=visit_post,
        id="POST participation:iv:visit_new",
    ),
    Case("participation:iv:review_new", IV_RECORD, args=lambda w: [w["referral"].pk]),
    Case("participation:iv:volunteer", IV_RECORD, args=lambda w: [w["volunteer"].pk]),
    Case("participation:iv:volunteer_edit", IV_RECORD, args=lambda w: [w["volunteer"].pk]),
]
