from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from actions.strategy_loader import HAVERING_STRATEGY, load_strategy, read_strategy
from participation.groups_loader import load_participation_groups


class Command(BaseCommand):
    help = (
        "Load a strategy document (themes, commitments, KPI library, participation groups) "
        "from JSON. Rows are matched on their codes, so loading again updates in place."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(HAVERING_STRATEGY))

    def handle(self, *args, path: str, **options):
        try:
            data = read_strategy(Path(path))
        except (OSError, ValueError) as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from exc
        try:
            with transaction.atomic():
                counts = load_strategy(data)
                counts["participation groups"] = load_participation_groups(data)
        except (KeyError, TypeError) as exc:
            raise CommandError(f"{path} is not a strategy document: missing {exc}") from exc
        summary = ", ".join(f"{n} {name}" for name, n in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Loaded {summary}."))
