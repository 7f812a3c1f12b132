"""The import pages as an officer in scope, a manager (read-only: 403), another officer and an
anonymous visitor; every state change is a CSRF-protected POST."""

import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from imports.models import ImportRun
from members.models import Member
from tests import factories
from tests.imports.conftest import fixture_file, upload

pytestmark = pytest.mark.django_db

CSV = "Group;Surname;Given name;Sex;Birth year;Role;Joined\r\n"


def post_file(client, kind: str, name: str, content: str | bytes):
    return client.post(f"/imports/{kind}/new/", {"file": upload(name, content)})


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


@pytest.fixture
def run(officer_client, group):
    response = post_file(
        officer_client,
        "members",
        "m.csv",
        CSV
        + "SU-0001;Karimova;Zebo;F;1980;;01.03.2014\r\n"
        + "SU-0001;Karimov;Zafar;M;1980;leader;01.03.2014\r\n",
    )
    assert response.status_code == 302
    return ImportRun.objects.get()


def test_it_shows_the_upload_page_with_template_links(officer_client):
    response = officer_client.get("/imports/members/new/")
    assert response.status_code == 200
    assert b'href="/imports/members/template.xlsx"' in response.content
    assert b'enctype="multipart/form-data"' in response.content


def test_an_unknown_kind_is_not_found(officer_client):
    assert officer_client.get("/imports/cats/new/").status_code == 404
    assert officer_client.get("/imports/cats/template.csv").status_code == 404
    assert officer_client.get("/imports/groups/template.pdf").status_code == 404


def test_the_preview_lists_each_row_with_the_reason_in_its_cell(officer_client, run):
    response = officer_client.get(f"/imports/runs/{run.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="row-2" class="import-new"' in html
    assert 'id="row-3" class="import-error"' in html
    assert "a man cannot be the leader" in html
    assert f'action="/imports/runs/{run.pk}/confirm/"' in html
    assert not Member.objects.exists()
    errors_only = officer_client.get(f"/imports/runs/{run.pk}/?status=error").content.decode()
    assert 'id="row-3"' in errors_only and 'id="row-2"' not in errors_only


def test_confirming_imports_the_valid_rows(officer_client, run):
    response = officer_client.post(f"/imports/runs/{run.pk}/confirm/")
    assert response.status_code == 302
    assert list(Member.objects.values_list("surname", flat=True)) == ["Karimova"]
    run.refresh_from_db()
    assert run.status == "committed"


def test_all_or_nothing_from_the_page_imports_nothing(officer_client, run):
    response = officer_client.post(f"/imports/runs/{run.pk}/confirm/", {"all_or_nothing": "on"})
    assert response.status_code == 302
    assert not Member.objects.exists()
    messages = officer_client.get(response["Location"]).content.decode()
    assert "Nothing was imported" in messages


def test_it_rejects_get_on_confirm_and_discard(officer_client, run):
    assert officer_client.get(f"/imports/runs/{run.pk}/confirm/").status_code == 405
    assert officer_client.get(f"/imports/runs/{run.pk}/discard/").status_code == 405


def test_posts_without_the_csrf_token_are_refused(officer, group, run):
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    assert client.post(f"/imports/runs/{run.pk}/confirm/").status_code == 403
    assert client.post(f"/imports/runs/{run.pk}/discard/").status_code == 403
    response = client.post("/imports/members/new/", {"file": upload("m.csv", CSV)})
    assert response.status_code == 403
    assert not Member.objects.exists() and ImportRun.objects.count() == 1


def test_discarding(officer_client, run):
    response = officer_client.post(f"/imports/runs/{run.pk}/discard/")
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == "discarded"


def test_a_bad_file_is_a_message_on_the_form(officer_client):
    response = officer_client.post(
        "/imports/members/new/", {"file": fixture_file("renamed-pdf.xlsx")}
    )
    assert response.status_code == 200
    assert "not an Excel workbook" in response.content.decode()
    assert ImportRun.objects.count() == 0


def test_a_post_without_a_file_is_a_form_error(officer_client):
    assert officer_client.post("/imports/members/new/", {}).status_code == 200


@pytest.mark.parametrize("kind", ["groups", "members"])
def test_the_xlsx_template_has_headings_an_example_and_valid_values(officer_client, group, kind):
    response = officer_client.get(f"/imports/{kind}/template.xlsx")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][0] is not None or rows[1][1] is not None
    reference = "\n".join(
        str(c) for row in workbook.worksheets[1].iter_rows(values_only=True) for c in row if c
    )
    assert "Devashtich" in reference and "Rasht" not in reference
    if kind == "groups":
        assert "Yakhtan" in reference and "Beekeeping" in reference and "active" in reference
    else:
        assert "SU-0001" in reference and "leader" in reference


@pytest.mark.parametrize("kind", ["groups", "members"])
def test_a_filled_in_template_comes_back_as_new_rows(officer_client, group, kind):
    for fmt in ("xlsx", "csv"):
        content = officer_client.get(f"/imports/{kind}/template.{fmt}").content
        response = post_file(officer_client, kind, f"t.{fmt}", content)
        assert response.status_code == 302, response.content.decode()[:3000]
        run = ImportRun.objects.latest("pk")
        assert [r["s"] for r in run.results] == ["new"], run.results


def test_the_template_headings_are_in_the_users_language(officer_client):
    officer_client.cookies["django_language"] = "ru"
    response = officer_client.get("/imports/members/template.csv", HTTP_ACCEPT_LANGUAGE="ru")
    from django.utils import translation

    with translation.override("ru"):
        expected = translation.gettext("Surname")
    assert expected in response.content.decode("utf-8-sig")


def test_the_registry_offers_import_to_those_who_may_edit(officer_client, manager_sughd):
    assert b'id="registry-import"' in officer_client.get("/groups/").content
    assert b'href="/imports/members/new/"' in officer_client.get("/members/").content
    assert b'id="registry-import"' not in officer_client.get("/cooperatives/").content
    manager = Client()
    manager.force_login(manager_sughd)
    assert b'id="registry-import"' not in manager.get("/groups/").content


@pytest.mark.parametrize(
    "url",
    [
        # The list of runs is open to managers, read-only (test_hardening_run_scope.py).
        "/imports/groups/new/",
        "/imports/members/new/",
        "/imports/members/template.xlsx",
        "/imports/groups/template.csv",
    ],
)
def test_managers_get_403(client, manager_all, url):
    client.force_login(manager_all)
    assert client.get(url).status_code == 403


def test_a_manager_cannot_upload_or_confirm(client, manager_all, run):
    client.force_login(manager_all)
    assert post_file(client, "members", "m.csv", CSV).status_code == 403
    assert client.post(f"/imports/runs/{run.pk}/confirm/").status_code == 403
    assert not Member.objects.exists()


def test_another_officer_sees_the_summary_only_and_cannot_confirm(client, run):
    other = factories.field_officer("Asht", username="officer-asht")
    client.force_login(other)
    response = client.get(f"/imports/runs/{run.pk}/")
    assert response.status_code == 200
    assert b"Karimova" not in response.content and b'id="preview-rows"' not in response.content
    assert client.post(f"/imports/runs/{run.pk}/confirm/").status_code == 404
    assert client.post(f"/imports/runs/{run.pk}/discard/").status_code == 404
    assert b"m.csv" not in client.get("/imports/").content


def test_the_officer_lists_her_runs(officer_client, run):
    response = officer_client.get("/imports/")
    assert response.status_code == 200 and b"m.csv" in response.content


def test_an_admin_sees_every_run(client, run):
    admin = factories.UserFactory(username="admin", is_staff=True)
    client.force_login(admin)
    assert b"m.csv" in client.get("/imports/").content
    assert b'id="preview-rows"' in client.get(f"/imports/runs/{run.pk}/").content


@pytest.mark.parametrize(
    "url",
    ["/imports/", "/imports/groups/new/", "/imports/runs/1/", "/imports/groups/template.xlsx"],
)
def test_anonymous_visitors_are_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_history_of_an_imported_member_links_to_the_run(officer_client, run):
    officer_client.post(f"/imports/runs/{run.pk}/confirm/")
    member = Member.objects.get()
    html = officer_client.get(f"/members/{member.pk}/").content.decode()
    assert f'href="/imports/runs/{run.pk}/" class="history-import"' in html


def test_the_history_of_an_imported_group_links_to_the_run(officer_client):
    post_file(
        officer_client, "groups", "g.csv", "Name;District;Established\r\nNew;Ghonchi;01.03.2014\r\n"
    )
    run = ImportRun.objects.get()
    officer_client.post(f"/imports/runs/{run.pk}/confirm/")
    from groups.models import SelfHelpGroup

    group = SelfHelpGroup.objects.get(name="New")
    html = officer_client.get(f"/groups/{group.code}/").content.decode()
    assert f'href="/imports/runs/{run.pk}/" class="history-import"' in html


def test_the_admin_lists_runs_read_only(client, run):
    admin = factories.UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    assert client.get("/admin/imports/importrun/").status_code == 200
    page = client.get(f"/admin/imports/importrun/{run.pk}/change/")
    assert page.status_code == 200 and b'name="_save"' not in page.content
    assert client.get("/admin/imports/importrun/add/").status_code == 403


def test_the_navigation_offers_imports_to_editors_only(officer_client, manager_sughd):
    assert b'href="/imports/"' in officer_client.get("/groups/").content
    manager = Client()
    manager.force_login(manager_sughd)
    assert b'href="/imports/"' not in manager.get("/groups/").content


@pytest.mark.parametrize(
    "name",
    ["renamed-pdf.xlsx", "broken.xlsx", "bomb.xlsx", "empty.csv", "headers-only.csv",
     "wrong-headers.csv", "old-excel.xls", "members-formulas.xlsx", "groups.xlsx"],
)  # fmt: skip
@pytest.mark.parametrize("kind", ["groups", "members"])
def test_no_upload_is_a_server_error(officer_client, group, kind, name):
    response = officer_client.post(f"/imports/{kind}/new/", {"file": fixture_file(name)})
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert officer_client.get(response["Location"]).status_code == 200
