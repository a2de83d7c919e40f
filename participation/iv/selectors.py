"""Reads for the Independent Visitor service: the coordinator's lists and the panel's figures.

Each runs a fixed number of queries whatever the number of referrals or visits: the
last visit and last review of each match come from subqueries, not from a query per match.
"""

import statistics
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Count, Min, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from actions.models import KPIValue
from core.months import add_months, start_of_months_to

from ..models import Match, Referral, Review, Visit, Volunteer

DBS_WARNING_DAYS = 60
REVIEW_WARNING_DAYS = 30
NATIONAL_ASPIRATION_PERCENT = 10  # the National Independent Visitor Network's aspiration
WAITING_BANDS = (
    (0, 29, "Under 30 days"),
    (30, 89, "30 to 89 days"),
    (90, 179, "90 to 179 days"),
    (180, None, "180 days or more"),
)


def matchable_volunteers(*, on: date) -> QuerySet[Volunteer]:
    """Approved (or already active) volunteers whose DBS check is in date, each with its
    caseload: how many children it visits now (matched or active)."""
    return (
        Volunteer.objects.filter(status__in=Volunteer.MATCHABLE_STATUSES, dbs_expires_on__gt=on)
        .annotate(caseload=Count("matches", filter=Q(matches__referral__state__in=Referral.MATCHED_STATES)))
        .order_by("name")
    )


def waiting_list() -> QuerySet[Referral]:
    """Referrals not yet matched, longest waiting first."""
    return Referral.objects.filter(state__in=Referral.WAITING_STATES).order_by("received_on", "pk")


def _matches_with_last_dates() -> QuerySet[Match]:
    last_visit = Visit.objects.filter(match=OuterRef("pk")).order_by("-visited_on").values("visited_on")[:1]
    last_review = Review.objects.filter(match=OuterRef("pk")).order_by("-held_on").values("held_on")[:1]
    return (
        Match.objects.filter(referral__state__in=Referral.MATCHED_STATES)
        .select_related("referral", "volunteer")
        .annotate(last_visit_on=Subquery(last_visit), last_review_on=Subquery(last_review))
    )


def visit_due_before(*, today: date) -> date:
    """A match whose last visit (or introduction, before any visit) is before this date is overdue."""
    return today - timedelta(days=settings.IV_VISIT_CADENCE_DAYS)


def overdue_visits(*, today: date) -> QuerySet[Match]:
    """Matched or active matches with no visit within the cadence, most overdue first."""
    return (
        _matches_with_last_dates()
        .annotate(visit_base=Coalesce("last_visit_on", "introduction_on"))
        .filter(visit_base__lt=visit_due_before(today=today))
        .order_by("visit_base", "pk")
    )


def review_due_by(*, today: date) -> date:
    """An active match whose last review (or start) is on or before this date is due a review
    within REVIEW_WARNING_DAYS, or overdue."""
    return add_months(today + timedelta(days=REVIEW_WARNING_DAYS), -settings.IV_REVIEW_MONTHS)


def reviews_due(*, today: date) -> QuerySet[Match]:
    return (
        _matches_with_last_dates()
        .filter(referral__state=Referral.State.ACTIVE)
        .annotate(review_base=Coalesce("last_review_on", "started_on"))
        .filter(review_base__lte=review_due_by(today=today))
        .order_by("review_base", "pk")
    )


def next_review_on(match: Match) -> date:
    return add_months(match.review_base, settings.IV_REVIEW_MONTHS)


def dbs_expiring(*, today: date) -> QuerySet[Volunteer]:
    """Volunteers (not yet left) whose DBS check has lapsed or lapses within 60 days."""
    return (
        Volunteer.objects.exclude(status=Volunteer.Status.LEFT)
        .filter(dbs_expires_on__lte=today + timedelta(days=DBS_WARNING_DAYS))
        .order_by("dbs_expires_on", "pk")
    )


def volunteers_with_match_counts() -> QuerySet[Volunteer]:
    return Volunteer.objects.annotate(
        current_matches=Count("matches", filter=Q(matches__referral__state__in=Referral.MATCHED_STATES))
    ).order_by("name", "pk")


def referral_timeline(referral: Referral):
    """The referral's match (with volunteer), visits, reviews and events: four queries."""
    match = Match.objects.filter(referral=referral).select_related("volunteer").first()
    visits = list(match.visits.all()) if match else []
    reviews = list(match.reviews.select_related("reviewed_by")) if match else []
    events = list(referral.events.select_related("by"))
    return match, visits, reviews, events


# --- Figures for the panel ------------------------------------------------------------------


@dataclass(frozen=True)
class IVFigures:
    as_of: date
    since: date
    waiting: int
    waiting_by_band: list[tuple[str, int]]
    longest_wait_days: int | None
    received_in_year: int
    matched_in_year: int
    median_days_to_match: float | None
    looked_after_with_iv: int
    care_leavers_with_iv: int
    cla_count: int | None
    cla_period_end: date | None
    current_matches_min_length: int
    ended_in_year: int
    ended_in_year_min_length: int
    endings_by_reason: list[tuple[str, int]]
    declined_in_year: int
    withdrawn_in_year: int
    volunteers_by_status: dict[str, int] = field(default_factory=dict)
    min_match_months: int = 18

    @property
    def percent_with_iv(self) -> float | None:
        """Children in care with an IV as a percentage of the latest CLA count, or None."""
        if not self.cla_count or self.looked_after_with_iv > self.cla_count:
            return None
        return round(100 * self.looked_after_with_iv / self.cla_count, 1)

    @property
    def with_iv(self) -> int:
        return self.looked_after_with_iv + self.care_leavers_with_iv


def _with_iv_on(day: date) -> Q:
    """The referral's child had an Independent Visitor on ``day``."""
    return Q(match__matched_on__lte=day) & (Q(match__ended_on__isnull=True) | Q(match__ended_on__gt=day))


def latest_cla(*, as_of: date) -> KPIValue | None:
    """The latest imported count of children in care (KPI CLA) for a period ending by ``as_of``."""
    return (
        KPIValue.objects.filter(kpi__code="CLA", area=KPIValue.Area.HAVERING, period_end__lte=as_of)
        .order_by("-period_end")
        .first()
    )


def iv_panel_figures(*, as_of: date) -> IVFigures:
    """Aggregates for the panel, worked out from dates so that any past day gives its figures.

    Six queries: referral counts; matches made in the year; matches ended in the year;
    endings by reason; the latest CLA count; volunteers by status.
    """
    since = start_of_months_to(as_of, 12)
    min_months = settings.IV_MIN_MATCH_MONTHS
    waiting = (
        Q(received_on__lte=as_of)
        & (Q(closed_on__isnull=True) | Q(closed_on__gt=as_of))
        & (Q(match__isnull=True) | Q(match__matched_on__gt=as_of))
    )
    bands = {
        f"band_{low}": Count(
            "pk",
            filter=waiting
            & Q(received_on__lte=as_of - timedelta(days=low))
            & (Q() if high is None else Q(received_on__gte=as_of - timedelta(days=high))),
        )
        for low, high, _ in WAITING_BANDS
    }
    closed_in_year = Q(closed_on__gte=since, closed_on__lte=as_of)
    counts = Referral.objects.aggregate(
        waiting=Count("pk", filter=waiting),
        oldest_waiting=Min("received_on", filter=waiting),
        received_in_year=Count("pk", filter=Q(received_on__gte=since, received_on__lte=as_of)),
        looked_after_with_iv=Count(
            "pk", filter=_with_iv_on(as_of) & Q(legal_status=Referral.LegalStatus.LOOKED_AFTER)
        ),
        care_leavers_with_iv=Count(
            "pk", filter=_with_iv_on(as_of) & Q(legal_status=Referral.LegalStatus.CARE_LEAVER)
        ),
        current_min_length=Count(
            "pk",
            filter=_with_iv_on(as_of) & Q(match__matched_on__lte=add_months(as_of, -min_months)),
        ),
        declined_in_year=Count("pk", filter=closed_in_year & Q(state=Referral.State.DECLINED)),
        withdrawn_in_year=Count("pk", filter=closed_in_year & Q(state=Referral.State.WITHDRAWN)),
        **bands,
    )
    days_to_match = [
        (matched_on - received_on).days
        for matched_on, received_on in Match.objects.filter(matched_on__gte=since, matched_on__lte=as_of)
        .values_list("matched_on", "referral__received_on")
        .order_by()
    ]
    ended = list(
        Match.objects.filter(ended_on__gte=since, ended_on__lte=as_of)
        .values_list("matched_on", "ended_on")
        .order_by()
    )
    endings = dict(
        Referral.objects.filter(closed_in_year, state=Referral.State.ENDED)
        .values_list("end_reason")
        .annotate(n=Count("pk"))
        .order_by()
    )
    cla = latest_cla(as_of=as_of)
    volunteers = dict(Volunteer.objects.values_list("status").annotate(n=Count("pk")).order_by())
    oldest = counts["oldest_waiting"]
    return IVFigures(
        as_of=as_of,
        since=since,
        waiting=counts["waiting"],
        waiting_by_band=[(label, counts[f"band_{low}"]) for low, _, label in WAITING_BANDS],
        longest_wait_days=(as_of - oldest).days if oldest else None,
        received_in_year=counts["received_in_year"],
        matched_in_year=len(days_to_match),
        median_days_to_match=statistics.median(days_to_match) if days_to_match else None,
        looked_after_with_iv=counts["looked_after_with_iv"],
        care_leavers_with_iv=counts["care_leavers_with_iv"],
        cla_count=int(cla.value) if cla else None,
        cla_period_end=cla.period_end if cla else None,
        current_matches_min_length=counts["current_min_length"],
        ended_in_year=len(ended),
        ended_in_year_min_length=sum(
            1 for matched_on, ended_on in ended if ended_on >= add_months(matched_on, min_months)
        ),
        endings_by_reason=[
            (label, endings[value]) for value, label in Referral.EndReason.choices if endings.get(value)
        ],
        declined_in_year=counts["declined_in_year"],
        withdrawn_in_year=counts["withdrawn_in_year"],
        volunteers_by_status={label: volunteers.get(value, 0) for value, label in Volunteer.Status.choices},
        min_match_months=min_months,
    )
