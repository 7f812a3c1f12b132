"""Backups of the portal's database: a PostgreSQL dump in custom format (pg_dump), or an online
copy of a SQLite database (SQLite's backup API, safe while the portal is running)."""

import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import connection
from django.utils import timezone

# libpq reads these from the environment; pg_dump and pg_restore need no password prompt.
_PG_ENV = {"NAME": "PGDATABASE", "USER": "PGUSER", "PASSWORD": "PGPASSWORD", "HOST": "PGHOST",
           "PORT": "PGPORT"}  # fmt: skip


class BackupError(Exception):
    pass


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (Debian package postgresql-client)")
    return path


def _pg_env() -> dict[str, str]:
    import os

    settings = connection.settings_dict
    env = dict(os.environ)
    for key, variable in _PG_ENV.items():
        if settings.get(key):
            env[variable] = str(settings[key])
    return env


def backup_create(*, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    if connection.vendor == "postgresql":
        target = folder / f"rmp-{stamp}.dump"
        subprocess.run(  # noqa: S603 - fixed arguments, no shell
            [_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={target}"],
            env=_pg_env(),
            check=True,
        )
        return target
    if connection.vendor == "sqlite":
        target = folder / f"rmp-{stamp}.sqlite3"
        connection.ensure_connection()
        with sqlite3.connect(target) as copy:
            connection.connection.backup(copy)
        copy.close()
        return target
    raise BackupError(f"no backup method for {connection.vendor}")


def _is_empty() -> bool:
    return not connection.introspection.table_names()


def backup_restore(*, source: Path) -> None:
    """Restore into an EMPTY database (refuses otherwise, so nothing is overwritten)."""
    if not source.exists():
        raise BackupError(f"{source} does not exist")
    if not _is_empty():
        raise BackupError(
            "the database is not empty: restore into a new, empty database "
            "(createdb, or a new DATABASE_URL file) so nothing is overwritten"
        )
    if connection.vendor == "postgresql":
        connection.close()
        subprocess.run(  # noqa: S603 - fixed arguments, no shell
            [
                _tool("pg_restore"),
                "--no-owner",
                "--exit-on-error",
                "--single-transaction",
                f"--dbname={connection.settings_dict['NAME']}",
                str(source),
            ],
            env=_pg_env(),
            check=True,
        )
        return
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(source) as original:
            original.backup(connection.connection)
        original.close()
        return
    raise BackupError(f"no restore method for {connection.vendor}")
