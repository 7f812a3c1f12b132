"""REDIS_URL makes the cache one shared Redis (the API's throttle counts and the figures are
then the same for every worker); without it each process keeps its own."""

import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
PROBE = (
    "import sys; from django.core.cache import cache, caches; "
    "cache.set(sys.argv[1], sys.argv[2]) if len(sys.argv) > 2 else None; "
    'print(type(caches["default"]).__name__, cache.get(sys.argv[1]))'
)


def _redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


def in_a_process(*args: str, redis_url: str = "") -> str:
    """What a separate server process sees in its cache."""
    env = {
        **os.environ,
        "REDIS_URL": redis_url,
        "DJANGO_SETTINGS_MODULE": "rmp_portal.settings.test",
    }
    code = "import django; django.setup(); " + PROBE
    result = subprocess.run(
        [sys.executable, "-c", code, *args], cwd=ROOT, env=env, capture_output=True, text=True,
        check=True, timeout=60,
    )  # fmt: skip
    return result.stdout.strip()


def test_without_redis_each_process_has_its_own_cache():
    key = f"probe-{uuid.uuid4().hex}"
    assert in_a_process(key, "written") == "LocMemCache written"
    assert in_a_process(key) == "LocMemCache None"


@pytest.mark.skipif(not _redis_up(), reason="no Redis on 127.0.0.1:6379")
def test_with_redis_url_one_process_reads_what_another_wrote():
    key = f"probe-{uuid.uuid4().hex}"
    url = "redis://127.0.0.1:6379/15"
    assert in_a_process(key, "written", redis_url=url) == "RedisCache written"
    assert in_a_process(key, redis_url=url) == "RedisCache written"
