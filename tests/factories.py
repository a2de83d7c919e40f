"""factory_boy factories shared by every app's tests."""

from datetime import date, timedelta
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from actions.models import KPI, Commitment

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


# --- participation ------------------------------------------------------------------------


class ParticipationGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "participation.ParticipationGroup"
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Test forum {n}")
    slug = factory.Sequence(lambda n: f"test-forum-{n}")
    kind = "care"
