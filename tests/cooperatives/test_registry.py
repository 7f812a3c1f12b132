"""The cooperative registry /cooperatives/: scope, rows and counts, filters, search, sorting,
export of exactly the filtered rows, and a constant number of queries."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from groups.models import ActivityType
from tests.factories import (
    CooperativeFactory,
    CooperativeMembershipFactory,
    GroupFactory,
    MemberFactory,
    district,
)

pytestmark = pytest.mark.django_db

URL = "/cooperatives/"


def cooperative_with(
    *,
    groups=2,
    women=2,
    men=0,
    district_name="Devashtich",
    branches=(),
    director=False,
    **fields,
):
    """A cooperative of `groups` groups with `women` women and `men` men each."""
    cooperative = CooperativeFactory(district=district(district_name), **fields)
    first_member = None
    for _ in range(groups):
        group = GroupFactory(district=district(district_name))
        CooperativeMembershipFactory(
            cooperative=cooperative, group=group, joined_on=cooperative.formed_on
        )
        for _ in range(women):
            member = MemberFactory(group=group)
            first_member = first_member or member
        for _ in range(men):
            MemberFactory(group=group, sex="M")
    cooperative.branches.set(ActivityType.objects.filter(name__in=branches))
    if director and first_member:
        cooperative.director = first_member
        cooperative.save()
    return cooperative


def names(response) -> list[str]:
    return [c.name for c in response.context["object_list"]]


def export_rows(client, query: str, fmt: str) -> list[list]:
    response = client.get(f"/cooperatives/export/{fmt}/?{query}")
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    else:
        sheet = load_workbook(io.BytesIO(content)).active
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    return rows


# Who sees what


def test_it_lists_the_cooperatives_of_the_officers_province(client, officer):
    cooperative_with(name="Guncha")
    cooperative_with(name="Bonuvoni Asht", district_name="Asht")
    cooperative_with(name="Asali Rasht", district_name="Rasht")
    client.force_login(officer)

    response = client.get(URL + "?district=")  # "all districts"

    assert response.status_code == 200
    assert names(response) == ["Bonuvoni Asht", "Guncha"]
    assert "Asali Rasht" not in response.content.decode()
    # Without any filter the registry opens on their own districts (test_registry_mine).
    assert names(client.get(URL)) == ["Guncha"]


def test_it_lists_nothing_of_another_province_for_a_province_manager(client, manager_rasht):
    cooperative_with(name="Guncha")
    cooperative_with(name="Asali Rasht", district_name="Rasht")
    client.force_login(manager_rasht)

    assert names(client.get(URL)) == ["Asali Rasht"]


def test_it_lists_every_province_for_a_programme_wide_manager(client, manager_all):
    cooperative_with(name="Guncha")
    cooperative_with(name="Asali Rasht", district_name="Rasht")
    client.force_login(manager_all)

    response = client.get(URL)

    assert sorted(names(response)) == ["Asali Rasht", "Guncha"]
    assert "Form a cooperative" not in response.content.decode()


def test_it_offers_forming_a_cooperative_to_a_field_officer(client, officer):
    client.force_login(officer)

    assert 'href="/cooperatives/new/"' in client.get(URL).content.decode()


def test_it_sends_an_anonymous_visitor_to_sign_in(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_it_sends_an_anonymous_visitor_to_sign_in_for_an_export(client):
    response = client.get("/cooperatives/export/csv/")

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


# Rows and counts


def test_it_shows_current_groups_and_members_of_current_groups(client, officer):
    cooperative = cooperative_with(name="Guncha", groups=3, women=4, men=1)
    # A group that left, a member who left and a former member elsewhere are not counted.
    left = CooperativeMembershipFactory(cooperative=cooperative, left_on=datetime.date(2016, 1, 1))
    MemberFactory.create_batch(5, group=left.group)
    MemberFactory(group=cooperative.memberships.first().group, left_on=datetime.date(2016, 1, 1))
    MemberFactory()
    client.force_login(officer)

    row = client.get(URL).context["object_list"][0]

    assert (row.current_groups, row.current_women, row.current_men) == (3, 12, 3)


def test_it_shows_branches_and_the_director(client, officer):
    cooperative_with(
        name="Guncha", branches=("Lemon cultivation", "Dairy processing"), director=True
    )
    client.force_login(officer)

    page = client.get(URL).content.decode()

    assert "Dairy processing, Lemon cultivation" in page
    assert "Rahimova" in page


def test_it_shows_the_total_count(client, officer):
    for n in range(3):
        cooperative_with(name=f"Coop {n}", groups=0)
    client.force_login(officer)

    response = client.get(URL)

    assert response.context["count_text"] == "3 cooperatives"
    assert "3 cooperatives" in response.content.decode()


def test_it_shows_one_cooperative_in_the_singular(client, officer):
    cooperative_with(name="Guncha", groups=0)
    client.force_login(officer)

    assert client.get(URL).context["count_text"] == "1 cooperative"


def test_it_shows_an_empty_state(client, officer):
    client.force_login(officer)

    response = client.get(URL + "?q=nothing-like-this")

    assert 'id="registry-empty"' in response.content.decode()
    assert "No cooperatives match these filters." in response.content.decode()


# Filters and search


def test_it_filters_by_status(client, officer):
    cooperative_with(name="Guncha")
    cooperative_with(name="Nafosat", status="forming")
    client.force_login(officer)

    assert names(client.get(URL + "?status=forming")) == ["Nafosat"]


def test_it_filters_by_province_and_district(client, manager_all):
    cooperative_with(name="Guncha")
    cooperative_with(name="Bonuvoni Asht", district_name="Asht")
    rasht = cooperative_with(name="Asali Rasht", district_name="Rasht")
    client.force_login(manager_all)

    by_province = client.get(URL + f"?province={rasht.district.province_id}")
    by_district = client.get(URL + f"?district={district('Asht').pk}")

    assert names(by_province) == ["Asali Rasht"]
    assert names(by_district) == ["Bonuvoni Asht"]


def test_it_narrows_the_district_choices_to_the_chosen_province(client, manager_all):
    client.force_login(manager_all)
    sughd = district("Devashtich").province

    response = client.get(URL + f"?province={sughd.pk}")

    choices = response.context["filter"].form.fields["district"].queryset
    assert {d.province_id for d in choices} == {sughd.pk}


def test_it_filters_by_branch(client, officer):
    cooperative_with(name="Guncha", branches=("Lemon cultivation", "Dairy processing"))
    cooperative_with(name="Shirin", branches=("Beekeeping",))
    client.force_login(officer)
    lemons = ActivityType.objects.get(name="Lemon cultivation")

    assert names(client.get(URL + f"?branch={lemons.pk}")) == ["Guncha"]


def test_it_filters_by_the_date_formed(client, officer):
    cooperative_with(name="Guncha", formed_on=datetime.date(2011, 11, 22))
    cooperative_with(name="Nafosat", formed_on=datetime.date(2024, 11, 5))
    client.force_login(officer)

    response = client.get(URL + "?formed_after=2012-01-01&formed_before=2025-01-01")

    assert names(response) == ["Nafosat"]


def test_it_shows_the_registry_as_of_a_date(client, officer):
    guncha = cooperative_with(name="Guncha", groups=2, women=1, formed_on=datetime.date(2011, 1, 1))
    # This group left before the date, so it is not counted as of then.
    CooperativeMembershipFactory(
        cooperative=guncha, joined_on=datetime.date(2011, 1, 1), left_on=datetime.date(2011, 6, 1)
    )
    # Joined after the date: not counted either.
    late = CooperativeMembershipFactory(cooperative=guncha, joined_on=datetime.date(2013, 1, 1))
    MemberFactory(group=late.group)
    cooperative_with(name="Later", formed_on=datetime.date(2014, 1, 1))
    cooperative_with(
        name="Gone",
        status="dissolved",
        formed_on=datetime.date(2010, 6, 1),
        dissolved_on=datetime.date(2011, 12, 31),
        groups=0,
    )
    client.force_login(officer)

    response = client.get(URL + "?as_of=2012-06-01")

    assert names(response) == ["Guncha"]
    row = response.context["object_list"][0]
    assert (row.current_groups, row.current_women) == (2, 2)


def test_it_finds_a_cooperative_by_the_former_name_of_its_district(client, officer):
    cooperative_with(name="Guncha")
    cooperative_with(name="Bonuvoni Asht", district_name="Asht")
    client.force_login(officer)

    assert names(client.get(URL + "?q=Ghonchi")) == ["Guncha"]


def test_it_finds_a_cooperative_by_name_and_by_registration_number(client, officer):
    cooperative_with(name="Guncha", registration_number="520011482")
    cooperative_with(name="Bonuvoni Asht", district_name="Asht", registration_number="510515731")
    client.force_login(officer)

    assert names(client.get(URL + "?q=gunch")) == ["Guncha"]
    assert names(client.get(URL + "?q=5105157")) == ["Bonuvoni Asht"]


def test_it_finds_a_latin_name_typed_in_cyrillic(client, officer):
    cooperative_with(name="Guncha")
    cooperative_with(name="Shirin")
    client.force_login(officer)

    assert names(client.get(URL + "?q=Гунча")) == ["Guncha"]


def test_it_answers_a_malformed_query_string_without_an_error(client, officer):
    cooperative_with(name="Guncha")
    client.force_login(officer)

    response = client.get(
        URL + "?district=abc&province=x&formed_after=2020-99-99&as_of=yesterday&sort=-nope&page=z"
    )

    assert response.status_code == 200
    assert list(response.context["object_list"]) == []
    assert "Some filters are not valid" in response.content.decode()


# Sorting


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["Alpha", "Beta", "Gamma"]),
        ("-name", ["Gamma", "Beta", "Alpha"]),
        ("district", ["Beta", "Alpha", "Gamma"]),  # Asht, Devashtich, Istaravshan
        ("status", ["Gamma", "Alpha", "Beta"]),  # dissolved, forming, registered
        ("formed", ["Beta", "Gamma", "Alpha"]),
        ("groups", ["Gamma", "Alpha", "Beta"]),
        ("-women", ["Beta", "Alpha", "Gamma"]),
        ("men", ["Alpha", "Gamma", "Beta"]),
        ("branches", ["Gamma", "Beta", "Alpha"]),  # Beekeeping, Carpet weaving, Poultry
        ("director", ["Gamma", "Alpha", "Beta"]),  # none first, then by surname
    ],
)
def test_it_sorts_by_every_column(client, manager_sughd, sort, expected):
    alpha = cooperative_with(
        name="Alpha",
        status="forming",
        formed_on=datetime.date(2015, 1, 1),
        groups=2,
        women=1,
        branches=("Poultry",),
        director=True,
    )
    beta = cooperative_with(
        name="Beta",
        district_name="Asht",
        formed_on=datetime.date(2012, 1, 1),
        groups=3,
        women=2,
        men=1,
        branches=("Carpet weaving",),
        director=True,
    )
    cooperative_with(
        name="Gamma",
        district_name="Istaravshan",
        status="dissolved",
        formed_on=datetime.date(2013, 1, 1),
        dissolved_on=datetime.date(2014, 1, 1),
        groups=1,
        women=0,
        branches=("Beekeeping",),
    )
    alpha.director.surname, beta.director.surname = "Aminova", "Zokirova"
    alpha.director.save()
    beta.director.save()
    client.force_login(manager_sughd)

    response = client.get(URL + f"?sort={sort}")

    assert names(response) == expected


def test_every_table_column_can_be_sorted(client, officer):
    client.force_login(officer)

    headers = client.get(URL).context["headers"]

    assert len(headers) == 9
    assert all(h["sortable"] for h in headers)


# Export


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_export_has_exactly_the_filtered_rows(client, officer, fmt):
    cooperative_with(name="Guncha", registration_number="520011482", groups=2, women=3, men=1)
    cooperative_with(name="Nafosat", status="forming")
    cooperative_with(name="Bonuvoni Asht", district_name="Asht")
    cooperative_with(name="Asali Rasht", district_name="Rasht")
    client.force_login(officer)
    query = "status=registered&sort=-name"

    listed = names(client.get(URL + "?" + query))
    rows = export_rows(client, query, fmt)

    header, body = rows[0], rows[1:]
    assert header[:3] == ["Name", "District", "Status"]
    assert [r[0] for r in body] == listed == ["Guncha", "Bonuvoni Asht"]
    guncha = dict(zip(header, body[0], strict=True))
    assert str(guncha["Groups"]) == "2"
    assert str(guncha["Women"]) == "6"
    assert str(guncha["Men"]) == "2"
    assert guncha["Registration number"] == "520011482"
    assert guncha["Province"] == "Sughd Province"


def test_an_unknown_export_format_is_not_found(client, officer):
    client.force_login(officer)

    assert client.get("/cooperatives/export/pdf/").status_code == 404


def test_a_manager_may_export(client, manager_sughd):
    cooperative_with(name="Guncha")
    client.force_login(manager_sughd)

    assert [r[0] for r in export_rows(client, "", "csv")[1:]] == ["Guncha"]


# Queries


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("url", [URL, URL + "?as_of=2020-01-01&sort=-women&q=Ghonchi"])
def test_the_registry_costs_the_same_queries_for_2_and_20_cooperatives(client, officer, url):
    branches = ("Lemon cultivation", "Dairy processing")
    for _ in range(2):
        cooperative_with(groups=2, women=2, men=1, branches=branches, director=True)
    client.force_login(officer)
    client.get(url)  # warm up (session, content types)

    with_2 = _queries(client, url)
    for _ in range(18):
        cooperative_with(groups=2, women=2, men=1, branches=branches, director=True)
    with_20 = _queries(client, url)

    assert len(client.get(url).context["object_list"]) == 20
    assert with_2 == with_20


def test_the_export_costs_the_same_queries_for_2_and_20_cooperatives(client, officer):
    for _ in range(2):
        cooperative_with(branches=("Poultry",), director=True)
    client.force_login(officer)
    client.get(URL)

    def export_queries():
        with CaptureQueriesContext(connection) as captured:
            b"".join(client.get("/cooperatives/export/csv/").streaming_content)
        return len(captured.captured_queries)

    with_2 = export_queries()
    for _ in range(18):
        cooperative_with(branches=("Poultry",), director=True)

    assert export_queries() == with_2
