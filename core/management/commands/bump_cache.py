"""``manage.py bump_cache [table-or-app …]``: after a write that Django did not make (psql, a
restore, a script on a raw connection), make the cached pages resting on it stale."""

from django.core.management.base import BaseCommand, CommandError

from core.cache import bump_tables, data_tables, tables_named


class Command(BaseCommand):
    help = (
        "Make cached pages stale after a write made outside Django (psql, a restore). "
        "Name the tables or apps written to, or nothing for every table."
    )

    def add_arguments(self, parser):
        parser.add_argument("tables", nargs="*", help="portal tables or apps (actions, participation, panel)")

    def handle(self, *args, tables, **options):
        try:
            chosen = tables_named(tables) if tables else data_tables()
        except ValueError as error:
            raise CommandError(error) from error
        if not bump_tables(chosen):
            raise CommandError("The cache could not be reached, so nothing was made stale. Try again.")
        self.stdout.write(f"Cached pages resting on {len(chosen)} table(s) will be computed afresh.")
