"""API test helpers: a real API key per user, and a client sending it."""

import pytest
from django.core.cache import cache
from django.test import Client

from rmp_portal.api.models import UserAPIKey
from tests import factories


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttle counts and cached figures start empty in every test."""
    cache.clear()
    yield
    cache.clear()


def issue_key(user, **kwargs) -> str:
    _key, raw = UserAPIKey.objects.create_key(name=f"{user.username} key", user=user, **kwargs)
    return raw


class ApiClient:
    """GETs with `Authorization: Api-Key <key>` and JSON answers."""

    def __init__(self, key: str | None):
        self.client = Client()
        self.key = key

    def get(self, path, data=None, language="en", **extra):
        headers = {"HTTP_ACCEPT_LANGUAGE": language, **extra}
        if self.key:
            headers["HTTP_AUTHORIZATION"] = f"Api-Key {self.key}"
        return self.client.get(path, data, **headers)

    def post(self, path, data=None, **extra):
        return self.client.post(path, data or {}, HTTP_AUTHORIZATION=f"Api-Key {self.key}", **extra)

    def all(self, path, data=None) -> list[dict]:
        """Every row of a list, following `next` links."""
        response = self.get(path, data)
        assert response.status_code == 200, response.content
        rows = list(response.json()["results"])
        while response.json()["next"]:
            response = self.get(response.json()["next"])
            assert response.status_code == 200, response.content
            rows += response.json()["results"]
        return rows


@pytest.fixture
def api_for(db):
    def make(user) -> ApiClient:
        return ApiClient(issue_key(user))

    return make


@pytest.fixture
def admin(db):
    return factories.UserFactory(username="admin", is_staff=True, is_superuser=True)
