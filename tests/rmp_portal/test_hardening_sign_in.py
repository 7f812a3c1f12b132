"""Sign-in throttling (rmp_portal/signin.py; settings in rmp_portal/settings/base.py): 5 wrong
passwords for a username from one address lock that pair for 15 minutes; 50 failures in an
hour from one address, whatever the usernames (password spraying), lock the address. The
client's address is REMOTE_ADDR, or, behind NUM_PROXIES trusted proxies, the address they
forwarded."""

import datetime
import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from axes.models import AccessAttempt
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

OFFICE = "198.51.100.10"
ELSEWHERE = "198.51.100.20"


def sign_in(client, username, password=PASSWORD, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def spray(client, count, address=OFFICE, start=0):
    """`count` wrong passwords from `address`, each for another username."""
    for n in range(start, start + count):
        response = sign_in(client, f"guess{n}", "wrong-password", REMOTE_ADDR=address)
        assert response.status_code == 200, n


class Clock:
    """The time axes and Django see, moved by the test."""

    def __init__(self):
        self.now = timezone.now()

    def __call__(self):
        return self.now

    def advance(self, **delta):
        self.now += datetime.timedelta(**delta)


@pytest.fixture
def clock():
    clock = Clock()
    with (
        mock.patch("django.utils.timezone.now", clock),
        mock.patch("axes.handlers.proxy.now", clock),
        mock.patch("axes.attempts.now", clock),
    ):
        yield clock


# Per address ----------------------------------------------------------------------------


def test_fifty_failures_over_many_usernames_lock_the_address(client, officer):
    spray(client, 50)
    # The 51st attempt from the address is refused, even with the right password.
    response = sign_in(client, "officer", REMOTE_ADDR=OFFICE)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_another_address_is_not_affected(client, officer):
    spray(client, 50)
    response = sign_in(Client(), "officer", REMOTE_ADDR=ELSEWHERE)
    assert response.status_code == 302


def test_forty_nine_failures_do_not_lock_the_address(client, officer):
    spray(client, 49)
    assert sign_in(client, "officer", REMOTE_ADDR=OFFICE).status_code == 302
    # A success does not wipe the address's count: one more failure locks it.
    other = Client()
    spray(other, 1, start=49)
    assert sign_in(other, "officer", REMOTE_ADDR=OFFICE).status_code == 429


def test_the_address_lock_lifts_an_hour_after_the_failures(client, officer, clock):
    spray(client, 50)
    clock.advance(minutes=30)
    assert sign_in(client, "officer", REMOTE_ADDR=OFFICE).status_code == 429
    clock.advance(minutes=31)  # the 50 failures are now more than an hour old
    assert sign_in(client, "officer", REMOTE_ADDR=OFFICE).status_code == 302


# Per username and address ---------------------------------------------------------------


def test_five_failures_for_a_username_lock_it_from_that_address_only(client, officer):
    for _ in range(4):
        assert sign_in(client, "officer", "nope", REMOTE_ADDR=OFFICE).status_code == 200
    assert sign_in(client, "officer", "nope", REMOTE_ADDR=OFFICE).status_code == 429
    assert sign_in(client, "officer", REMOTE_ADDR=OFFICE).status_code == 429
    assert sign_in(Client(), "officer", REMOTE_ADDR=ELSEWHERE).status_code == 302


def test_the_username_lock_lifts_after_fifteen_minutes_not_after_one(client, officer, clock):
    for _ in range(5):
        sign_in(client, "officer", "nope", REMOTE_ADDR=OFFICE)
    clock.advance(minutes=1)
    assert sign_in(client, "officer", REMOTE_ADDR=OFFICE).status_code == 429
    # A refused attempt restarts the 15 minutes: 14 minutes later it is still locked...
    clock.advance(minutes=14)
    assert sign_in(client, "officer", REMOTE_ADDR=OFFICE).status_code == 429
    # ... and 15 minutes after that last attempt it is open again.
    clock.advance(minutes=15, seconds=1)
    response = sign_in(client, "officer", REMOTE_ADDR=OFFICE)
    assert response.status_code == 302
    assert client.get("/").wsgi_request.user.username == "officer"


# The client's address -------------------------------------------------------------------


def test_without_trusted_proxies_the_address_is_remote_addr(client, officer, settings):
    assert settings.NUM_PROXIES == 0
    # A client cannot pick its address with a header of its own.
    for n in range(5):
        forwarded = f"203.0.113.{n}"
        sign_in(client, "officer", "nope", REMOTE_ADDR=OFFICE, HTTP_X_FORWARDED_FOR=forwarded)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {OFFICE}
    assert sign_in(client, "officer", REMOTE_ADDR=OFFICE).status_code == 429


@override_settings(NUM_PROXIES=1)
def test_behind_one_proxy_the_address_is_the_one_it_forwarded(client, officer):
    proxy = {"REMOTE_ADDR": "127.0.0.1"}
    for _ in range(5):
        # What the client sent itself comes first; nginx appends the address it saw.
        sign_in(client, "officer", "nope", HTTP_X_FORWARDED_FOR="10.9.9.9, 203.0.113.7", **proxy)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.7"}
    locked = sign_in(client, "officer", HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy)
    assert locked.status_code == 429
    # Another client behind the same proxy is not locked out with it.
    other = sign_in(Client(), "officer", HTTP_X_FORWARDED_FOR="203.0.113.8", **proxy)
    assert other.status_code == 302


@override_settings(NUM_PROXIES=2)
def test_a_missing_or_malformed_header_falls_back_to_remote_addr(client, officer):
    sign_in(client, "officer", "nope", REMOTE_ADDR=OFFICE, HTTP_X_FORWARDED_FOR="203.0.113.7")
    sign_in(client, "officer", "nope", REMOTE_ADDR=OFFICE, HTTP_X_FORWARDED_FOR="junk, 10.0.0.1")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {OFFICE}


def settings_value(name: str, **environment) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "NUM_PROXIES"}
    env.update(environment, DJANGO_SETTINGS_MODULE="rmp_portal.settings.test")
    code = f"from django.conf import settings; print(settings.{name})"
    root = Path(__file__).resolve().parents[2]
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], env=env, cwd=root, capture_output=True, text=True
    )


def test_num_proxies_comes_from_the_environment():
    assert settings_value("NUM_PROXIES").stdout.strip() == "0"
    assert settings_value("NUM_PROXIES", NUM_PROXIES="1").stdout.strip() == "1"
    assert settings_value("NUM_PROXIES", NUM_PROXIES="-1").returncode != 0
    assert settings_value("NUM_PROXIES", NUM_PROXIES="many").returncode != 0
