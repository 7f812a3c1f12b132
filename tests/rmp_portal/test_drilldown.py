"""Dashboards on the demo data: the published figures, and every figure's link into the
registry lists exactly as many records as the figure says.

The demo data is loaded once for the module (in a transaction rolled back at the end, as in
test_demo_data.py); each test runs in its own savepoint."""

import csv
import datetime
import io
import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from openpyxl import load_workbook

from groups.models import SelfHelpGroup
from members.models import Member

pytestmark = pytest.mark.django_db

AS_OF = "2011-09-30"
PAGES = {
    "programme": "/",
    "programme-2011": f"/?as_of={AS_OF}",
    "programme-period": "/?as_of=2015-06-30&period_start=2014-01-01&period_end=2014-12-31",
    "sughd": "/provinces/SU/",
    "rasht": "/provinces/RA/",
    "sughd-2011": f"/provinces/SU/?as_of={AS_OF}",
}
REGISTRIES = ("groups", "members", "cooperatives")
SEPARATORS = re.compile(r"[,\s\u00a0\u202f\u2009.']")


@pytest.fixture(scope="module")
def demo_db(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo_data", force=True, stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def client_manager(demo_db, client):
    """The demo's programme-wide manager: reads and exports every province."""
    client.force_login(get_user_model().objects.get(username="manager"))
    return client


def number(text: str) -> int:
    """A figure as shown, thousands separators (comma, spaces, narrow spaces) removed."""
    return int(SEPARATORS.sub("", text))


class FigureLinks(HTMLParser):
    """Every <a data-figure> of a page: (figure key, href, text)."""

    def __init__(self):
        super().__init__()
        self.links: list[tuple[str, str, str]] = []
        self._open: list | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and "data-figure" in attrs:
            self._open = [attrs["data-figure"], attrs["href"], ""]

    def handle_data(self, data):
        if self._open is not None:
            self._open[2] += data

    def handle_endtag(self, tag):
        if tag == "a" and self._open is not None:
            self.links.append(tuple(self._open))
            self._open = None


def figure_links(html: str) -> list[tuple[str, str, str]]:
    parser = FigureLinks()
    parser.feed(html)
    return parser.links


def registry_of(href: str) -> str:
    return urlsplit(href).path.strip("/").split("/")[0]


def registry_exists(name: str) -> bool:
    try:
        reverse(f"{name}:list")
    except NoReverseMatch:
        return False
    return True


def members_filter_by_date_left(client) -> bool:
    """Whether the members registry filters on left_after/left_before yet (an unknown
    parameter is ignored, so a range in the future would list everybody)."""
    response = client.get("/members/?left_after=2999-01-01&left_before=2999-01-02")
    return response.context["paginator"].count == 0


def total_of(client, href: str) -> int:
    response = client.get(href)
    assert response.status_code == 200, href
    filterset = response.context["filter"]
    assert not filterset.errors, (href, filterset.errors)
    return response.context["paginator"].count


# The published figures --------------------------------------------------------------------


def test_the_programme_page_shows_the_published_figures(client_manager):
    response = client_manager.get("/")
    board = response.context["board"]
    assert board.total.groups == 482
    assert board.total.women == 2884
    assert board.total.men == 71
    by_code = {row.area.code: row.counts for row in board.rows}
    assert by_code["SU"].groups == 199
    assert by_code["RA"].groups == 283
    assert by_code["RA"].men == 0
    html = response.content.decode()
    headline = html[html.index('id="headline-title"') : html.index('id="areas-title"')]
    shown = {key: number(text) for key, _href, text in figure_links(headline)}
    assert shown["groups"] == 482
    assert shown["women"] == 2884
    assert shown["men"] == 71
    assert ">2,884<" in html and ">2,955<" in html  # thousands separators


def test_as_of_30_september_2011_it_shows_178_groups_and_1049_members(client_manager):
    response = client_manager.get(f"/?as_of={AS_OF}")
    board = response.context["board"]
    assert board.dates.as_of == datetime.date(2011, 9, 30)
    assert board.total.groups == 178
    assert board.total.members == 1049
    html = response.content.decode()
    assert re.search(r'data-figure="groups">178<', html)
    assert re.search(r'data-figure="members">1,049<', html)
    assert "Sept. 30, 2011" in html  # the reporting date, in the locale's format


def test_the_province_pages_add_up_to_the_programme(client_manager):
    programme = client_manager.get("/").context["board"].total
    sughd = client_manager.get("/provinces/SU/").context["board"].total
    rasht = client_manager.get("/provinces/RA/").context["board"].total
    assert (sughd.groups, rasht.groups) == (199, 283)
    for name in ("groups", "women", "men", "cooperatives", "in_cooperative", "with_men"):
        assert getattr(sughd, name) + getattr(rasht, name) == getattr(programme, name), name


def test_every_group_has_a_woman_leader_so_there_is_no_warning(client_manager):
    response = client_manager.get("/")
    board = response.context["board"]
    assert board.total.with_leader == board.total.groups == 482
    assert 'id="leader-warning"' not in response.content.decode()


def test_a_group_without_leader_shows_a_data_quality_warning_with_its_link(client_manager):
    leader = Member.objects.filter(role=Member.Role.LEADER, left_on__isnull=True).first()
    leader.role = Member.Role.MEMBER
    leader.save()
    response = client_manager.get("/")
    html = response.content.decode()
    assert 'id="leader-warning"' in html
    warning = html[html.index('id="leader-warning"') :]
    key, href, text = figure_links(warning)[0]
    assert key == "without_leader" and number(text) == 1
    assert "needs_leader=yes" in href
    assert total_of(client_manager, href) == 1


@pytest.mark.parametrize("url", ["/", f"/?as_of={AS_OF}", "/provinces/SU/", "/provinces/RA/"])
def test_the_totals_row_equals_the_headline_and_the_rows_add_up(client_manager, url):
    html = client_manager.get(url).content.decode()
    headline = {k: number(t) for k, _h, t in figure_links(html[: html.index('id="areas-title"')])}
    table = html[html.index('id="table-areas"') : html.index("</table>", html.index("table-areas"))]
    body, foot = table.split("<tfoot>")
    totals = {k: number(t) for k, _h, t in figure_links(foot)}
    assert set(totals) == {"groups", "women", "men", "members", "cooperatives", "in_cooperative"}
    for key, value in totals.items():
        assert value == headline[key], key
        rows = [number(t) for k, _h, t in figure_links(body) if k == key]
        assert sum(rows) == value, key


def test_the_headline_matches_the_database_counted_directly(client_manager):
    board = client_manager.get(f"/?as_of={AS_OF}").context["board"]
    day = datetime.date(2011, 9, 30)
    assert board.total.groups == SelfHelpGroup.objects.filter(established_on__lte=day).count()
    current = Member.objects.current_on(day)
    assert board.total.women == current.filter(sex="F").count()
    assert board.total.men == current.filter(sex="M").count()


# Drill-down: every link lists exactly what its figure counts --------------------------------


@pytest.mark.parametrize("registry", [*REGISTRIES, "members-left"])
@pytest.mark.parametrize("page", PAGES)
def test_every_figure_links_to_a_list_of_exactly_that_many_records(client_manager, page, registry):
    name, _sep, subset = registry.partition("-")
    if not registry_exists(name):
        pytest.skip(f"the {name} registry does not exist yet")
    html = client_manager.get(PAGES[page]).content.decode()
    links = [link for link in figure_links(html) if registry_of(link[1]) == name]
    if name == "members":
        # "Members who left" links need the left_after/left_before filter: checked apart.
        links = [link for link in links if ("left_after" in link[1]) == (subset == "left")]
        if subset == "left" and not members_filter_by_date_left(client_manager):
            pytest.skip("the members registry has no left_after/left_before filter yet")
    assert links, f"no links into /{name}/ on {page}"
    checked: dict[str, int] = {}
    mismatches = []
    for key, href, text in links:
        query = parse_qs(urlsplit(href).query)
        if not {"established_after", "joined_after", "left_after"} & set(query):
            assert "as_of" in query, href  # every count as of the reporting date
        if href not in checked:
            checked[href] = total_of(client_manager, href)
        if checked[href] != number(text):
            mismatches.append((key, href, text, checked[href]))
    assert not mismatches


def test_figures_carry_the_reporting_date_and_period_into_their_links(client_manager):
    html = client_manager.get(PAGES["programme-period"]).content.decode()
    links = {key: href for key, href, _text in figure_links(html)}
    assert "as_of=2015-06-30" in links["groups"]
    assert "as_of=2015-06-30" in links["women"]
    assert parse_qs(urlsplit(links["new_groups"]).query) == {
        "established_after": ["2014-01-01"],
        "established_before": ["2014-12-31"],
    }
    assert parse_qs(urlsplit(links["joined"]).query) == {
        "joined_after": ["2014-01-01"],
        "joined_before": ["2014-12-31"],
    }


def test_the_period_counts_new_groups_and_members(client_manager):
    board = client_manager.get(PAGES["programme-period"]).context["board"]
    period = (datetime.date(2014, 1, 1), datetime.date(2014, 12, 31))
    assert (
        board.total.new_groups == SelfHelpGroup.objects.filter(established_on__range=period).count()
    )
    assert board.total.new_groups > 50  # phase two, summer 2014
    assert board.total.joined == Member.objects.filter(joined_on__range=period).count()
    assert board.total.left == Member.objects.filter(left_on__range=period).count()


# Exports match the tables on the page --------------------------------------------------------


def _page_table(html: str, table_id: str) -> list[list[str]]:
    start = html.index(f'id="{table_id}"')
    table = html[start : html.index("</table>", start)]
    rows = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, flags=re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S)
        rows.append([re.sub(r"<[^>]+>", "", c).strip() for c in cells])
    return rows


def _as_numbers(cells):
    result = []
    for cell in cells:
        text = re.sub(r"\s*\(.*\)$", "", cell)  # "12 (4.3%)": the count
        try:
            result.append(number(text) if "." not in text else float(text))
        except ValueError:
            result.append(text)
    return result


@pytest.mark.parametrize(
    ("page", "export", "table_id"),
    [
        ("/", "/export/provinces", "table-areas"),
        ("/provinces/SU/", "/provinces/SU/export/districts", "table-areas"),
        ("/provinces/RA/", "/provinces/RA/export/years", "table-years"),
        ("/", "/export/activities", "table-activities"),
    ],
)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exports_match_the_tables_on_the_page(client_manager, page, export, table_id, fmt):
    query = f"?as_of={AS_OF}"
    html = client_manager.get(page + query).content.decode()
    shown = _page_table(html, table_id)[1:]  # without the header
    response = client_manager.get(f"{export}.{fmt}{query}")
    assert response.status_code == 200
    if fmt == "csv":
        text = response.content.decode("utf-8-sig")
        exported = list(csv.reader(io.StringIO(text)))[1:]
    else:
        workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        exported = [[str(v) for v in row] for row in workbook.active.iter_rows(values_only=True)]
        exported = exported[1:]
    assert len(exported) == len(shown)
    for page_row, file_row in zip(shown, exported, strict=True):
        page_values = _as_numbers(page_row)
        # The areas export has the share in its own column; the page shows it in brackets.
        if table_id == "table-areas":
            file_row = file_row[:7] + file_row[8:]
        file_values = _as_numbers([c if c != "None" else "—" for c in file_row])
        file_values = ["—" if v == "" else v for v in file_values]
        assert page_values == file_values
