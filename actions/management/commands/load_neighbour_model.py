from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from actions.kpis.neighbours import NeighbourFileError, load_neighbour_model
from core.formatting import uk_date


class Command(BaseCommand):
    help = (
        "Load one of DfE's statistical-neighbour models (the 2025 wide layout or the April 2021 "
        "groupings' layout). It is used for the statistical-neighbour figures of periods ending on or "
        "after --in-force-from, until a later model takes over. Loading the same file again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="The model's .csv file, as DfE publishes it.")
        parser.add_argument("--name", required=True, help='e.g. "DfE statistical neighbours, 2028".')
        parser.add_argument(
            "--in-force-from",
            required=True,
            type=date.fromisoformat,
            help="The first period end that uses it, e.g. 2028-03-31.",
        )

    def handle(self, *args, path: Path, name: str, in_force_from: date, **options):
        if not path.is_file():
            raise CommandError(f"There is no file at {path}.")
        try:
            model = load_neighbour_model(path=path, name=name, in_force_from=in_force_from)
        except NeighbourFileError as exc:
            raise CommandError(f"{path.name} was not loaded: {exc}") from exc
        councils = model.neighbours.values("la_code").distinct().count()
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {model.name}: ten neighbours for each of {councils} councils, "
                f"in force from {uk_date(in_force_from)}."
            )
        )
