"""DfE's statistical-neighbour models: both published layouts load, and the next
model loads with a command."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from actions.kpis.neighbours import DATA
from actions.models import LocalAuthority, NeighbourModel, StatisticalNeighbour
from tests.actions.kpis.dfe import neighbours

pytestmark = pytest.mark.django_db


def havering_set(model: NeighbourModel) -> list[str]:
    return list(
        StatisticalNeighbour.objects.filter(model=model, la_code="311")
        .order_by("position")
        .values_list("neighbour_code", flat=True)
    )


def test_both_published_models_are_loaded_by_the_migration():
    models = {model.name: model for model in NeighbourModel.objects.all()}
    latest = models["DfE statistical neighbours, 2025"]
    april_2021 = models["DfE statistical neighbours, April 2021"]
    assert havering_set(latest) == neighbours("sn_model_2025_wide.csv")
    assert havering_set(april_2021) == neighbours("New_Statistical_Neighbour_Groupings_April_2021.csv")
    assert havering_set(latest)[0] == "303"  # Bexley, "Extremely close"
    assert LocalAuthority.objects.get(code="303").name == "Bexley"
    assert latest.neighbours.filter(la_code="311", position=1).get().closeness == "Extremely close"


def test_the_next_model_loads_with_a_command_and_again_changes_nothing():
    out = StringIO()
    args = [str(DATA / "sn_model_2025_wide.csv"), "--name", "Next model", "--in-force-from", "2028-03-31"]
    call_command("load_neighbour_model", *args, stdout=out)
    call_command("load_neighbour_model", *args, stdout=out)
    model = NeighbourModel.objects.get(name="Next model")
    assert model.in_force_from == date(2028, 3, 31)
    assert model.neighbours.count() == 10 * 153
    assert "ten neighbours for each of 153 councils" in out.getvalue()


def test_a_file_that_is_not_a_model_is_refused(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("time_period,la_name\n2025,Havering\n", encoding="utf-8")
    with pytest.raises(CommandError, match="This is not a statistical-neighbour model"):
        call_command("load_neighbour_model", str(path), "--name", "X", "--in-force-from", "2028-03-31")
    assert not NeighbourModel.objects.filter(name="X").exists()
