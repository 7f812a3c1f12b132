"""Import runs are seen by their uploader and by managers and admins whose scope covers them
(imports.selectors): a run covers the districts its uploader edited at the upload. Nobody
else lists a run or opens it."""

import pytest
from django.test import Client

from groups.models import District
from imports import selectors
from imports.models import ImportRun
from rmp_portal.models import StaffProfile
from tests import factories
from tests.imports.conftest import upload

pytestmark = pytest.mark.django_db

CSV = (
    "Group;Surname;Given name;Sex;Birth year;Role;Joined\r\n"
    "SU-0001;Karimova;Zebo;F;1980;;01.03.2014\r\n"
)
FILE_NAME = "sughd-members-spring.csv"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def run(officer, group) -> ImportRun:
    """A run uploaded by the Devashtich officer (Sughd)."""
    response = signed_in(officer).post("/imports/members/new/", {"file": upload(FILE_NAME, CSV)})
    assert response.status_code == 302
    return ImportRun.objects.get()


def lists_the_run(client) -> bool:
    response = client.get("/imports/")
    return response.status_code == 200 and FILE_NAME in response.content.decode()


def detail_status(client, run) -> int:
    return client.get(f"/imports/runs/{run.pk}/").status_code


def test_a_run_covers_the_districts_its_uploader_edited_at_the_upload(run, officer):
    assert set(run.districts.values_list("name", flat=True)) == {"Devashtich"}
    # Later changes to the uploader's districts do not move the run.
    officer.staff_profile.districts.set(District.objects.filter(name="Rasht"))
    assert set(run.districts.values_list("name", flat=True)) == {"Devashtich"}


def test_an_officer_of_another_province_neither_lists_nor_opens_it(run, officer_other_province):
    client = signed_in(officer_other_province)
    assert not lists_the_run(client)
    assert detail_status(client, run) == 404


def test_a_manager_of_another_province_neither_lists_nor_opens_it(run, manager_rasht):
    client = signed_in(manager_rasht)
    response = client.get("/imports/")
    assert response.status_code == 200
    assert FILE_NAME not in response.content.decode()
    assert f"<td>{run.user.get_username()}</td>" not in response.content.decode()
    assert detail_status(client, run) == 404


def test_an_anonymous_visitor_gets_neither(client, run):
    for url in ("/imports/", f"/imports/runs/{run.pk}/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    # And the selectors give an anonymous user nothing.
    from django.contrib.auth.models import AnonymousUser

    assert not selectors.runs_listed(AnonymousUser()).exists()


def test_the_uploader_lists_and_opens_it_with_the_rows(run, officer):
    client = signed_in(officer)
    assert lists_the_run(client)
    response = client.get(f"/imports/runs/{run.pk}/")
    assert response.status_code == 200
    assert b'id="preview-rows"' in response.content and b"Karimova" in response.content


def test_a_manager_of_the_province_lists_and_opens_it_read_only(run, manager_sughd):
    client = signed_in(manager_sughd)
    assert lists_the_run(client)
    response = client.get(f"/imports/runs/{run.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert FILE_NAME in html
    # The summary, not the file's rows (personal data), and nothing to confirm or upload.
    assert 'id="preview-rows"' not in html and "Karimova" not in html
    assert 'id="confirm-form"' not in html
    assert 'href="/imports/members/new/"' not in client.get("/imports/").content.decode()
    assert client.post(f"/imports/runs/{run.pk}/confirm/").status_code == 403
    assert client.post(f"/imports/runs/{run.pk}/discard/").status_code == 403
    assert client.get("/imports/members/new/").status_code == 403


def test_a_programme_wide_manager_and_an_admin_see_every_run(run, manager_all):
    assert lists_the_run(signed_in(manager_all))
    admin = factories.UserFactory(username="root", is_staff=True)
    assert lists_the_run(signed_in(admin))
    assert b'id="preview-rows"' in signed_in(admin).get(f"/imports/runs/{run.pk}/").content


def test_an_admins_run_is_seen_by_admins_and_programme_wide_managers_only(
    group, manager_sughd, manager_all
):
    admin = factories.UserFactory(username="root", is_staff=True)
    response = signed_in(admin).post("/imports/members/new/", {"file": upload(FILE_NAME, CSV)})
    assert response.status_code == 302
    run = ImportRun.objects.get()
    assert not run.districts.exists()
    assert not lists_the_run(signed_in(manager_sughd))
    assert detail_status(signed_in(manager_sughd), run) == 404
    assert lists_the_run(signed_in(manager_all))


def test_an_officer_of_the_same_province_follows_a_history_link_to_the_summary_only(
    run, officer_same_province
):
    client = signed_in(officer_same_province)
    assert not lists_the_run(client)
    response = client.get(f"/imports/runs/{run.pk}/")
    assert response.status_code == 200
    assert b'id="preview-rows"' not in response.content


def test_a_manager_without_provinces_is_refused(run):
    user = factories.UserFactory(username="manager-nowhere")
    StaffProfile.objects.create(user=user, role=StaffProfile.Role.MANAGER)
    client = signed_in(user)
    assert client.get("/imports/").status_code == 403
    assert detail_status(client, run) == 403
