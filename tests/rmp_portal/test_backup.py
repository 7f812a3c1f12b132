"""make backup / make restore round trip: every table's row count and a checksum of the
registry export are the same after restoring into an empty database."""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent.parent

FINGERPRINT = """
import hashlib, json
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
# Sign-in bookkeeping that this fingerprint itself writes is left out.
skip = ('django_session', 'axes_accesslog')
tables = sorted(t for t in connection.introspection.table_names() if t not in skip)
with connection.cursor() as cursor:
    counts = {}
    for table in tables:
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
        counts[table] = cursor.fetchone()[0]
client = Client(HTTP_HOST="127.0.0.1")
client.force_login(get_user_model().objects.get(username="admin"))
export = b"".join(client.get("/members/export/csv/?sort=surname").streaming_content)
print("FINGERPRINT" + json.dumps({"counts": counts, "export": hashlib.sha256(export).hexdigest()}))
"""


def manage(*args, database_url):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="rmp_portal.settings.test",
        PYTHONPATH=str(ROOT),
    )
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def fingerprint(database_url):
    out = manage("shell", "-c", FINGERPRINT, database_url=database_url)
    return json.loads(out.split("FINGERPRINT", 1)[1])


def round_trip(source_url, target_url, folder):
    manage("migrate", "-v0", database_url=source_url)
    manage("load_demo_data", "--force", database_url=source_url)
    before = fingerprint(source_url)
    path = manage("backup", f"--folder={folder}", database_url=source_url).strip()
    assert Path(path).exists() and "rmp-" in Path(path).name
    manage("restore", path, database_url=target_url)
    after = fingerprint(target_url)
    differing = {t: (n, after["counts"].get(t)) for t, n in before["counts"].items()
                 if after["counts"].get(t) != n}  # fmt: skip
    assert not differing
    assert after["export"] == before["export"]
    assert before["counts"]["members_member"] > 2900
    return path


def test_sqlite_backup_restores_into_an_empty_database(tmp_path):
    source = f"sqlite:///{tmp_path / 'source.sqlite3'}"
    target = f"sqlite:///{tmp_path / 'target.sqlite3'}"
    path = round_trip(source, target, tmp_path / "backups")
    assert path.endswith(".sqlite3")


def test_restore_refuses_a_database_that_is_not_empty(tmp_path):
    source = f"sqlite:///{tmp_path / 'source.sqlite3'}"
    manage("migrate", "-v0", database_url=source)
    path = manage("backup", f"--folder={tmp_path}", database_url=source).strip()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(DATABASE_URL=source, DJANGO_SETTINGS_MODULE="rmp_portal.settings.test")
    result = subprocess.run(
        [sys.executable, "manage.py", "restore", path],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "not empty" in result.stderr


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="PostgreSQL round trip runs when the suite runs on PostgreSQL",
)
def test_postgresql_dump_restores_into_an_empty_database(tmp_path):
    import psycopg2

    base = settings.DATABASES["default"]
    names = [f"rmp_backup_{uuid.uuid4().hex[:8]}_{side}" for side in ("source", "target")]
    admin = psycopg2.connect(
        dbname="postgres",
        user=base["USER"],
        password=base["PASSWORD"],
        host=base["HOST"],
        port=base["PORT"],
    )
    admin.autocommit = True
    credentials = base["USER"] + (f":{base['PASSWORD']}" if base["PASSWORD"] else "")
    urls = [f"postgres://{credentials}@{base['HOST']}:{base['PORT'] or 5432}/{n}" for n in names]
    try:
        with admin.cursor() as cursor:
            for name in names:
                cursor.execute(f'CREATE DATABASE "{name}"')
        path = round_trip(urls[0], urls[1], tmp_path)
        assert path.endswith(".dump")
    finally:
        with admin.cursor() as cursor:
            for name in names:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.close()
