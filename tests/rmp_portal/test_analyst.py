"""The analyst role (donors' analysts): every province's figures, no group's or person's
record anywhere on the pages."""

import pytest

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(db):
    group = factories.GroupFactory(district=factories.district("Devashtich"), name="Guncha")
    member = factories.MemberFactory(group=group, surname="Ashurova")
    return group, member


def test_the_programme_dashboard_shows_figures_without_links_to_records(client, analyst, records):
    client.force_login(analyst)
    response = client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    assert response.context["board"].total.groups == 1
    assert 'href="/groups/' not in page
    assert 'href="/members/' not in page


def test_a_province_dashboard_and_its_export_open(client, analyst, records):
    client.force_login(analyst)
    assert client.get("/provinces/SU/").status_code == 200
    response = client.get("/provinces/SU/export/districts.csv")
    assert response.status_code == 200
    assert "Devashtich" in response.content.decode("utf-8-sig")


@pytest.mark.parametrize(
    "url",
    ["/groups/", "/members/", "/cooperatives/", "/initiatives/", "/support/", "/my-work/",
     "/imports/", "/data-quality/", "/groups/export/csv/"],
)  # fmt: skip
def test_registries_and_record_pages_say_figures_only(client, analyst, records, url):
    client.force_login(analyst)
    response = client.get(url)
    assert response.status_code == 403
    assert "Your role shows figures only" in response.content.decode()
    assert "Ashurova" not in response.content.decode()


def test_a_record_page_says_figures_only(client, analyst, records):
    group, member = records
    client.force_login(analyst)
    for url in (f"/groups/{group.code}/", f"/members/{member.pk}/"):
        response = client.get(url)
        assert response.status_code == 403
        assert "Guncha" not in response.content.decode()


def test_the_navigation_offers_the_dashboard_only(client, analyst, records):
    client.force_login(analyst)
    nav = [item["label"] for item in client.get("/").context["portal_nav"]]
    assert [str(label) for label in nav] == ["Dashboard"]


def test_in_russian_the_page_is_russian(client, analyst):
    client.force_login(analyst)
    response = client.get("/groups/", HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 403
    assert "только цифры" in response.content.decode()
