"""A plain ``migrate`` holds the strategy: themes, commitments, KPI library, groups."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from actions.models import KPI, Commitment, Theme
from participation.models import ParticipationGroup

pytestmark = pytest.mark.django_db


def test_migrate_loads_the_five_wish_themes_in_order():
    assert list(Theme.objects.values_list("code", "name")) == [
        ("W", "Well"),
        ("I", "Inspired"),
        ("S", "Safe"),
        ("H", "Heard"),
        ("T", "Treated Fairly"),
    ]
    assert Theme.objects.get(code="H").promise.startswith("Your voice matters.")


def test_migrate_loads_the_twenty_commitments_under_their_themes():
    counts = {t.code: t.commitments.count() for t in Theme.objects.all()}
    assert counts == {"W": 3, "I": 4, "S": 5, "H": 4, "T": 4}
    assert Commitment.objects.get(code="H4").text.startswith("Organise special 'Takeover Days'")


def test_migrate_loads_the_kpi_library_with_stable_codes():
    codes = set(KPI.objects.filter(source="local").values_list("code", flat=True))
    expected = {f"W0{i}" for i in range(1, 5)} | {"I01", "I02", "I03", "CLA", "T01", "T02"}
    expected |= {f"S0{i}" for i in range(1, 6)} | {f"H0{i}" for i in range(1, 6)}
    assert codes == expected
    assert set(KPI.objects.filter(is_derived=True).values_list("code", flat=True)) == {"H03", "H04", "H05"}
    s01 = KPI.objects.get(code="S01")
    assert (s01.unit, s01.polarity, s01.theme.code) == ("percent", "lower", "S")
    assert KPI.objects.get(code="CLA").theme is None


def test_migrate_loads_the_participation_groups_named_in_the_strategies():
    names = set(ParticipationGroup.objects.values_list("name", flat=True))
    assert "Say It Louder (Children in Care Council)" in names
    assert {"Youth Management Team", "UK Youth Parliament", "Young Inspectors"} <= names
    assert len(names) == 9


def test_load_strategy_twice_changes_nothing():
    before = (Theme.objects.count(), Commitment.objects.count(), KPI.objects.count())
    call_command("load_strategy")
    call_command("load_strategy")
    assert (Theme.objects.count(), Commitment.objects.count(), KPI.objects.count()) == before


def test_another_council_can_load_its_own_strategy(tmp_path):
    document = {
        "themes": [
            {"code": "X", "name": "Example", "promise": "We will try.", "commitments": ["Do one thing."]}
        ],
        "kpis": [
            {
                "code": "X01",
                "theme": "X",
                "name": "An example measure",
                "unit": "count",
                "polarity": "neutral",
            }
        ],
        "participation_groups": [{"name": "Example Forum", "slug": "example-forum", "kind": "universal"}],
    }
    path = tmp_path / "strategy.json"
    path.write_text(json.dumps(document))
    call_command("load_strategy", str(path))
    assert Commitment.objects.get(code="X1").theme.name == "Example"
    assert KPI.objects.get(code="X01").theme.code == "X"
    assert ParticipationGroup.objects.filter(slug="example-forum").exists()


def test_a_document_that_is_not_a_strategy_is_refused_and_changes_nothing(tmp_path):
    path = tmp_path / "strategy.json"
    path.write_text(json.dumps({"themes": [{"code": "X", "name": "No promise"}]}))
    with pytest.raises(CommandError, match="not a strategy document"):
        call_command("load_strategy", str(path))
    assert not Theme.objects.filter(code="X").exists()
