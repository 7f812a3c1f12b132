"""The dashboard figures through the API: rmp_portal.dashboards.figures' numbers, for the
provinces whose dashboards the caller sees."""

import pytest
from django.http import QueryDict

from groups.models import Province
from rmp_portal.dashboards import figures
from tests.api import world as world_module

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return world_module.build(groups_per_district=2)


def test_the_programme_figures_are_the_dashboards(world, api_for, analyst):
    body = api_for(analyst).get("/api/v1/figures/", {"as_of": "2020-06-30"}).json()
    board = figures.dashboard(
        province=None, dates=figures.reporting_dates(QueryDict("as_of=2020-06-30"))
    )
    assert body["as_of"] == "2020-06-30" and body["province"] is None
    assert body["figures"]["groups"] == board.total.groups == 6
    assert body["figures"]["members"] == board.total.members == 12
    assert body["figures"]["in_cooperative"] == 3
    by_code = {row["code"]: row["figures"]["women"] for row in body["areas"]}
    assert by_code["SU"] == 4 and by_code["RA"] == 2


def test_a_province_by_code_one_row_per_district(world, api_for, manager_sughd):
    body = api_for(manager_sughd).get("/api/v1/figures/", {"province": "su"}).json()
    assert body["province"] == "SU"
    rows = {row["name"]: row["figures"]["groups"] for row in body["areas"]}
    assert rows["Devashtich"] == 2 and rows["Asht"] == 2
    assert body["figures"]["groups"] == 4


def test_a_province_manager_reads_only_her_provinces_figures(world, api_for, manager_sughd):
    api = api_for(manager_sughd)
    assert api.get("/api/v1/figures/", {"province": "RA"}).status_code == 404
    assert api.get("/api/v1/figures/").status_code == 403  # the programme's totals


def test_an_officer_reads_every_provinces_figures(world, api_for, officer):
    api = api_for(officer)
    assert Province.objects.filter(code="RA").exists()
    body = api.get("/api/v1/figures/", {"province": "RA"}).json()
    assert body["figures"]["groups"] == 2


def test_a_bad_reporting_date_says_why_in_tajik(api_for, analyst):
    response = api_for(analyst).get("/api/v1/figures/", {"as_of": "2999-01-01"}, language="tg")
    assert response.status_code == 400
    assert response.json()["errors"]["dates"]
