"""Participation (groups, sessions, "You said, we did") and the Independent Visitor service.

The two halves live in separate modules: ``groups`` is read by every role, ``iv``
holds child-level records that only IV coordinators and administrators may see.
"""

from .groups import FeedbackItem, ParticipationGroup, ParticipationSession, YoungPersonMessage
from .iv import Match, RecordView, Referral, ReferralEvent, Review, Visit, Volunteer

__all__ = [
    "FeedbackItem",
    "Match",
    "ParticipationGroup",
    "ParticipationSession",
    "RecordView",
    "Referral",
    "ReferralEvent",
    "Review",
    "Visit",
    "Volunteer",
    "YoungPersonMessage",
]
