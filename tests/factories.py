"""factory_boy factories shared by every app's tests."""

from datetime import date, timedelta
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from actions.models import KPI, Commitment, Theme

TEST_PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"User-{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        """``UserFactory(role=Role.PANEL_MEMBER)`` puts the user in that role's group."""
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))
            if extracted == "Administrator":
                self.is_staff = True
        if create:
            self.save()


# --- actions: the plan and the figures ---------------------------------------------------


class SubgroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "actions.Subgroup"
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Test subgroup {n}")


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "actions.Action"
        skip_postgeneration_save = True

    commitment = factory.LazyFunction(lambda: Commitment.objects.order_by("pk").first())
    title = factory.Sequence(lambda n: f"Test action {n}")
    description = "A synthetic action for tests."
    lead = factory.SubFactory(UserFactory, role="Subgroup lead")
    lead_organisation = "Havering Council"
    subgroup = factory.SubFactory(SubgroupFactory)
    start_date = factory.LazyFunction(lambda: date.today() - timedelta(days=90))
    due_date = factory.LazyFunction(lambda: date.today() + timedelta(days=180))
    status = "on_track"


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "actions.Milestone"

    action = factory.SubFactory(ActionFactory)
    title = factory.Sequence(lambda n: f"Milestone {n}")
    due_date = factory.LazyFunction(lambda: date.today() + timedelta(days=30))


class ProgressUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "actions.ProgressUpdate"

    action = factory.SubFactory(ActionFactory)
    author = factory.LazyAttribute(lambda u: u.action.lead)
    status = factory.LazyAttribute(lambda u: u.action.status)
    done = "Met the partners and agreed next steps."
    next_steps = "Report back to the subgroup."


class KPIImportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "actions.KPIImport"

    file_name = "figures.xlsx"
    uploaded_by = factory.SubFactory(UserFactory, role="Administrator")
    state = "done"


class KPIValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "actions.KPIValue"
        django_get_or_create = ("kpi", "period_end", "area")

    kpi = factory.LazyFunction(lambda: KPI.objects.get(code="W01"))
    period_end = date(2025, 3, 31)
    area = "havering"
    value = Decimal("72.0")
    numerator = 36
    denominator = 50


class KPIPeriodLockFactory(factory.django.DjangoModelFactory):
    """April 2025 locked, as when its monthly progress report is issued."""

    class Meta:
        model = "actions.KPIPeriodLock"
        django_get_or_create = ("period_start", "period_end")

    period_start = date(2025, 4, 1)
    period_end = date(2025, 4, 30)
    reason = factory.LazyAttribute(lambda lock: f"Monthly progress report, {lock.period_end:%B %Y} issued")


# --- participation ------------------------------------------------------------------------


class ParticipationGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "participation.ParticipationGroup"
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Test forum {n}")
    slug = factory.Sequence(lambda n: f"test-forum-{n}")
    kind = "care"


class ParticipationSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "participation.ParticipationSession"

    group = factory.SubFactory(ParticipationGroupFactory)
    kind = "meeting"
    held_on = factory.LazyFunction(lambda: date.today() - timedelta(days=14))
    title = factory.Sequence(lambda n: f"Test session {n}")
    in_care = 6
    care_leavers = 3
    others = 1


class FeedbackItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "participation.FeedbackItem"

    session = factory.SubFactory(ParticipationSessionFactory)
    group = factory.LazyAttribute(lambda item: item.session.group if item.session else None)
    raised_on = factory.LazyAttribute(lambda item: item.session.held_on if item.session else date.today())
    theme = factory.LazyFunction(lambda: Theme.objects.get(code="H"))
    said = factory.Sequence(lambda n: f"Synthetic feedback {n}: more say in reviews.")
    status = "open"


# --- participation: Independent Visitors (synthetic references only) -------------------------


class VolunteerFactory(factory.django.DjangoModelFactory):
    """An approved volunteer with every check done and a DBS check in date."""

    class Meta:
        model = "participation.Volunteer"

    name = factory.Sequence(lambda n: f"Volunteer Test {n}")
    email = factory.Sequence(lambda n: f"volunteer{n}@example.org")
    status = "approved"
    dbs_issued_on = factory.LazyFunction(lambda: date.today() - timedelta(days=365))
    dbs_expires_on = factory.LazyFunction(lambda: date.today() + timedelta(days=730))
    first_reference_on = factory.LazyFunction(lambda: date.today() - timedelta(days=360))
    second_reference_on = factory.LazyFunction(lambda: date.today() - timedelta(days=355))
    training_completed_on = factory.LazyFunction(lambda: date.today() - timedelta(days=340))
    independence_declared_on = factory.LazyFunction(lambda: date.today() - timedelta(days=365))


class ReferralFactory(factory.django.DjangoModelFactory):
    """A looked-after child's referral, received 60 days ago. ``state`` may be set directly
    for tests that start mid-workflow (MatchFactory adds the match)."""

    class Meta:
        model = "participation.Referral"

    child_reference = factory.Sequence(lambda n: f"TEST-{n:05d}")
    date_of_birth = factory.LazyFunction(lambda: date.today() - timedelta(days=365 * 10 + 40))
    legal_status = "looked_after"
    placement = "in_borough"
    referrer_name = "Test Social Worker"
    referrer_team = "Test Children in Care Team"
    received_on = factory.LazyFunction(lambda: date.today() - timedelta(days=60))
    state = "received"
    state_changed_on = factory.LazyAttribute(lambda r: r.received_on)


class MatchFactory(factory.django.DjangoModelFactory):
    """An active match: referral received 60 days ago, matched 30 days ago, introduced 25."""

    class Meta:
        model = "participation.Match"

    referral = factory.SubFactory(
        ReferralFactory,
        state="active",
        state_changed_on=factory.LazyFunction(lambda: date.today() - timedelta(days=25)),
    )
    volunteer = factory.SubFactory(VolunteerFactory, status="active")
    matched_on = factory.LazyFunction(lambda: date.today() - timedelta(days=30))
    introduction_on = factory.LazyFunction(lambda: date.today() - timedelta(days=25))
    started_on = factory.LazyAttribute(lambda m: m.introduction_on)


class VisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "participation.Visit"

    match = factory.SubFactory(MatchFactory)
    visited_on = factory.LazyFunction(lambda: date.today() - timedelta(days=7))
    duration_minutes = 120
    kind = "face_to_face"


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "participation.Review"

    match = factory.SubFactory(MatchFactory)
    held_on = factory.LazyFunction(lambda: date.today() - timedelta(days=3))
