"""A field officer's registries open on their own districts ("My districts"), say so, and
widen to everything they may read with one link; a query string with filters, or the explicit
"all districts", keeps the registry as it was. The export gives exactly the rows shown."""

import csv
import html as html_lib
import io
import re

import pytest
from openpyxl import load_workbook

from tests.factories import (
    CooperativeFactory,
    GroupFactory,
    MemberFactory,
    UserFactory,
    district,
    field_officer,
)

pytestmark = pytest.mark.django_db

OWN, ASHT, RASHT = "Devashtich", "Asht", "Rasht"


@pytest.fixture
def records(db):
    """A group, a member and a cooperative in the officer's district, elsewhere in their
    province, and in another province."""
    made = {}
    for name in (OWN, ASHT, RASHT):
        group = GroupFactory(name=f"{name} group", district=district(name))
        MemberFactory(group=group, surname=f"{name}ova", given_name="Zebo")
        CooperativeFactory(name=f"{name} cooperative", district=district(name))
        made[name] = group
    return made


def shown(response, registry: str) -> set[str]:
    rows = response.context["object_list"]
    if registry == "members":
        return {m.surname.removesuffix("ova") for m in rows}
    return {r.name.split()[0] for r in rows}


REGISTRIES = ["groups", "members", "cooperatives"]


def export_names(client, url: str, fmt: str) -> set[str]:
    """The records of an export, named as `shown` names those of a page."""
    response = client.get(url)
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    else:
        rows = [
            list(r) for r in load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True)
        ]
    column = 1 if "/groups/" in url else 0  # groups: after the code
    return {str(row[column]).split()[0].removesuffix("ova") for row in rows[1:]}


def link(html: str, element_id: str) -> str:
    match = re.search(rf'href="([^"]*)" id="{element_id}"', html)
    assert match, element_id
    return html_lib.unescape(match.group(1))


@pytest.mark.parametrize("registry", REGISTRIES)
def test_an_officers_registry_opens_on_their_districts(client, officer, records, registry):
    client.force_login(officer)

    response = client.get(f"/{registry}/")

    assert response.status_code == 200
    assert shown(response, registry) == {OWN}
    html = response.content.decode()
    assert "Showing: my districts" in html
    assert '<option value="mine" selected>My districts</option>' in html


@pytest.mark.parametrize("registry", REGISTRIES)
def test_one_link_shows_the_whole_province(client, officer, records, registry):
    client.force_login(officer)
    html = client.get(f"/{registry}/").content.decode()

    url = link(html, "registry-all-districts")
    response = client.get(f"/{registry}/{url}")

    assert "Show the whole province" in html
    assert shown(response, registry) == {OWN, ASHT}  # what an officer reads: their province
    assert "Showing: my districts" not in response.content.decode()


@pytest.mark.parametrize("registry", REGISTRIES)
def test_a_query_string_with_filters_keeps_todays_registry(client, officer, records, registry):
    client.force_login(officer)

    assert shown(client.get(f"/{registry}/?district="), registry) == {OWN, ASHT}
    assert shown(client.get(f"/{registry}/?status="), registry) == {OWN, ASHT}
    province = records[ASHT].district.province_id
    assert shown(client.get(f"/{registry}/?province={province}"), registry) == {OWN, ASHT}
    asht = district(ASHT).pk
    assert shown(client.get(f"/{registry}/?district={asht}"), registry) == {ASHT}


@pytest.mark.parametrize("registry", REGISTRIES)
def test_a_sort_or_a_page_alone_keeps_my_districts(client, officer, records, registry):
    client.force_login(officer)

    assert shown(client.get(f"/{registry}/?sort=-name"), registry) == {OWN}
    assert shown(client.get(f"/{registry}/?page=1"), registry) == {OWN}


# A word every record of the fixture has, per registry.
EVERYONE = {"groups": "group", "members": "Zebo", "cooperatives": "cooperative"}


@pytest.mark.parametrize("registry", REGISTRIES)
def test_my_districts_combine_with_other_filters(client, officer, records, registry):
    client.force_login(officer)
    word = EVERYONE[registry]

    response = client.get(f"/{registry}/?district=mine&q={word}")

    assert shown(response, registry) == {OWN}
    html = response.content.decode()
    assert "Showing: my districts" in html
    url = link(html, "registry-all-districts")
    assert f"q={word}" in url and "district=&" in url
    assert shown(client.get(f"/{registry}/{url}"), registry) == {OWN, ASHT}
    assert shown(client.get(f"/{registry}/?q={word}"), registry) == {OWN, ASHT}


@pytest.mark.parametrize("registry", REGISTRIES)
def test_the_links_of_the_page_keep_my_districts(client, officer, records, registry):
    client.force_login(officer)

    response = client.get(f"/{registry}/")

    assert "district=mine" in response.context["page_querystring"]
    assert all("district=mine" in h["url"] for h in response.context["headers"] if h["sortable"])


@pytest.mark.parametrize("registry", REGISTRIES)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_export_has_exactly_the_rows_shown(client, officer, records, registry, fmt):
    client.force_login(officer)
    page = client.get(f"/{registry}/")
    query = page.context["page_querystring"]

    assert export_names(client, f"/{registry}/export/{fmt}/?{query}", fmt) == {OWN}
    # The same default without a query string, and the whole province when asked for.
    assert export_names(client, f"/{registry}/export/{fmt}/", fmt) == {OWN}
    assert export_names(client, f"/{registry}/export/{fmt}/?district=", fmt) == {OWN, ASHT}


@pytest.mark.parametrize("registry", REGISTRIES)
def test_managers_and_admins_see_the_registry_as_before(client, manager_sughd, records, registry):
    client.force_login(manager_sughd)
    response = client.get(f"/{registry}/")
    assert shown(response, registry) == {OWN, ASHT}
    html = response.content.decode()
    assert "Showing: my districts" not in html and "My districts" not in html
    # "mine" means nothing to a manager: a filter error, not someone else's districts.
    mine = client.get(f"/{registry}/?district=mine")
    assert list(mine.context["object_list"]) == []
    assert "Some filters are not valid" in mine.content.decode()

    client.force_login(UserFactory(username="root", is_staff=True))
    assert shown(client.get(f"/{registry}/"), registry) == {OWN, ASHT, RASHT}


def test_an_officer_of_two_provinces_may_show_all_their_districts(client, records):
    user = field_officer(OWN, RASHT, username="two-provinces")
    client.force_login(user)

    response = client.get("/groups/")

    assert shown(response, "groups") == {OWN, RASHT}
    html = response.content.decode()
    assert "Show all districts" in html
    everything = client.get("/groups/" + link(html, "registry-all-districts"))
    assert shown(everything, "groups") == {OWN, ASHT, RASHT}


def test_the_filter_form_shows_my_districts_and_can_be_changed(client, officer, records):
    client.force_login(officer)

    html = client.get("/groups/").content.decode()

    select = html.split('name="district"')[1].split("</select>")[0]
    options = re.findall(r'<option value="([^"]*)"', select)
    assert options[:2] == ["", "mine"]  # "all districts" and "My districts" first
    assert str(district(ASHT).pk) in options
