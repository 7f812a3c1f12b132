import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def sign_in(client, username, password=PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_it_redirects_an_anonymous_visitor_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/")


def test_it_signs_in_with_the_right_password(client, officer):
    response = sign_in(client, "officer")
    assert response.status_code == 302
    assert client.get("/").wsgi_request.user.username == "officer"


def test_it_explains_a_wrong_password(client, officer):
    response = sign_in(client, "officer", "wrong-password")
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_shows_a_user_without_role_whom_to_ask_and_nothing_else(client, no_role_user):
    client.force_login(no_role_user)
    response = client.get("/")
    assert response.status_code == 403
    assert "has no role yet" in response.content.decode()
    assert "portal administrator" in response.content.decode()


def test_it_locks_out_after_five_wrong_passwords(client, officer):
    for _ in range(4):
        assert sign_in(client, "officer", "nope").status_code == 200
    response = sign_in(client, "officer", "nope")
    assert response.status_code == 429
    assert "locked for 15 minutes" in response.content.decode()
    # Even the right password is refused while locked.
    response = sign_in(client, "officer")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_an_admin_unlock_lets_the_officer_in_again(client, officer):
    for _ in range(5):
        sign_in(client, "officer", "nope")
    assert AccessAttempt.objects.filter(username="officer").exists()
    # Django admin's "delete access attempts" is the unlock; it deletes these rows.
    AccessAttempt.objects.filter(username="officer").delete()
    response = sign_in(client, "officer")
    assert response.status_code == 302


def test_health_check_answers_without_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


def test_health_check_says_503_when_the_database_is_unreachable(client):
    from unittest import mock

    from django.db import OperationalError

    with mock.patch("rmp_portal.health.connection.cursor", side_effect=OperationalError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_a_page_answers_a_friendly_503_while_the_database_is_down(client, officer):
    from unittest import mock

    from django.db import OperationalError

    client.force_login(officer)
    with mock.patch("groups.views.selectors.group_detail", side_effect=OperationalError("down")):
        response = client.get("/groups/SU-0001/")
    assert response.status_code == 503
    assert "briefly unavailable" in response.content.decode()


def test_sessions_end_after_twelve_hours_without_a_request(settings, client, officer):
    assert settings.SESSION_COOKIE_AGE == 12 * 60 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    client.force_login(officer)
    client.get("/groups/")
    assert client.session.get_expiry_age() == 12 * 60 * 60


def test_a_database_failure_before_the_view_answers_the_friendly_503(officer):
    """Loading the session and the user happens in middleware, before any view: when the
    database fails there, the answer is the 503 page too, never a 500."""
    from unittest import mock

    from django.db import InterfaceError, OperationalError
    from django.test import Client

    for error in (OperationalError("server closed the connection"), InterfaceError("closed")):
        client = Client(raise_request_exception=False)
        client.force_login(officer)
        with mock.patch("django.contrib.sessions.backends.db.SessionStore.load", side_effect=error):
            response = client.get("/groups/")
        assert response.status_code == 503
        assert response["Retry-After"] == "30"
        assert "briefly unavailable" in response.content.decode()


def test_any_other_crash_is_the_portals_500_page(officer):
    from unittest import mock

    from django.test import Client

    client = Client(raise_request_exception=False)
    client.force_login(officer)
    with mock.patch(
        "django.contrib.sessions.backends.db.SessionStore.load", side_effect=RuntimeError("x")
    ):
        response = client.get("/groups/")
    assert response.status_code == 500
    assert "Traceback" not in response.content.decode()
    assert "RMP Portal" in response.content.decode()
