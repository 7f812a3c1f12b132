"""Dashboards on small, hand-made registries: who sees which dashboard, figures as of a date,
targets, exports, query counts, and malformed query strings."""

import csv
import datetime
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from cooperatives.models import Cooperative
from groups.models import ActivityType, Province, SelfHelpGroup
from members.models import Member
from rmp_portal.dashboards.figures import Period, reporting_dates
from rmp_portal.models import Target
from tests import factories
from tests.factories import (
    CooperativeFactory,
    CooperativeMembershipFactory,
    GroupFactory,
    MemberFactory,
    district,
)
from tests.rmp_portal.test_drilldown import figure_links, number, total_of

pytestmark = pytest.mark.django_db

D = datetime.date


def su():
    return Province.objects.get(code="SU")


def ra():
    return Province.objects.get(code="RA")


ESTABLISHED = D(2012, 3, 1)


def group_with(district_name="Devashtich", women=2, men=0, established=ESTABLISHED, **kw):
    """A group with a current woman leader and `women` - 1 more women and `men` men."""
    group = GroupFactory(district=district(district_name), established_on=established, **kw)
    MemberFactory(group=group, role=Member.Role.LEADER, joined_on=established)
    for _ in range(women - 1):
        MemberFactory(group=group, joined_on=established)
    for _ in range(men):
        MemberFactory(group=group, sex=Member.Sex.MALE, joined_on=established)
    return group


@pytest.fixture
def admin_client(client):
    client.force_login(factories.UserFactory(username="boss", is_staff=True, is_superuser=True))
    return client


def board(client, url="/"):
    response = client.get(url)
    assert response.status_code == 200, response
    return response.context["board"]


# Who sees which dashboard --------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/provinces/SU/",
        "/provinces/RA/",
        "/export/provinces.csv",
        "/provinces/SU/export/years.xlsx",
    ],
)
def test_an_anonymous_visitor_is_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_a_programme_manager_sees_the_programme_page_and_every_province(client, manager_all):
    client.force_login(manager_all)
    assert client.get("/").status_code == 200
    assert client.get("/provinces/SU/").status_code == 200
    assert client.get("/provinces/RA/").status_code == 200
    switcher = client.get("/").context["switcher"]
    assert [item["label"] for item in switcher] == ["Programme", "Rasht Valley", "Sughd Province"]


def test_an_admin_sees_the_programme_page(admin_client):
    response = admin_client.get("/")
    assert response.status_code == 200
    assert response.context["province"] is None


def test_a_province_manager_is_sent_to_their_province_with_the_query(client, manager_sughd):
    client.force_login(manager_sughd)
    response = client.get("/?as_of=2014-01-01")
    assert response.status_code == 302
    assert response["Location"] == "/provinces/SU/?as_of=2014-01-01"
    assert client.get("/provinces/SU/").status_code == 200


def test_a_province_manager_cannot_see_the_other_province(client, manager_sughd):
    group_with("Rasht")
    client.force_login(manager_sughd)
    assert client.get("/provinces/RA/").status_code == 404
    assert client.get("/provinces/RA/export/districts.csv").status_code == 404
    assert client.get("/export/provinces.csv").status_code == 404


def test_an_officer_starts_from_their_province_and_sees_every_province(client, officer):
    group_with("Rasht", women=3)
    client.force_login(officer)
    response = client.get("/")
    # The site's home is their "My work" (tests/mywork); "Dashboard" is their province's.
    assert response.status_code == 302
    assert response["Location"] == "/my-work/"
    nav = [item["url"] for item in client.get("/my-work/").context["portal_nav"]]
    assert "/provinces/SU/" in nav
    own = client.get("/provinces/SU/")
    other = client.get("/provinces/RA/")
    assert own.status_code == other.status_code == 200
    assert other.context["board"].total.women == 3


def test_an_officer_sees_other_provinces_without_links_into_the_registry(client, officer):
    group_with("Rasht", women=3)
    group_with("Devashtich", women=2)
    client.force_login(officer)
    own = client.get("/provinces/SU/").content.decode()
    other = client.get("/provinces/RA/").content.decode()
    assert figure_links(own)
    assert not figure_links(other)
    assert 'data-value="women">3<' in other


def test_an_unknown_province_is_not_found(admin_client):
    assert admin_client.get("/provinces/XX/").status_code == 404
    assert admin_client.get("/provinces/XX/export/districts.csv").status_code == 404
    assert admin_client.get("/provinces/SU/").status_code == 200
    assert admin_client.get("/provinces/su/").status_code == 200


def test_dashboards_never_show_names_or_phones(admin_client):
    group = group_with("Devashtich")
    MemberFactory(group=group, surname="Zulfiqorova", given_name="Parvina", phone="+992 93 5551234")
    for url in ("/", "/provinces/SU/", "/?print=1", "/provinces/SU/export/districts.csv"):
        content = admin_client.get(url).content.decode("utf-8-sig")
        assert "Zulfiqorova" not in content and "Parvina" not in content
        assert "5551234" not in content


# Figures as of a date --------------------------------------------------------------------------


def test_a_member_who_leaves_on_the_reporting_date_is_no_longer_counted(admin_client):
    group = group_with("Devashtich", women=1, established=D(2012, 1, 10))
    MemberFactory(group=group, joined_on=D(2012, 2, 1), left_on=D(2013, 1, 1))
    assert board(admin_client, "/?as_of=2012-01-31").total.women == 1
    assert board(admin_client, "/?as_of=2012-12-31").total.women == 2
    assert board(admin_client, "/?as_of=2013-01-01").total.women == 1
    assert board(admin_client, "/").total.women == 1


def test_a_dissolved_group_counts_until_the_day_it_was_dissolved(admin_client):
    group_with("Asht", established=D(2012, 1, 10))
    group_with(
        "Asht",
        established=D(2012, 1, 10),
        status=SelfHelpGroup.Status.DISSOLVED,
        dissolved_on=D(2014, 5, 1),
    )
    assert board(admin_client, "/?as_of=2012-01-09").total.groups == 0
    assert board(admin_client, "/?as_of=2014-04-30").total.groups == 2
    assert board(admin_client, "/?as_of=2014-05-01").total.groups == 1
    years = {row.year: row for row in board(admin_client, "/").years}
    assert years[2012].formed.value == 2
    assert years[2013].at_year_end.value == 2
    assert years[2014].at_year_end.value == 1


def test_cooperative_membership_and_cooperatives_are_dated(admin_client):
    first, second = group_with("Devashtich"), group_with("Devashtich")
    cooperative = CooperativeFactory(formed_on=D(2013, 5, 1))
    CooperativeMembershipFactory(cooperative=cooperative, group=first, joined_on=D(2013, 5, 1))
    CooperativeMembershipFactory(
        cooperative=cooperative, group=second, joined_on=D(2013, 5, 1), left_on=D(2015, 1, 1)
    )
    CooperativeFactory(
        formed_on=D(2013, 6, 1),
        status=Cooperative.Status.DISSOLVED,
        dissolved_on=D(2016, 1, 1),
    )
    then = board(admin_client, "/?as_of=2014-12-31").total
    assert (then.in_cooperative, then.cooperatives, then.dissolved_since) == (2, 2, 1)
    assert then.share_in_cooperatives == 100.0
    now = board(admin_client, "/").total
    assert (now.in_cooperative, now.cooperatives, now.registered) == (1, 1, 1)
    assert now.share_in_cooperatives == 50.0
    assert board(admin_client, "/?as_of=2013-04-30").total.cooperatives == 0


def test_men_leaders_and_averages(admin_client):
    group_with("Devashtich", women=3, men=1)
    group_with("Asht", women=2)
    leaderless = GroupFactory(district=district("Asht"))
    MemberFactory(group=leaderless)
    total = board(admin_client, "/provinces/SU/").total
    assert (total.groups, total.women, total.men, total.with_men) == (3, 6, 1, 1)
    assert (total.with_leader, total.without_leader) == (2, 1)
    assert total.average_size == round(7 / 3, 1)


def test_the_period_defaults_to_the_twelve_months_up_to_the_reporting_date(admin_client):
    dates = board(admin_client, "/?as_of=2011-09-30").dates
    assert dates.period == Period(D(2010, 10, 1), D(2011, 9, 30))
    assert Period.year_to(D(2024, 2, 29)) == Period(D(2023, 3, 1), D(2024, 2, 29))


def test_the_period_counts_what_was_dated_in_it(admin_client):
    group_with("Devashtich", women=2, established=D(2014, 3, 1))
    group = group_with("Rasht", women=1, established=D(2013, 3, 1))
    MemberFactory(group=group, joined_on=D(2013, 3, 1), left_on=D(2014, 7, 1))
    url = "/?as_of=2015-01-01&period_start=2014-01-01&period_end=2014-12-31"
    total = board(admin_client, url).total
    assert (total.new_groups, total.joined, total.left) == (1, 2, 1)


def test_drill_down_on_a_registry_with_dissolved_groups_and_former_members(admin_client):
    group_with("Devashtich", women=3, men=2, established=D(2011, 4, 1))
    gone = group_with(
        "Rasht",
        women=2,
        established=D(2011, 5, 1),
        status=SelfHelpGroup.Status.DISSOLVED,
        dissolved_on=D(2013, 2, 1),
    )
    MemberFactory(group=gone, joined_on=D(2011, 6, 1), left_on=D(2012, 6, 1))
    cooperative = CooperativeFactory(formed_on=D(2012, 1, 1))
    CooperativeMembershipFactory(cooperative=cooperative, group=gone, joined_on=D(2012, 1, 1))
    for url in ("/?as_of=2012-03-01", "/", "/provinces/RA/?as_of=2012-03-01"):
        html = admin_client.get(url).content.decode()
        links = [link for link in figure_links(html) if "left_after" not in link[1]]
        assert links
        for key, href, text in links:
            assert total_of(admin_client, href) == number(text), (url, key, href)


# Malformed query strings -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "as_of=yesterday",
        "as_of=2011-02-30",
        "as_of=0001-01-01",
        "as_of=9999-12-31",
        "as_of=2011-9-30",
        "as_of=%00",
        "as_of=2011-09-30&as_of=bad",
        "period_start=2014-13-01",
        "period_start=2015-01-01&period_end=2014-01-01",
        "period_end=2999-01-01",
        "as_of=2011-09-30&period_start=2011-01-01&period_end=2012-01-01",
        "period_start=0001-01-01&period_end=0001-12-31",
        "print=yes",
        "print=1&print=<script>",
        "export=csv&table=../../etc",
    ],
)
def test_malformed_parameters_never_fail(admin_client, query):
    group_with("Devashtich")
    for url in ("/", "/provinces/SU/", "/export/provinces.csv", "/provinces/SU/export/years.xlsx"):
        response = admin_client.get(f"{url}?{query}")
        assert response.status_code == 200, (url, query)


def test_an_invalid_date_is_explained_and_todays_figures_shown(admin_client):
    response = admin_client.get("/?as_of=2011-02-30")
    assert response.context["board"].dates.as_of == timezone.localdate()
    assert "is not a reporting date" in response.content.decode()
    response = admin_client.get("/?as_of=2999-01-01")
    assert response.context["board"].dates.as_of == timezone.localdate()
    assert "cannot be in the future" in response.content.decode()
    response = admin_client.get("/?period_start=2015-01-01&period_end=2014-01-01")
    assert "starts after it ends" in response.content.decode()


def test_reporting_dates_keep_only_what_is_valid():
    dates = reporting_dates({"as_of": "2011-09-30", "period_start": "x"})
    assert dates.as_of == D(2011, 9, 30)
    assert dates.requested == {"as_of": D(2011, 9, 30)}
    assert len(dates.notices) == 1
    assert not dates.is_today


@pytest.mark.parametrize(
    "path", ["/export/groups.csv", "/export/provinces.pdf", "/export/districts.csv"]
)
def test_unknown_exports_are_not_found(admin_client, path):
    assert admin_client.get(path).status_code == 404


# Targets ----------------------------------------------------------------------------------------


def test_achievement_against_the_target_of_the_reporting_year(admin_client):
    for _ in range(3):
        group_with("Devashtich", women=3)
    Target.objects.create(province=su(), year=2015, groups=4, women_members=10, cooperatives=2)
    html = admin_client.get("/provinces/SU/?as_of=2015-06-30").content.decode()
    text = re.sub(r"<[^>]+>", "", html)
    assert "Targets for 2015" in text
    assert re.search(r"3\s+of 4 — 75%", text)
    assert re.search(r"9\s+of 10 — 90%", text)
    assert re.search(r"0\s+of 2 — 0%", text)
    assert "w-pct-75" in html and "w-pct-90" in html
    assert 'aria-valuenow="75"' in html


def test_no_target_no_progress(admin_client):
    group_with("Devashtich")
    Target.objects.create(province=su(), year=2015, groups=4)
    html = admin_client.get("/provinces/SU/?as_of=2016-06-30").content.decode()
    assert "Targets for" not in html
    html = admin_client.get("/provinces/RA/?as_of=2015-06-30").content.decode()
    assert "Targets for" not in html


def test_the_programme_page_shows_each_province_target_and_caps_the_bar(admin_client):
    for _ in range(5):
        group_with("Rasht")
    Target.objects.create(province=ra(), year=2015, groups=4)
    Target.objects.create(province=su(), year=2015, women_members=100)
    html = admin_client.get("/?as_of=2015-06-30").content.decode()
    text = re.sub(r"<[^>]+>", "", html)
    assert re.search(r"Rasht Valley · Self-help groups\s+5\s+of 4 — 125%", text)
    assert re.search(r"Sughd Province · Women members\s+0\s+of 100 — 0%", text)
    assert "w-pct-100 bg-success" in html


def test_a_target_is_unique_per_province_and_year():
    from django.db import IntegrityError, transaction

    Target.objects.create(province=su(), year=2015, groups=4)
    with pytest.raises(IntegrityError), transaction.atomic():
        Target.objects.create(province=su(), year=2015, groups=5)


# Exports ----------------------------------------------------------------------------------------


def test_the_csv_export_is_the_table_with_its_totals(admin_client):
    group_with("Devashtich", women=3, men=1)
    group_with("Rasht", women=2)
    response = admin_client.get("/export/provinces.csv?as_of=2013-01-01")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        'filename="dashboard-programme-provinces-2013-01-01.csv"' in response["Content-Disposition"]
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:5] == ["Province", "Groups", "Women", "Men", "Members"]
    assert rows[1][:5] == ["Rasht Valley", "1", "2", "0", "2"]
    assert rows[2][:5] == ["Sughd Province", "1", "3", "1", "4"]
    assert rows[3][:5] == ["Total", "2", "5", "1", "6"]


def test_the_xlsx_export_has_numbers_as_numbers(admin_client):
    group_with("Devashtich", women=3, men=1)
    response = admin_client.get("/provinces/SU/export/districts.xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:5] == ("Devashtich", 1, 3, 1, 4)
    assert rows[-1][0] == "Total"
    assert rows[1][8] == 4.0


def test_exported_text_cannot_start_a_formula(admin_client):
    activity = ActivityType.objects.create(name="=HYPERLINK(1)")
    group_with("Devashtich").activities.add(activity)
    content = admin_client.get("/export/activities.csv").content.decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in content


# The page itself -----------------------------------------------------------------------------


def test_charts_read_their_data_from_json_and_no_script_is_inline(admin_client):
    group_with("Devashtich", women=3, men=1).activities.add(ActivityType.objects.first())
    html = admin_client.get("/").content.decode()
    for tag in re.findall(r"<script[^>]*>", html):
        assert 'type="application/json"' in tag or "src=" in tag, tag
    assert "style=" not in html
    for chart in ("years", "members", "activities"):
        assert f'id="chart-{chart}-data" type="application/json"' in html
    assert "/static/vendor/chartjs/chart.umd.min.js" in html
    assert "/static/js/charts.js" in html
    canvases = re.findall(r"<canvas[^>]*>", html)
    assert len(canvases) == 3
    assert all('role="img"' in c and "aria-label=" in c for c in canvases)
    assert 'id="table-years"' in html and 'id="table-activities"' in html


def test_the_print_view_is_the_report_without_navigation(admin_client):
    group_with("Devashtich")
    html = admin_client.get("/?as_of=2013-01-01&print=1").content.decode()
    assert re.search(r'<body class="dashboard print-view">', html)
    assert "dashboard-controls" not in html
    assert "Scope: All provinces" in html
    assert "Jan. 1, 2013" in html
    assert 'href="?as_of=2013-01-01"' in html  # back to the screen view
    screen = admin_client.get("/?as_of=2013-01-01").content.decode()
    assert 'href="?as_of=2013-01-01&amp;print=1"' in screen


# A constant number of queries ----------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def _grow_registry():
    activities = list(ActivityType.objects.all()[:4])
    for n, name in enumerate(["Devashtich", "Asht", "Isfara", "Rasht", "Lakhsh", "Nurobod"] * 4):
        group = group_with(name, women=3, men=n % 2, established=D(2010 + n % 6, 5, 1))
        group.activities.set(activities[: 1 + n % 4])
        MemberFactory(group=group, joined_on=D(2016, 1, 1), left_on=D(2018, 1, 1))
        if n % 3 == 0:
            cooperative = CooperativeFactory(district=group.district, formed_on=D(2017, 1, 1))
            CooperativeMembershipFactory(
                cooperative=cooperative, group=group, joined_on=D(2017, 1, 1)
            )
    for year in (2015, 2016, timezone.localdate().year):
        Target.objects.create(province=su(), year=year, groups=10, women_members=50)
        Target.objects.create(province=ra(), year=year, groups=10, cooperatives=3)


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/?as_of=2016-06-30",
        "/provinces/SU/",
        "/provinces/RA/?as_of=2016-06-30&period_start=2014-01-01&period_end=2015-12-31",
        "/export/provinces.csv",
        "/provinces/SU/export/districts.xlsx",
        "/provinces/RA/export/activities.csv",
    ],
)
def test_the_number_of_queries_does_not_grow_with_the_data(admin_client, url):
    group_with("Devashtich")
    small = _queries(admin_client, url)
    _grow_registry()
    assert SelfHelpGroup.objects.count() == 25
    large = _queries(admin_client, url)
    assert large == small
    assert (
        small <= 17
    )  # one of them: the initiatives and support section (rmp_portal.dashboards.initiatives)


def test_the_number_of_queries_is_the_same_for_a_field_officer(client, officer):
    group_with("Devashtich")
    client.force_login(officer)
    small = _queries(client, "/provinces/RA/")
    _grow_registry()
    assert _queries(client, "/provinces/RA/") == small
