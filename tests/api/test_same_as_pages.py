"""For the same user and the same filters, the API lists exactly the records the registry
page counts and its CSV export lists (the export follows the filters)."""

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse

from tests.api import world as world_module

pytestmark = pytest.mark.django_db

ROLES = [
    "officer",
    "officer_other_province",
    "manager_sughd",
    "manager_all",
    "admin",
]
# (resource, registry, query); an explicit filter, so no "My districts" default applies.
CASES = [
    ("groups", "groups", {"status": "active"}),
    ("groups", "groups", {"has_men": "yes", "as_of": "2020-01-01"}),
    ("members", "members", {"status": "current"}),
    ("members", "members", {"sex": "M", "q": "rahimova"}),
    ("cooperatives", "cooperatives", {"status": "registered"}),
    ("initiatives", "initiatives", {"owner": "group"}),
    ("support", "support", {"recipient": "groups"}),
]


@pytest.fixture
def world(db):
    return world_module.build(groups_per_district=2)


def _page_total(user, registry: str, query: dict) -> int:
    client = Client()
    client.force_login(user)
    response = client.get(reverse(f"{registry}:list"), query)
    assert response.status_code == 200
    return response.context["total"]


def _export(user, registry: str, query: dict) -> list[dict]:
    client = Client()
    client.force_login(user)
    response = client.get(reverse(f"{registry}:export", kwargs={"fmt": "csv"}), query)
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("resource", "registry", "query"), CASES)
def test_the_api_counts_what_the_registry_page_counts(
    world, api_for, request, role, resource, registry, query
):
    user = request.getfixturevalue(role)
    rows = api_for(user).all(f"/api/v1/{resource}/", query)
    assert len(rows) == _page_total(user, registry, query)


@pytest.mark.parametrize("role", ROLES)
def test_the_api_lists_the_groups_the_export_lists(world, api_for, request, role):
    user = request.getfixturevalue(role)
    query = {"district": ""}  # every district the user reads
    exported = {row["Code"] for row in _export(user, "groups", query)}
    listed = {row["code"] for row in api_for(user).all("/api/v1/groups/", query)}
    assert listed == exported and listed


def _digits(phone: str | None) -> str | None:
    return "".join(c for c in phone if c.isdigit()) or None if phone else None


@pytest.mark.parametrize("role", ROLES)
def test_phones_are_where_the_export_shows_them(world, api_for, request, role):
    user = request.getfixturevalue(role)
    query = {"district": ""}
    exported = {(row["Name"], _digits(row["Phone"])) for row in _export(user, "members", query)}
    listed = {
        (f"{row['surname']} {row['given_name']}", _digits(row["phone"]))
        for row in api_for(user).all("/api/v1/members/", query)
    }
    assert listed == exported and listed


def test_my_districts_is_the_same_filter_on_both(world, api_for, officer):
    rows = api_for(officer).all("/api/v1/groups/", {"district": "mine"})
    assert {r["code"] for r in rows} == {g.code for g in world.groups["Devashtich"]}
    assert len(rows) == _page_total(officer, "groups", {"district": "mine"})


def test_the_analyst_reads_neither(world, api_for, analyst):
    assert api_for(analyst).get("/api/v1/groups/").status_code == 403
    client = Client()
    client.force_login(analyst)
    assert client.get(reverse("groups:list")).status_code in (403, 404)
