"""CSRF on every POST, no off-site redirects after sign-in, secure cookies in production,
error pages in the portal's look without stack traces, and escaping of hostile names."""

import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.test import Client

from cooperatives.models import Cooperative, CooperativeMembership
from groups.models import SelfHelpGroup
from members.models import Member
from tests import factories
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent.parent
HOSTILE = "<script>alert(1)</script>"


@pytest.fixture
def world():
    officer = factories.field_officer("Devashtich", username="csrf-officer")
    group = factories.GroupFactory()
    member = factories.MemberFactory(group=group, surname=HOSTILE, given_name="=1+2")
    second = factories.GroupFactory()
    cooperative = factories.CooperativeFactory()
    membership = factories.CooperativeMembershipFactory(cooperative=cooperative, group=second)
    return {
        "officer": officer,
        "group": group,
        "member": member,
        "cooperative": cooperative,
        "membership": membership,
    }


def snapshot():
    return (
        list(SelfHelpGroup.objects.order_by("pk").values()),
        list(Member.objects.order_by("pk").values()),
        list(Cooperative.objects.order_by("pk").values()),
        list(CooperativeMembership.objects.order_by("pk").values()),
    )


def post_urls(world):
    group, member = world["group"], world["member"]
    cooperative, membership = world["cooperative"], world["membership"]
    return [
        "/groups/new/",
        f"/groups/{group.code}/edit/",
        f"/members/new/?group={group.code}",
        f"/members/{member.pk}/edit/",
        f"/members/{member.pk}/leave/",
        f"/members/{member.pk}/make-leader/",
        f"/members/{member.pk}/transfer/",
        "/cooperatives/new/",
        f"/cooperatives/{cooperative.pk}/edit/",
        f"/cooperatives/{cooperative.pk}/groups/add/",
        f"/cooperatives/groups/{group.code}/join/",
        f"/cooperatives/memberships/{membership.pk}/leave/",
        "/accounts/password_change/",
        "/accounts/logout/",
    ]


def test_every_post_without_a_csrf_token_is_refused_and_changes_nothing(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world["officer"])
    before = snapshot()
    for url in post_urls(world):
        response = client.post(url, {"name": "x", "left_on": "2020-01-01"})
        assert response.status_code == 403, url
        assert "The form has expired" in response.content.decode(), url
    assert snapshot() == before


def test_sign_in_without_a_csrf_token_is_refused(world):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "csrf-officer", "password": PASSWORD})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    "next_url",
    ["https://evil.example/", "//evil.example/x", "https:evil.example", "/\\evil.example"],
)
def test_sign_in_never_redirects_off_site(client, world, next_url):
    response = client.post(
        "/accounts/login/",
        {"username": "csrf-officer", "password": PASSWORD, "next": next_url},
    )
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


def test_production_cookies_are_secure_httponly_and_samesite():
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="rmp_portal.settings.production",
        SECRET_KEY="x" * 60,
        DATABASE_URL="sqlite:////tmp/rmp-cookie-check.sqlite3",
    )
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE, "
        "s.CSRF_COOKIE_SECURE, s.DEBUG, s.X_FRAME_OPTIONS)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.stdout.split() == ["True", "True", "Lax", "True", "False", "DENY"]


def test_an_unknown_page_shows_the_portals_404(client, world):
    client.force_login(world["officer"])
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html and "Traceback" not in html


def test_a_crash_shows_the_portals_500_without_a_stack_trace(world):
    client = Client(raise_request_exception=False)
    client.force_login(world["officer"])
    with mock.patch("groups.views.selectors.group_detail", side_effect=RuntimeError("secret")):
        response = client.get(f"/groups/{world['group'].code}/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong on our side" in html
    assert "secret" not in html and "Traceback" not in html


def test_a_hostile_name_is_shown_as_text_everywhere(client, world):
    client.force_login(world["officer"])
    member, group = world["member"], world["group"]
    for url in (f"/groups/{group.code}/", "/members/", f"/members/{member.pk}/", "/groups/"):
        html = client.get(url).content.decode()
        assert HOSTILE not in html, url
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in client.get("/members/").content.decode()


@pytest.mark.parametrize("surname", ["=HYPERLINK(1)", "+SUM(1)", "-2+3", "@cmd"])
def test_exports_neutralise_formulas(client, world, surname):
    factories.MemberFactory(group=world["group"], surname=surname, given_name="Zebo")
    client.force_login(world["officer"])
    text = b"".join(client.get("/members/export/csv/").streaming_content).decode("utf-8-sig")
    assert f"'{surname} Zebo" in text
    assert f",{surname}" not in text
