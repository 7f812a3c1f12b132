"""The OpenAPI schema validates without a warning, and its pages work under the CSP, from
the sidecar's vendored files."""

import re

import pytest
from django.core.management import call_command
from django.test import Client

pytestmark = pytest.mark.django_db


def test_the_schema_validates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", tmp_path / "s.yaml")
    text = (tmp_path / "s.yaml").read_text()
    assert "/api/v1/members/" in text and "updated_since" in text


def test_the_schema_needs_credentials_and_answers_json(api_for, analyst):
    assert Client().get("/api/schema/").status_code == 401
    response = api_for(analyst).get("/api/schema/")
    assert response.status_code == 200
    schema = response.json()
    assert "ApiKey" in schema["components"]["securitySchemes"]
    assert set(schema["paths"]) >= {"/api/v1/groups/", "/api/v1/figures/", "/api/v1/tombstones/"}


def test_the_docs_page_loads_only_local_files_and_no_inline_code(officer):
    client = Client()
    client.force_login(officer)
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "<style" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)  # every script is a file
    assert not re.search(r"(src|href)=\"https?://", html)  # no CDN
    assert "/static/drf_spectacular_sidecar/" in html


def test_the_swagger_script_is_served_separately(officer):
    client = Client()
    client.force_login(officer)
    response = client.get("/api/docs/?script=")
    assert response["Content-Type"].startswith("application/javascript")
    assert "/api/schema/" in response.content.decode()


def test_the_version_root_lists_the_resources(officer, api_for):
    response = api_for(officer).get("/api/v1/")
    assert response.status_code == 200
    assert set(response.json()) >= {"groups", "members", "cooperatives", "districts"}
    assert Client().get("/api/v1/").status_code == 401
