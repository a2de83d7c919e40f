"""#22.9: a backup of a seeded portal, restored into a new database, serves every role's
pages as the original did, with the same report and paper PDFs.

Everything runs in processes of its own against two new databases on the test server
(made and dropped here), as an operator would run the commands.
"""

import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psycopg2
import pytest
from django.db import connection
from psycopg2 import sql

from core.database_url import database_url, server_address

ROOT = Path(__file__).resolve().parents[2]
CRAWL = ROOT / "tests/panel/backup_crawl.py"


def _admin():
    server = connection.settings_dict
    admin = psycopg2.connect(
        dbname="postgres",
        host=server_address(server)[0],
        port=server_address(server)[1] or 5432,
        user=server["USER"],
    )
    admin.autocommit = True
    return admin


def _run(env: dict, *command: str) -> str:
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


@pytest.mark.django_db
def test_a_restored_backup_serves_every_roles_pages_with_the_same_pdfs(tmp_path):
    server = connection.settings_dict
    suffix = uuid.uuid4().hex[:8]
    source, restored = f"hcp_backup_source_{suffix}", f"hcp_backup_restored_{suffix}"
    base = {**os.environ, "DJANGO_SETTINGS_MODULE": "havering_cp.settings_test"}
    source_env = base | {
        "DATABASE_URL": database_url(server, source),
        "CRAWL_MEDIA_ROOT": str(tmp_path / "media"),
    }
    restored_env = base | {
        "DATABASE_URL": database_url(server, restored),
        "CRAWL_MEDIA_ROOT": str(tmp_path / "restored-media"),
    }
    admin = _admin()
    admin.cursor().execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(source)))
    try:
        python = sys.executable
        _run(source_env, python, "manage.py", "migrate", "-v", "0")
        _run(source_env, python, "manage.py", "seed_demo")
        _run(source_env, python, str(CRAWL), "prepare")
        before = json.loads(_run(source_env, python, str(CRAWL), "crawl"))

        started = time.monotonic()
        archive = _run(
            source_env,
            python,
            "manage.py",
            "backup",
            "--dir",
            str(tmp_path / "backups"),
            "--media-root",
            str(tmp_path / "media"),
        ).strip()
        backed_up = time.monotonic() - started
        started = time.monotonic()
        _run(
            source_env,
            python,
            "manage.py",
            "restore",
            archive,
            "--database",
            restored,
            "--media-root",
            str(tmp_path / "restored-media"),
        )
        restored_in = time.monotonic() - started
        print(f"backup {backed_up:.1f} s ({Path(archive).stat().st_size} bytes), restore {restored_in:.1f} s")

        after = json.loads(_run(restored_env, python, str(CRAWL), "crawl"))
    finally:
        for name in (source, restored):
            admin.cursor().execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [name]
            )
            admin.cursor().execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        admin.close()

    errors = {page: status for page, status in after["pages"].items() if status >= 400}
    assert errors == {}
    assert len(after["pages"]) > 100
    assert after["pages"] == before["pages"]
    assert any("/reports/" in page for page in after["pdfs"]) and any(
        "paper" in page for page in after["pdfs"]
    )
    assert after["pdfs"] == before["pdfs"]


@pytest.mark.django_db
def test_a_restore_never_overwrites_an_existing_database(tmp_path):
    archive = tmp_path / "backup.tar"
    archive.write_bytes(b"")
    done = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "restore",
            str(archive),
            "--database",
            connection.settings_dict["NAME"],
            "--media-root",
            str(tmp_path / "media"),
        ],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "havering_cp.settings_test"},
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode != 0
    assert "exists: restore into a new one" in done.stderr
