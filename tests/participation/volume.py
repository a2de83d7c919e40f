"""Many IV records at once (bulk_create), for query-count tests and bench/iv_bench.py.

Every referral is synthetic ("VOL-00042"); states, matches and visits are spread so
each coordinator list and panel figure has rows to count.
"""

from datetime import date, timedelta

from participation.models import Match, Referral, Review, Visit, Volunteer

STATES = (
    "received",
    "eligibility_checked",
    "awaiting_match",
    "matched",
    "active",
    "active",
    "active",
    "ended",
    "declined",
    "withdrawn",
)


def build_iv_volume(*, referrals: int, visits: int, today: date, prefix: str = "VOL") -> None:
    """``referrals`` referrals and about ``visits`` visits shared among their matches."""
    volunteers = Volunteer.objects.bulk_create(
        Volunteer(
            name=f"Volunteer Volume {n}",
            status="active",
            dbs_issued_on=today - timedelta(days=300 + n % 900),
            dbs_expires_on=today + timedelta(days=n % 400 - 30),
        )
        for n in range(max(1, referrals // 10))
    )
    rows = []
    for n in range(referrals):
        state = STATES[n % len(STATES)]
        received = today - timedelta(days=30 + n % 700)
        rows.append(
            Referral(
                child_reference=f"{prefix}-{n:05d}",
                date_of_birth=received - timedelta(days=365 * (8 + n % 9)),
                legal_status="care_leaver" if n % 7 == 0 else "looked_after",
                placement="in_borough",
                received_on=received,
                state=state,
                state_changed_on=received,
                closed_on=received + timedelta(days=20) if state in Referral.CLOSED_STATES else None,
                end_reason="planned_end" if state == "ended" else "",
            )
        )
    created = Referral.objects.bulk_create(rows)
    matches = Match.objects.bulk_create(
        Match(
            referral=referral,
            volunteer=volunteers[n % len(volunteers)],
            matched_on=referral.received_on + timedelta(days=10),
            introduction_on=referral.received_on + timedelta(days=15),
            started_on=referral.received_on + timedelta(days=15) if referral.state != "matched" else None,
            ended_on=referral.closed_on if referral.state == "ended" else None,
        )
        for n, referral in enumerate(created)
        if referral.state in ("matched", "active", "ended")
    )
    per_match = max(1, visits // max(1, len(matches)))
    Visit.objects.bulk_create(
        (
            Visit(
                match=match,
                visited_on=min(today, match.introduction_on + timedelta(days=14 * k + n % 20)),
                duration_minutes=120,
                kind="activity",
            )
            for n, match in enumerate(matches)
            for k in range(per_match)
        ),
        batch_size=5000,
    )
    Review.objects.bulk_create(
        Review(match=match, held_on=match.introduction_on + timedelta(days=180))
        for n, match in enumerate(matches)
        if n % 2 and match.introduction_on + timedelta(days=180) <= today
    )
