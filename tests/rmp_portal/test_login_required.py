"""Every page but sign-in, the health check, the language switch and static files requires
login: walk every URL pattern of the project and ask for it anonymously. The REST API answers
401 instead of a redirect."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

PUBLIC = {
    "/healthz",
    "/accounts/login/",
    "/i18n/setlang/",
    "/admin/login/",  # Django admin's own sign-in form
    "/kobo/hook/1/",  # KoboToolbox's webhook: checked by its shared secret (tests/kobo)
}


def _walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def _concrete(route: str) -> str:
    """Fill path converters and regex groups with plausible values."""
    route = re.sub(r"<int:\w+>|<\w+>|<str:\w+>|<slug:\w+>|<path:\w+>", "1", route)
    route = re.sub(r"\(\?P<\w+>[^)]*\)", "1", route)
    route = route.lstrip("^").rstrip("$").replace("\\", "")
    return "/" + route.lstrip("/")


def all_urls():
    return sorted({_concrete(r) for r in _walk(get_resolver().url_patterns)})


def test_the_walk_finds_the_portal_pages():
    urls = all_urls()
    assert "/" in urls and "/healthz" in urls and len(urls) > 20


@pytest.mark.parametrize("url", all_urls())
def test_an_anonymous_request_is_sent_to_sign_in(client, url):
    response = client.get(url)
    if url in PUBLIC:
        assert response.status_code in (200, 302, 405)
        if response.status_code == 302:
            assert "login" not in response["Location"] or url.startswith("/admin/")
        return
    if url.startswith("/api/"):
        # The REST API never redirects to the sign-in page: 401, JSON (its documentation
        # pages are HTML: a plain 401).
        assert response.status_code == 401, url
        if not url.startswith("/api/docs/"):
            assert response.json()["code"] == "not_authenticated", url
        return
    if url.startswith("/admin/"):
        # Admin pages go to the portal's or Django admin's own sign-in page.
        assert response.status_code == 302
        assert response["Location"].startswith(("/admin/login/", "/accounts/login/?next="))
        return
    assert response.status_code == 302, url
    assert response["Location"].startswith("/accounts/login/?next="), url
