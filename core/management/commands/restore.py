"""Restore a backup (``manage.py backup``) into a NEW database and an empty media
folder, then start the page cache afresh for it. docs/operations.md, "Backup and restore"."""

import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import psycopg2
from django.conf import settings
from django.core.management import get_commands
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from psycopg2 import sql

from core.database_url import database_url, server_address

from .backup import DATABASE_MEMBER, MEDIA_MEMBER, libpq_environment, postgres_tool


class Command(BaseCommand):
    help = "Restore a backup archive into a new database and an empty media folder."

    def add_arguments(self, parser):
        parser.add_argument("archive", help="The archive that manage.py backup wrote.")
        parser.add_argument(
            "--database",
            required=True,
            help="The new database's name: it must not exist yet (an existing one is never overwritten).",
        )
        parser.add_argument(
            "--media-root", help="The empty folder for papers and files (default: MEDIA_ROOT)."
        )

    def handle(self, *args, archive, database, media_root, **options):
        archive = Path(archive)
        if not archive.is_file():
            raise CommandError(f"There is no backup at {archive}.")
        media = Path(media_root or settings.MEDIA_ROOT)
        if media.exists() and any(media.iterdir()):
            raise CommandError(f"The media folder {media} is not empty: restore into an empty one.")
        server = connection.settings_dict
        self._create_database(server, database)
        with tempfile.TemporaryDirectory() as work, tarfile.open(archive) as tar:
            tar.extractall(work, filter="data")
            done = subprocess.run(  # noqa: S603 - a PostgreSQL program, arguments from settings
                [
                    postgres_tool("pg_restore"),
                    "--no-owner",
                    "--exit-on-error",
                    f"--dbname={database}",
                    str(Path(work) / DATABASE_MEMBER),
                ],
                env=libpq_environment(server),
                capture_output=True,
                text=True,
            )
            if done.returncode:
                raise CommandError(
                    f"pg_restore failed (the new database {database} is incomplete): {done.stderr}"
                )
            if (Path(work) / MEDIA_MEMBER).is_dir():
                shutil.copytree(Path(work) / MEDIA_MEMBER, media, dirs_exist_ok=True)
        if "bump_cache" in get_commands():
            # Whatever the cache holds was worked out from another database (#22.4-5).
            subprocess.run(
                [sys.executable, "manage.py", "bump_cache"],
                env=os.environ | {"DATABASE_URL": database_url(server, database)},
                cwd=settings.BASE_DIR,
                check=True,
            )
        self.stdout.write(f"Restored into the database {database} and {media}. Point DATABASE_URL at it.")

    def _create_database(self, server: dict, name: str) -> None:
        host, port = server_address(server)
        admin = psycopg2.connect(
            dbname="postgres",
            host=host or None,
            port=port or None,
            user=server.get("USER") or None,
            password=server.get("PASSWORD") or None,
        )
        admin.autocommit = True
        try:
            with admin.cursor() as cursor:
                cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
                if cursor.fetchone():
                    raise CommandError(f"The database {name} exists: restore into a new one.")
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        finally:
            admin.close()
