"""Back the portal up into one dated archive: the database (a consistent pg_dump in
custom format: one snapshot, however busy the portal) and the media folder (meeting
papers, KPI files). docs/operations.md, "Backup and restore"."""

import os
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

DATABASE_MEMBER = "database.dump"
MEDIA_MEMBER = "media"


def libpq_environment(database: dict) -> dict:
    """The settings of a Django PostgreSQL database as libpq's variables (for pg_dump and
    pg_restore), so that no password appears on a command line."""
    environment = dict(os.environ)
    for key, variable in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
    ):
        if database.get(key):
            environment[variable] = str(database[key])
    return environment


def postgres_tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise CommandError(
            f"{name} is not installed: install PostgreSQL's client programs (postgresql-client)."
        )
    return found


class Command(BaseCommand):
    help = "Write the database and the media folder into one dated archive."

    def add_arguments(self, parser):
        parser.add_argument("--dir", default="backups", help="Folder for the archive (default: backups).")
        parser.add_argument("--media-root", help="The media folder to include (default: MEDIA_ROOT).")

    def handle(self, *args, dir, media_root, **options):
        if connection.vendor != "postgresql":
            raise CommandError("Backups need PostgreSQL (DATABASE_URL).")
        database = connection.settings_dict
        folder = Path(dir)
        folder.mkdir(parents=True, exist_ok=True)
        archive = folder / f"hcp-backup-{timezone.localtime():%Y-%m-%d-%H%M%S}.tar"
        media = Path(media_root or settings.MEDIA_ROOT)
        with tempfile.TemporaryDirectory() as work:
            dump = Path(work) / DATABASE_MEMBER
            done = subprocess.run(  # noqa: S603 - a PostgreSQL program, arguments from settings
                [
                    postgres_tool("pg_dump"),
                    "--format=custom",
                    "--no-owner",
                    f"--file={dump}",
                    database["NAME"],
                ],
                env=libpq_environment(database),
                capture_output=True,
                text=True,
            )
            if done.returncode:
                raise CommandError(f"pg_dump failed: {done.stderr.strip()}")
            partial = archive.with_suffix(".tar.part")
            with tarfile.open(partial, "w") as tar:
                tar.add(dump, arcname=DATABASE_MEMBER)
                if media.is_dir():
                    tar.add(media, arcname=MEDIA_MEMBER)
            partial.rename(archive)  # a half-written archive never looks like a backup
        self.stdout.write(str(archive))
