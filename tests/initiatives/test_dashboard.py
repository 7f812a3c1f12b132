"""The dashboards' "Joint initiatives and support" section: its figures on a reporting date,
and every figure's link lists exactly what it counts (or sums)."""

import datetime
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rmp_portal.dashboards import initiatives as dashboards
from rmp_portal.dashboards.figures import dashboard, reporting_dates
from tests.factories import GroupFactory, district
from tests.initiatives.drilldown import links, mismatches, section_of
from tests.initiatives.factories import InitiativeFactory, SupportFactory, activity, topic

pytestmark = pytest.mark.django_db

D = datetime.date
RECENT = timezone.localdate() - datetime.timedelta(days=10)


@pytest.fixture
def world(lola, asht_group, rasht_group, guncha):
    InitiativeFactory(
        group=lola,
        title="Lemon trees",
        activity_type=activity("Lemon cultivation"),
        status="planned",
        started_on=D(2015, 3, 1),
        changes=[("operating", D(2016, 4, 1))],
        grant_amount=Decimal("18500"),
        grant_date=D(2015, 5, 20),
    )
    InitiativeFactory(
        group=asht_group,
        title="Greenhouse",
        activity_type=activity("Greenhouse vegetables and greens"),
        status="planned",
        started_on=D(2018, 2, 1),
        grant_amount=Decimal("23900"),
        grant_date=D(2014, 12, 3),  # the grant came before the start
    )
    InitiativeFactory(
        group=rasht_group,
        title="Honey",
        activity_type=activity("Beekeeping"),
        started_on=D(2013, 5, 1),
        changes=[("closed", D(2019, 9, 30))],
        grant_amount=Decimal("5000.50"),
        grant_date=D(2013, 6, 1),
    )
    InitiativeFactory(
        group=None,
        cooperative=guncha,
        title="Guncha dairy",
        activity_type=activity("Dairy processing"),
        status="idea",
        started_on=D(2013, 2, 1),
        changes=[("operating", D(2014, 3, 10))],
    )
    bahor = GroupFactory(name="Bahor")
    SupportFactory(groups=[lola, bahor], held_on=D(2015, 3, 10), women=20, men=2)
    SupportFactory(
        groups=[asht_group],
        kind="social",
        topic=topic("Health"),
        held_on=D(2018, 7, 1),
        delivered_by="un_women",
        women=15,
    )
    SupportFactory(
        groups=[rasht_group], kind="legal", topic=topic("Documents"), held_on=D(2019, 11, 5),
        women=8, men=5,
    )  # fmt: skip
    SupportFactory(
        recipient="cooperative", cooperative=guncha, held_on=D(2014, 2, 1), women=6, men=0
    )
    SupportFactory(
        groups=[lola], kind="social", topic=topic("Family"), held_on=RECENT, women=5, men=1
    )


def section(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.context["section"], response.content.decode()


def statuses(s) -> dict[str, int]:
    return {status: f.value for status, _label, f in s.statuses}


# The figures


def test_the_programme_page_counts_initiatives_grants_and_support(admin_client, world):
    s, html = section(admin_client, "/")

    assert s.operating.value == 2
    assert s.initiatives.value == 4
    assert statuses(s) == {"idea": 0, "planned": 1, "operating": 2, "suspended": 0, "closed": 1}
    assert {r.name: (r.total.value, r.operating.value) for r in s.activities} == {
        "Lemon cultivation": (1, 1),
        "Greenhouse vegetables and greens": (1, 0),
        "Beekeeping": (1, 0),
        "Dairy processing": (1, 1),
    }
    assert {r.area.code: (r.grants.value, r.amount.value) for r in s.grant_rows} == {
        "SU": (2, Decimal("42400")),
        "RA": (1, Decimal("5000.50")),
    }
    assert (s.grants.value, s.grant_amount.value) == (3, Decimal("47400.50"))
    assert {r.kind: (r.activities.value, r.women.value, r.men.value) for r in s.kinds} == {
        "economic": (2, 26, 2),
        "social": (2, 20, 1),
        "legal": (1, 8, 5),
    }
    assert (s.support.value, s.women.value, s.men.value) == (5, 54, 8)
    assert 'id="figure-initiatives-operating"><a' in html
    assert ">47,400.50<" in section_of(html)


def test_figures_are_counted_on_the_reporting_date(admin_client, world):
    s, _html = section(admin_client, "/?as_of=2015-12-31")

    # Lemons had started (still planned); the greenhouse had not, but its grant had come.
    assert statuses(s) == {"idea": 0, "planned": 1, "operating": 2, "suspended": 0, "closed": 0}
    assert (s.grants.value, s.grant_amount.value) == (3, Decimal("47400.50"))
    assert (s.support.value, s.women.value, s.men.value) == (2, 26, 2)


def test_the_status_on_a_date_is_the_last_change_by_then(admin_client, world):
    s, _html = section(admin_client, "/?as_of=2014-01-01")

    assert statuses(s) == {"idea": 1, "planned": 0, "operating": 1, "suspended": 0, "closed": 0}
    assert s.grants.value == 1  # Honey's; the greenhouse's came in December 2014


def test_the_province_page_counts_grants_by_district(admin_client, world):
    s, _html = section(admin_client, "/provinces/SU/")

    assert s.initiatives.value == 3
    assert {r.area.name: (r.grants.value, r.amount.value) for r in s.grant_rows} == {
        "Asht": (1, Decimal("23900")),
        "Devashtich": (1, Decimal("18500")),
    }
    assert s.support.value == 4


def test_support_by_quarter_covers_the_last_eight_quarters(admin_client, world):
    s, _html = section(admin_client, "/")

    assert len(s.quarters) == 8
    assert s.quarters[0].end == timezone.localdate()
    assert s.quarters[-1].start > D(2020, 1, 1)  # the older support is not in them
    assert sum(q.total.value for q in s.quarters) == 1
    assert sum(q.women.value for q in s.quarters) == 5
    assert sum(q.men.value for q in s.quarters) == 1


# Drill-down: every link lists exactly what its figure counts


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/?as_of=2015-12-31",
        "/?as_of=2014-01-01",
        "/provinces/SU/",
        "/provinces/RA/?as_of=2019-12-31",
        "/provinces/SU/?as_of=2018-07-01",
    ],
)
def test_every_figure_links_to_a_list_of_exactly_that_many_records(admin_client, world, url):
    checked, wrong = mismatches(admin_client, url)

    assert checked > 40
    assert wrong == []


def test_the_links_carry_the_reporting_date(admin_client, world):
    html = admin_client.get("/provinces/SU/?as_of=2016-06-30").content.decode()

    for key, href, _value in links(html):
        query = parse_qs(urlsplit(href).query)
        assert query.get("province") == [str(district("Asht").province_id)] or "district" in query
        if key.startswith("grants"):
            assert query["granted_before"] == ["2016-06-30"], href
        elif "held_before" in query:
            assert query["held_before"][0] <= "2016-06-30", href
        else:
            assert query["as_of"] == ["2016-06-30"], href


def test_a_field_officer_sees_another_provinces_figures_without_links(client, officer, world):
    client.force_login(officer)

    own = client.get("/provinces/SU/").content.decode()
    other = client.get("/provinces/RA/").content.decode()

    assert links(own)
    assert links(other) == []
    assert 'data-value="initiatives-operating"' in section_of(other)


def test_an_empty_registry_shows_zeros(admin_client):
    s, html = section(admin_client, "/")

    assert (s.initiatives.value, s.grants.value, s.support.value) == (0, 0, 0)
    assert "No grants had been received by that date." in html


# Queries


def test_the_section_is_one_query(world):
    board = dashboard(province=None, dates=reporting_dates({}))

    with CaptureQueriesContext(connection) as captured:
        dashboards.section(board)

    assert len(captured) == 1


def test_the_dashboards_cost_the_same_queries_with_more_initiatives(admin_client, lola):
    def count(url):
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(url).status_code == 200
        return len(captured)

    InitiativeFactory(group=lola)
    SupportFactory(groups=[lola])
    admin_client.get("/")
    small = [count("/"), count("/provinces/SU/")]
    for n in range(10):
        group = GroupFactory(district=district("Asht" if n % 2 else "Rasht"))
        InitiativeFactory(group=group, grant_amount=100, grant_date=D(2016, 1, 1))
        SupportFactory(groups=[group], kind=("economic", "social", "legal")[n % 3])

    assert [count("/"), count("/provinces/SU/")] == small
