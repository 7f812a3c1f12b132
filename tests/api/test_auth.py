"""Who may call the API: keys (valid, expired, revoked), the session, roles, throttling,
and JSON errors in the caller's language."""

import datetime

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from rmp_portal.api.models import UserAPIKey
from tests.api.conftest import ApiClient, issue_key

pytestmark = pytest.mark.django_db
GROUPS = "/api/v1/groups/"


def test_no_credentials_is_a_401_in_json_not_a_redirect():
    response = Client().get(GROUPS)
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response["WWW-Authenticate"] == "Api-Key"
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("ru", "Требуется аутентификация"),
        ("tg", "Аутентификатсия лозим аст"),
        ("en", "Authentication is required"),
    ],
)
def test_the_401_speaks_the_requested_language(language, text):
    response = Client().get(GROUPS, HTTP_ACCEPT_LANGUAGE=language)
    assert response.json()["detail"].startswith(text)


def test_a_valid_key_reads_as_its_user(officer):
    response = ApiClient(issue_key(officer)).get(GROUPS)
    assert response.status_code == 200


def test_a_wrong_key_an_expired_key_and_a_revoked_key_are_401(officer):
    key = issue_key(officer)
    prefix = key.split(".")[0]
    assert ApiClient(prefix + ".wrong").get(GROUPS).json()["code"] == "key_invalid"
    assert ApiClient("no-dot").get(GROUPS).status_code == 401

    expired = issue_key(officer, expiry_date=timezone.now() - datetime.timedelta(minutes=1))
    response = ApiClient(expired).get(GROUPS, language="tg")
    assert response.status_code == 401
    assert response.json()["detail"] == (
        "Мӯҳлати ин калиди API гузаштааст: аз маъмур калиди навро пурсед."
    )

    UserAPIKey.objects.filter(prefix=prefix).update(revoked=True)
    response = ApiClient(key).get(GROUPS, language="ru")
    assert response.status_code == 401
    assert response.json()["detail"] == ("Этот API-ключ отозван: попросите у администратора новый.")


def test_a_malformed_authorization_header_is_401(officer):
    response = Client().get(GROUPS, HTTP_AUTHORIZATION="Api-Key a b")
    assert response.status_code == 401
    assert response.json()["code"] == "header_invalid"


def test_a_key_of_a_deactivated_user_is_401(officer):
    key = issue_key(officer)
    officer.is_active = False
    officer.save()
    assert ApiClient(key).get(GROUPS).status_code == 401


def test_no_role_is_a_403(no_role_user):
    response = ApiClient(issue_key(no_role_user)).get(GROUPS, language="tg")
    assert response.status_code == 403
    assert response.json()["detail"] == (
        "Ҳисоби шумо ҳоло нақш надорад: аз маъмур хоҳиш кунед, ки онро таъин кунад."
    )


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/groups/",
        "/api/v1/members/",
        "/api/v1/cooperatives/",
        "/api/v1/initiatives/",
        "/api/v1/support/",
        "/api/v1/groups/1/",
        "/api/v1/tombstones/?resource=groups&updated_since=2020-01-01T00:00:00Z",
    ],
)
def test_an_analyst_gets_403_on_every_record_resource(analyst, path):
    response = ApiClient(issue_key(analyst)).get(path, language="ru")
    assert response.status_code == 403
    assert response.json()["detail"] == (
        "Ваша роль даёт доступ только к показателям, а не к записям."
    )


def test_an_analyst_reads_figures_and_districts(analyst):
    api = ApiClient(issue_key(analyst))
    assert api.get("/api/v1/figures/").status_code == 200
    districts = api.all("/api/v1/districts/", {"page_size": 1000})
    assert {d["province"] for d in districts} >= {"SU", "RA"}


def test_the_session_works_for_the_browsable_api(officer):
    client = Client()
    client.force_login(officer)
    response = client.get(GROUPS, HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert b"<html" in response.content.lower()


def test_csrf_stays_enforced_for_the_session(officer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    response = client.post(GROUPS, {}, HTTP_ACCEPT_LANGUAGE="tg")
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"


def test_the_api_is_read_only(officer):
    response = ApiClient(issue_key(officer)).post(GROUPS)
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


def test_an_unknown_address_under_api_is_a_json_404(officer):
    response = ApiClient(issue_key(officer)).get("/api/v1/nothing-here/", language="tg")
    assert response.status_code == 404
    assert response.json()["detail"] == "Ёфт нашуд ё ба шумо дастрас нест."


@override_settings(API_THROTTLE_RATE="3/hour")
def test_throttling_counts_per_key(officer):
    first, second = ApiClient(issue_key(officer)), ApiClient(issue_key(officer))
    for _ in range(3):
        assert first.get(GROUPS).status_code == 200
    response = first.get(GROUPS, language="tg")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert response.json()["detail"].startswith("Дархостҳо аз ҳад зиёданд: пас аз")
    assert second.get(GROUPS).status_code == 200  # another key, its own count


@override_settings(API_THROTTLE_RATE="2/hour")
def test_throttling_counts_per_user_for_the_session(officer, manager_sughd):
    client = Client()
    client.force_login(officer)
    assert [client.get(GROUPS).status_code for _ in range(3)] == [200, 200, 429]
    other = Client()
    other.force_login(manager_sughd)
    assert other.get(GROUPS).status_code == 200


def test_an_admin_issues_a_key_in_django_admin_and_sees_it_once(admin, officer):
    client = Client()
    client.force_login(admin)
    response = client.post(
        "/admin/api/userapikey/add/",
        {"name": "DHIS2 sync", "user": officer.pk, "expiry_date_0": "", "expiry_date_1": ""},
        follow=True,
    )
    assert response.status_code == 200
    stored = UserAPIKey.objects.get(name="DHIS2 sync")
    assert stored.user == officer
    shown = [str(m) for m in response.context["messages"]]
    key = next(m.split(": ")[1].split(". ")[0] for m in shown if stored.prefix in m)
    assert key.startswith(stored.prefix + ".")
    assert key not in stored.hashed_key and key != stored.id  # only the hash is kept
    assert ApiClient(key).get(GROUPS).status_code == 200
    page = client.get(f"/admin/api/userapikey/{stored.pk}/change/")
    assert key.encode() not in page.content  # never shown again
