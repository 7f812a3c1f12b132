import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def run_manage(*args, **env):
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DEBUG", "SECRET"))
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy_without_warnings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SETTINGS_MODULE="rmp_portal.settings.production",
        SECRET_KEY="a-long-random-production-secret-0123456789-abcdefghijklmnopqrstuv",
        ALLOWED_HOSTS="rmp.example.org",
        DATABASE_URL="sqlite:////tmp/rmp-deploy-check.sqlite3",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage(
        "check",
        DJANGO_SETTINGS_MODULE="rmp_portal.settings.production",
        DATABASE_URL="sqlite:////tmp/rmp-deploy-check.sqlite3",
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_local_settings_with_debug_off_require_a_secret_key():
    result = run_manage(
        "check",
        DJANGO_SETTINGS_MODULE="rmp_portal.settings.local",
        DEBUG="false",
        DATABASE_URL="sqlite:////tmp/rmp-deploy-check.sqlite3",
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_a_bad_boolean_fails_loudly():
    result = run_manage(
        "check",
        DJANGO_SETTINGS_MODULE="rmp_portal.settings.local",
        DEBUG="perhaps",
        DATABASE_URL="sqlite:////tmp/rmp-deploy-check.sqlite3",
    )
    assert result.returncode != 0


def test_an_empty_database_url_means_the_sqlite_default():
    result = run_manage(
        "shell",
        "-c",
        "from django.db import connection; print(connection.vendor)",
        DJANGO_SETTINGS_MODULE="rmp_portal.settings.local",
        DATABASE_URL="",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == "sqlite"


def test_a_database_url_of_no_known_kind_fails_with_a_clear_message():
    result = run_manage(
        "check", DJANGO_SETTINGS_MODULE="rmp_portal.settings.local", DATABASE_URL="nonsense"
    )
    assert result.returncode != 0
    assert "DATABASE_URL is not a database URL" in result.stderr
