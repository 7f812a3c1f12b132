"""The interface language: chosen in the header, kept in a cookie and, for staff with a
profile, on the profile, which applies at sign-in and on any browser without the cookie."""

import pytest
from django.conf import settings

from rmp_portal.models import StaffProfile
from tests import factories

pytestmark = pytest.mark.django_db
COOKIE = settings.LANGUAGE_COOKIE_NAME


@pytest.fixture
def officer_user(db):
    return factories.field_officer("Devashtich", username="officer")


def profile(user) -> StaffProfile:
    return StaffProfile.objects.get(user=user)


def test_it_switches_the_language_and_stays_on_the_same_page(client, officer_user):
    client.force_login(officer_user)

    response = client.post("/i18n/setlang/", {"language": "tg", "next": "/groups/?status=active"})

    assert response.status_code == 302
    assert response["Location"] == "/groups/?status=active"
    assert response.cookies[COOKIE].value == "tg"
    assert client.get("/groups/")["Content-Language"] == "tg"


def test_it_saves_the_choice_on_the_staff_profile(client, officer_user):
    client.force_login(officer_user)

    client.post("/i18n/setlang/", {"language": "ru", "next": "/"})

    assert profile(officer_user).language == "ru"


def test_it_ignores_an_unknown_language(client, officer_user):
    client.force_login(officer_user)

    response = client.post("/i18n/setlang/", {"language": "xx", "next": "/"})

    assert COOKIE not in response.cookies
    assert profile(officer_user).language == ""


def test_it_does_not_change_the_language_on_get(client, officer_user):
    client.force_login(officer_user)

    response = client.get("/i18n/setlang/", {"language": "tg"})

    assert COOKIE not in response.cookies
    assert profile(officer_user).language == ""


def test_the_sign_in_page_switches_the_language_without_an_account(client):
    response = client.post("/i18n/setlang/", {"language": "tg", "next": "/accounts/login/"})

    assert response["Location"] == "/accounts/login/"
    assert client.get("/accounts/login/")["Content-Language"] == "tg"


def test_an_admin_without_a_profile_switches_by_cookie(admin_client):
    response = admin_client.post("/i18n/setlang/", {"language": "ru", "next": "/"})

    assert response.cookies[COOKIE].value == "ru"
    assert not StaffProfile.objects.exists()


def test_a_browser_without_the_cookie_gets_the_profiles_language(client, officer_user):
    StaffProfile.objects.filter(user=officer_user).update(language="tg")
    client.force_login(officer_user)

    response = client.get("/groups/")

    assert response["Content-Language"] == "tg"
    assert '<html lang="tg">' in response.content.decode()
    # Remembered in this browser from now on.
    assert response.cookies[COOKIE].value == "tg"


def test_the_cookie_wins_over_the_profile(client, officer_user):
    StaffProfile.objects.filter(user=officer_user).update(language="tg")
    client.force_login(officer_user)
    client.cookies[COOKIE] = "ru"

    response = client.get("/groups/")

    assert response["Content-Language"] == "ru"
    assert COOKIE not in response.cookies


def test_signing_in_applies_the_profiles_language(client, officer_user):
    StaffProfile.objects.filter(user=officer_user).update(language="tg")
    client.cookies[COOKIE] = "en"  # the previous user's, on a shared computer

    response = client.post(
        "/accounts/login/", {"username": "officer", "password": factories.PASSWORD}
    )

    assert response.status_code == 302
    assert response.cookies[COOKIE].value == "tg"
    assert client.get("/groups/")["Content-Language"] == "tg"


def test_signing_in_without_a_profile_language_keeps_the_cookie(client, officer_user):
    client.cookies[COOKIE] = "ru"

    response = client.post(
        "/accounts/login/", {"username": "officer", "password": factories.PASSWORD}
    )

    assert COOKIE not in response.cookies
    assert client.get("/groups/")["Content-Language"] == "ru"


def test_a_visitor_gets_the_browsers_language(client):
    response = client.get("/accounts/login/", headers={"accept-language": "ru"})

    assert response["Content-Language"] == "ru"


def test_the_switcher_is_on_every_page_and_returns_to_it(client, officer_user):
    client.force_login(officer_user)

    page = client.get("/groups/?status=active").content.decode()

    assert 'action="/i18n/setlang/"' in page
    assert 'name="next" value="/groups/?status=active"' in page
    for code in ("en", "ru", "tg"):
        assert f'<option value="{code}"' in page
