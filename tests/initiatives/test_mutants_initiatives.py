"""Initiatives: who may change a cooperative's initiative, and the grants counted as of a date.

Kills the mutation-audit mutants S02 (initiatives.selectors.initiatives_editable, the
cooperative branch widened to the readable province) and S03
(rmp_portal.dashboards.initiatives, the grant amount summed whatever its date); see
docs/testing.md."""

import datetime
from decimal import Decimal

import pytest

from initiatives.models import InitiativeStatusChange, JointInitiative
from rmp_portal.core.concurrency import version_of
from rmp_portal.dashboards import initiatives as section_figures
from rmp_portal.dashboards.figures import dashboard, reporting_dates
from tests.factories import CooperativeFactory, district
from tests.initiatives.drilldown import mismatches
from tests.initiatives.factories import InitiativeFactory, activity

pytestmark = pytest.mark.django_db

D = datetime.date


def cooperative_initiative(district_name: str, title: str) -> JointInitiative:
    cooperative = CooperativeFactory(name=f"{title} cooperative", district=district(district_name))
    return InitiativeFactory(group=None, cooperative=cooperative, title=title)


def edit_data(initiative: JointInitiative, title: str) -> dict:
    return {
        "title": title,
        "activity_type": initiative.activity_type_id,
        "started_on": initiative.started_on.isoformat(),
        "version": version_of(initiative),
    }


# S02: an officer changes the initiatives of her districts' cooperatives only


def test_an_officer_cannot_edit_an_initiative_of_a_cooperative_in_another_district(client, officer):
    asht = cooperative_initiative("Asht", "Asht dairy")  # same province (Sughd), other district
    client.force_login(officer)  # Devashtich

    assert client.get(f"/initiatives/{asht.pk}/").status_code == 200  # she reads it
    assert client.get(f"/initiatives/{asht.pk}/edit/").status_code == 404
    response = client.post(f"/initiatives/{asht.pk}/edit/", edit_data(asht, "Taken over"))
    assert response.status_code == 404
    response = client.post(
        f"/initiatives/{asht.pk}/status/", {"status": "suspended", "changed_on": "2020-03-15"}
    )
    assert response.status_code == 404
    asht.refresh_from_db()
    assert (asht.title, asht.status) == ("Asht dairy", "operating")
    assert not InitiativeStatusChange.objects.filter(initiative=asht, status="suspended").exists()
    page = client.get(f"/initiatives/{asht.pk}/").content.decode()
    assert f"/initiatives/{asht.pk}/edit/" not in page


def test_an_officer_edits_an_initiative_of_a_cooperative_of_her_district(client, officer):
    own = cooperative_initiative("Devashtich", "Devashtich dairy")
    client.force_login(officer)

    assert client.get(f"/initiatives/{own.pk}/edit/").status_code == 200
    response = client.post(f"/initiatives/{own.pk}/edit/", edit_data(own, "Devashtich cheese"))

    assert response.status_code == 302
    own.refresh_from_db()
    assert own.title == "Devashtich cheese"


# S03: the grants figure counts and sums only the grants received by the reporting date


@pytest.fixture
def grants(lola):
    """Two initiatives of Lola, same activity and status, both started in 2015: one granted
    18,500 TJS in May 2015, the other 7,000 TJS in March 2016."""
    for title, amount, day in (
        ("Lemon trees", "18500", D(2015, 5, 20)),
        ("Lemon saplings", "7000", D(2016, 3, 1)),
    ):
        InitiativeFactory(
            group=lola,
            title=title,
            activity_type=activity("Lemon cultivation"),
            started_on=D(2015, 3, 1),
            grant_amount=Decimal(amount),
            grant_date=day,
        )


def grant_figures(as_of: D, province=None):
    board = dashboard(province=province, dates=reporting_dates({"as_of": as_of.isoformat()}))
    s = section_figures.section(board)
    return (
        (s.grants.value, s.grant_amount.value),
        {r.area.code if province is None else r.area.name: r.amount.value for r in s.grant_rows},
    )


def test_a_grant_received_after_the_reporting_date_is_not_in_its_figures(grants):
    assert grant_figures(D(2015, 12, 31)) == ((1, Decimal("18500")), {"SU": Decimal("18500")})
    assert grant_figures(D(2016, 3, 1)) == ((2, Decimal("25500")), {"SU": Decimal("25500")})


def test_a_later_grant_is_not_in_the_province_pages_district_row_either(grants):
    province = district("Devashtich").province

    assert grant_figures(D(2015, 12, 31), province) == (
        (1, Decimal("18500")),
        {"Devashtich": Decimal("18500")},
    )


def test_the_grants_shown_as_of_a_date_match_the_registry_they_link_to(admin_client, grants):
    html = admin_client.get("/?as_of=2015-12-31").content.decode()

    assert ">18,500<" in html and "25,500" not in html
    checked, wrong = mismatches(admin_client, "/?as_of=2015-12-31")
    assert checked > 10
    assert wrong == []
