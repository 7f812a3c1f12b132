"""The /initiatives/ and /support/ registries: scope, filters (in the query string), search,
sorting, export of exactly the filtered rows, and a constant number of queries."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from tests.factories import CooperativeFactory, GroupFactory, MemberFactory, district
from tests.initiatives.factories import InitiativeFactory, SupportFactory, activity, topic

pytestmark = pytest.mark.django_db

D = datetime.date


def titles(response) -> list[str]:
    assert response.status_code == 200
    return [i.title for i in response.context["object_list"]]


def export_rows(client, url: str) -> list[list]:
    response = client.get(url)
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    if "/csv/" in url:
        return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    sheet = load_workbook(io.BytesIO(content)).active
    return [list(r) for r in sheet.iter_rows(values_only=True)]


@pytest.fixture
def initiatives(lola, asht_group, rasht_group, guncha):
    """Four initiatives: Lola's lemons (operating since 2016, a grant in 2015), Asht's
    greenhouse (planned), Rasht's honey (closed in 2019), Guncha's dairy (operating)."""
    return {
        "lemons": InitiativeFactory(
            group=lola,
            title="Lemon trees",
            activity_type=activity("Lemon cultivation"),
            started_on=D(2015, 3, 1),
            status="planned",
            changes=[("operating", D(2016, 4, 1))],
            grant_amount=18500,
            grant_date=D(2015, 5, 20),
            participants=list(lola.members.all()[:2]),
        ),
        "greenhouse": InitiativeFactory(
            group=asht_group,
            title="Greenhouse",
            activity_type=activity("Greenhouse vegetables and greens"),
            started_on=D(2018, 2, 1),
            status="planned",
            grant_amount=23900,
            grant_date=D(2014, 12, 3),
        ),
        "honey": InitiativeFactory(
            group=rasht_group,
            title="Honey",
            activity_type=activity("Beekeeping"),
            started_on=D(2013, 5, 1),
            changes=[("closed", D(2019, 9, 30))],
        ),
        "dairy": InitiativeFactory(
            group=None,
            cooperative=guncha,
            title="Guncha dairy",
            activity_type=activity("Dairy processing"),
            started_on=D(2013, 2, 1),
            status="idea",
            changes=[("operating", D(2014, 3, 10))],
        ),
    }


# Scope


def test_an_officer_lists_the_initiatives_of_her_province(client, officer, initiatives):
    client.force_login(officer)

    listed = titles(client.get("/initiatives/"))

    assert sorted(listed) == ["Greenhouse", "Guncha dairy", "Lemon trees"]
    assert "Honey" not in client.get("/initiatives/").content.decode()


def test_a_programme_wide_manager_lists_every_initiative(client, manager_all, initiatives):
    client.force_login(manager_all)

    response = client.get("/initiatives/")

    assert len(titles(response)) == 4
    assert response.context["count_text"] == "4 initiatives"
    assert "Add an initiative" not in response.content.decode()


def test_a_province_manager_lists_only_her_province(client, manager_rasht, initiatives):
    client.force_login(manager_rasht)

    assert titles(client.get("/initiatives/")) == ["Honey"]


# Filters


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=operating", ["Guncha dairy", "Lemon trees"]),
        ("status=planned", ["Greenhouse"]),
        ("as_of=2015-12-31", ["Guncha dairy", "Honey", "Lemon trees"]),
        ("as_of=2015-12-31&status=planned", ["Lemon trees"]),
        ("as_of=2015-12-31&status=operating", ["Guncha dairy", "Honey"]),
        ("as_of=2019-12-31&status=closed", ["Honey"]),
        ("as_of=2014-01-01&status=idea", ["Guncha dairy"]),
        ("owner=cooperative", ["Guncha dairy"]),
        ("owner=group", ["Greenhouse", "Honey", "Lemon trees"]),
        ("has_grant=yes", ["Greenhouse", "Lemon trees"]),
        ("has_grant=no", ["Guncha dairy", "Honey"]),
        ("granted_before=2014-12-31", ["Greenhouse"]),
        ("granted_after=2015-01-01&granted_before=2015-12-31", ["Lemon trees"]),
        ("started_after=2014-01-01&started_before=2016-01-01", ["Lemon trees"]),
        ("q=lemon", ["Lemon trees"]),
        ("q=Ghonchi", ["Guncha dairy", "Lemon trees"]),  # Devashtich's former name
        ("q=guncha", ["Guncha dairy"]),
        ("q=bahori", ["Greenhouse"]),  # the owner group's name
    ],
)
def test_it_filters(client, manager_all, initiatives, query, expected):
    client.force_login(manager_all)

    assert sorted(titles(client.get(f"/initiatives/?{query}"))) == expected


def test_it_filters_by_province_district_and_activity_type(client, manager_all, initiatives):
    client.force_login(manager_all)
    sughd = district("Devashtich").province

    assert sorted(titles(client.get(f"/initiatives/?province={sughd.pk}"))) == [
        "Greenhouse",
        "Guncha dairy",
        "Lemon trees",
    ]
    assert sorted(titles(client.get(f"/initiatives/?district={district('Devashtich').pk}"))) == [
        "Guncha dairy",
        "Lemon trees",
    ]
    beekeeping = activity("Beekeeping").pk
    assert titles(client.get(f"/initiatives/?activity_type={beekeeping}")) == ["Honey"]


def test_the_status_column_shows_the_status_on_the_reporting_date(client, manager_all, initiatives):
    client.force_login(manager_all)

    rows = client.get("/initiatives/?as_of=2015-12-31&q=lemon").context["object_list"]

    assert rows[0].status_shown == "planned"
    assert rows[0].participant_count == 2


def test_it_shows_the_sum_of_the_filtered_grants(client, manager_all, initiatives):
    client.force_login(manager_all)

    response = client.get("/initiatives/?has_grant=yes")

    assert response.context["grant_totals"] == {"grants": 2, "amount": 42400}
    assert "2 grants: 42,400 TJS" in response.content.decode()


@pytest.mark.parametrize(
    "sort",
    ["title", "-owner", "district", "activity", "status", "-started", "participants", "grant"],
)
def test_it_sorts_by_every_column(client, manager_all, initiatives, sort):
    client.force_login(manager_all)

    listed = titles(client.get(f"/initiatives/?sort={sort}"))

    assert len(listed) == 4
    if sort == "title":
        assert listed == ["Greenhouse", "Guncha dairy", "Honey", "Lemon trees"]
    if sort == "-started":
        assert listed == ["Greenhouse", "Lemon trees", "Honey", "Guncha dairy"]


def test_every_table_column_of_initiatives_can_be_sorted(client, officer):
    client.force_login(officer)

    headers = client.get("/initiatives/").context["headers"]

    assert len(headers) == 8 and all(h["sortable"] for h in headers)


def test_it_answers_a_malformed_query_string_without_an_error(client, officer, initiatives):
    client.force_login(officer)

    for url in ("/initiatives/", "/support/"):
        response = client.get(
            url + "?district=abc&province=x&status=nope&kind=?&as_of=yesterday&sort=-x&page=z"
            "&started_after=2020-99-99&held_before=1&q=%00&topic=9999999999999999999"
        )
        assert response.status_code in (200, 400)
        if response.status_code == 200:
            assert list(response.context["object_list"]) == []


# Export


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_export_has_exactly_the_filtered_rows(client, officer, initiatives, fmt):
    client.force_login(officer)
    query = "has_grant=yes&sort=title"

    listed = titles(client.get(f"/initiatives/?{query}"))
    rows = export_rows(client, f"/initiatives/export/{fmt}/?{query}")

    header, body = rows[0], rows[1:]
    assert header[:5] == ["Title", "Owner", "District", "Activity type", "Status"]
    assert [r[0] for r in body] == listed == ["Greenhouse", "Lemon trees"]
    lemons = dict(zip(header, body[1], strict=True))
    assert lemons["Status"] == "operating"
    assert str(lemons["Grant (TJS)"]) in ("18500.0", "18500")
    assert lemons["Province"] == "Sughd Province"
    assert lemons["Owner"].endswith("Lola")


def test_a_manager_may_export(client, manager_sughd, initiatives):
    client.force_login(manager_sughd)

    assert len(export_rows(client, "/initiatives/export/csv/")) == 4


def test_an_unknown_export_format_is_not_found(client, officer):
    client.force_login(officer)

    assert client.get("/initiatives/export/pdf/").status_code == 404
    assert client.get("/support/export/pdf/").status_code == 404


# Support registry


@pytest.fixture
def support(lola, asht_group, rasht_group, guncha):
    bahor = GroupFactory(name="Bahor")
    return {
        "training": SupportFactory(
            groups=[lola, bahor], held_on=D(2015, 3, 10), topic=topic("Business training"),
            women=20, men=2,
        ),
        "counselling": SupportFactory(
            groups=[asht_group], kind="social", topic=topic("Psychosocial counselling"),
            held_on=D(2018, 7, 1), delivered_by="un_women", women=15,
        ),
        "rights": SupportFactory(
            groups=[rasht_group], kind="legal", topic=topic("Migrants' rights"),
            held_on=D(2019, 11, 5), delivered_by="partner_ngo", partner_name="Huquq va Rushd",
            women=8, men=5,
        ),
        "equipment": SupportFactory(
            recipient="cooperative", cooperative=guncha, topic=topic("Equipment"),
            held_on=D(2014, 2, 1), delivered_by="wbg", women=6,
        ),
    }  # fmt: skip


def topics(response) -> list[str]:
    assert response.status_code == 200
    return sorted(a.topic.name for a in response.context["object_list"])


def test_an_officer_lists_the_support_of_her_province(client, officer, support):
    client.force_login(officer)

    response = client.get("/support/")

    assert topics(response) == ["Business training", "Equipment", "Psychosocial counselling"]
    assert response.context["participant_totals"] == {"women": 41, "men": 2}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kind=legal", ["Migrants' rights"]),
        ("kind=economic", ["Business training", "Equipment"]),
        ("delivered_by=partner_ngo", ["Migrants' rights"]),
        ("recipient=cooperative", ["Equipment"]),
        ("as_of=2015-12-31", ["Business training", "Equipment"]),
        ("held_after=2018-01-01&held_before=2018-12-31", ["Psychosocial counselling"]),
        ("q=rights", ["Migrants' rights"]),
        ("q=Права", ["Migrants' rights"]),  # the topic's Russian name
        ("q=huquq", ["Migrants' rights"]),  # the partner NGO
        ("q=guncha", ["Equipment"]),
        ("q=bahor", ["Business training", "Psychosocial counselling"]),  # Bahor, Bahori Asht
        ("q=Ghonchi", ["Business training", "Equipment"]),
    ],
)
def test_the_support_registry_filters(client, manager_all, support, query, expected):
    client.force_login(manager_all)

    assert topics(client.get(f"/support/?{query}")) == expected


def test_support_filters_by_province_district_and_topic(client, manager_all, support):
    client.force_login(manager_all)
    rasht = district("Rasht")

    assert topics(client.get(f"/support/?province={rasht.province_id}")) == ["Migrants' rights"]
    assert topics(client.get(f"/support/?district={district('Asht').pk}")) == [
        "Psychosocial counselling"
    ]
    assert topics(client.get(f"/support/?district={district('Devashtich').pk}")) == [
        "Business training",
        "Equipment",
    ]
    equipment = topic("Equipment").pk
    assert topics(client.get(f"/support/?topic={equipment}")) == ["Equipment"]


@pytest.mark.parametrize(
    "sort", ["date", "-kind", "topic", "delivered_by", "recipients", "women", "-men"]
)
def test_the_support_registry_sorts(client, manager_all, support, sort):
    client.force_login(manager_all)

    rows = client.get(f"/support/?sort={sort}").context["object_list"]

    assert len(rows) == 4
    if sort == "date":
        assert [r.held_on.year for r in rows] == [2014, 2015, 2018, 2019]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_support_export_has_exactly_the_filtered_rows(client, officer, support, fmt):
    client.force_login(officer)
    query = "kind=economic&sort=date"

    rows = export_rows(client, f"/support/export/{fmt}/?{query}")

    header, body = rows[0], rows[1:]
    assert header == [
        "Date",
        "Kind",
        "Topic",
        "Delivered by",
        "Recipients",
        "District",
        "Women",
        "Men",
        "Province",
        "Notes",
    ]
    assert [r[2] for r in body] == ["Equipment", "Business training"]
    training = dict(zip(header, body[1], strict=True))
    assert "Lola" in training["Recipients"] and "Bahor" in training["Recipients"]
    assert str(training["Women"]) == "20" and str(training["Men"]) == "2"
    assert training["District"] == "Devashtich"


# Queries


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(captured.captured_queries)


def _grow(n: int) -> None:
    for index in range(n):
        group = GroupFactory(district=district("Devashtich" if index % 2 else "Asht"))
        members = MemberFactory.create_batch(2, group=group)
        InitiativeFactory(
            group=group,
            status="planned",
            changes=[("operating", D(2016, 1, 1))],
            participants=members,
            grant_amount=1000 if index % 3 else None,
            grant_date=D(2015, 6, 1) if index % 3 else None,
        )
        cooperative = CooperativeFactory()
        InitiativeFactory(group=None, cooperative=cooperative)
        SupportFactory(groups=[group, GroupFactory()], women=3, men=1)
        SupportFactory(recipient="cooperative", cooperative=cooperative)


@pytest.mark.parametrize(
    "url",
    [
        "/initiatives/",
        "/initiatives/?as_of=2017-01-01&status=operating&sort=-participants&q=initiative",
        "/initiatives/export/csv/",
        "/support/",
        "/support/?as_of=2020-01-01&kind=economic&sort=recipients&q=train",
        "/support/export/xlsx/",
    ],
)
def test_the_registries_cost_the_same_queries_for_2_and_20_rows(client, officer, url):
    _grow(1)
    client.force_login(officer)
    client.get(url)  # warm up (session, content types)
    with_2 = _queries(client, url)
    _grow(9)

    with_20 = _queries(client, url)

    assert with_2 == with_20
