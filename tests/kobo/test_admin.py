"""Setting a Kobo form up in admin (the mapping checked, the token never shown again) and its
"Pull now" action."""

import pytest

from imports.models import ImportRun
from rmp_portal.kobo.models import KoboForm
from tests import factories
from tests.kobo.conftest import TOKEN

pytestmark = pytest.mark.django_db

ADD = "/admin/kobo/koboform/add/"
MEMBERS = [("group_member/surname", "surname"), ("group_member/given_name", "given_name"),
           ("group_member/sex", "sex"), ("shg_code", "group"), ("joined", "joined_on")]  # fmt: skip


@pytest.fixture
def admin_client(client):
    client.force_login(factories.UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def form_data(user, mapping, **fields) -> dict:
    data = {
        "name": "Members 2024",
        "slug": "members-2024",
        "kind": "members",
        "server_url": "https://kf.kobotoolbox.org",
        "asset_uid": "aKoboMembers1",
        "api_token": TOKEN,
        "user": user.pk,
        "webhook_secret": "s3cret-" + "x" * 20,
        "mappings-TOTAL_FORMS": str(len(mapping)),
        "mappings-INITIAL_FORMS": "0",
        "mappings-MIN_NUM_FORMS": "0",
        "mappings-MAX_NUM_FORMS": "1000",
    }
    for index, (path, column) in enumerate(mapping):
        data[f"mappings-{index}-kobo_field"] = path
        data[f"mappings-{index}-column"] = column
    data.update(fields)
    return data


def test_a_form_is_set_up_with_its_mapping(admin_client, officer):
    response = admin_client.post(ADD, form_data(officer, MEMBERS))
    assert response.status_code == 302
    form = KoboForm.objects.get()
    assert (form.api_token, form.user, form.kind) == (TOKEN, officer, "members")
    assert list(form.mappings.values_list("kobo_field", "column")) == MEMBERS
    page = admin_client.get(f"/admin/kobo/koboform/{form.pk}/change/").content.decode()
    assert "/kobo/hook/members-2024/?secret=…" in page
    assert TOKEN not in page  # the token is not shown again


def test_leaving_the_token_empty_keeps_it(admin_client, officer):
    admin_client.post(ADD, form_data(officer, MEMBERS))
    form = KoboForm.objects.get()
    data = form_data(officer, MEMBERS, api_token="", name="Members 2024 (v2)")
    data["mappings-INITIAL_FORMS"] = str(len(MEMBERS))
    for index, mapping in enumerate(form.mappings.order_by("pk")):
        data[f"mappings-{index}-id"] = mapping.pk
        data[f"mappings-{index}-form"] = form.pk
    response = admin_client.post(f"/admin/kobo/koboform/{form.pk}/change/", data)
    assert response.status_code == 302
    form.refresh_from_db()
    assert (form.name, form.api_token) == ("Members 2024 (v2)", TOKEN)


def test_a_new_form_needs_a_token(admin_client, officer):
    response = admin_client.post(ADD, form_data(officer, MEMBERS, api_token=""))
    assert response.status_code == 200
    assert "Give the API token." in response.content.decode()


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        (MEMBERS[:3], "Map a Kobo field to each column this import needs: Group, Joined."),
        (
            [*MEMBERS, ("village", "village")],
            "These columns are not read by an import of members: village.",
        ),
        ([*MEMBERS, ("group_member/name2", "surname")], "Please correct the duplicate data"),
        ([*MEMBERS, ("x", "cats")], "Select a valid choice."),
    ],
)
def test_a_mapping_that_cannot_make_an_import_is_refused(admin_client, officer, mapping, message):
    response = admin_client.post(ADD, form_data(officer, mapping))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert KoboForm.objects.count() == 0


def test_the_pull_user_must_be_able_to_change_records(admin_client, manager_sughd):
    response = admin_client.post(ADD, form_data(manager_sughd, MEMBERS))
    assert response.status_code == 200
    assert "This user may not change records" in response.content.decode()


def test_pull_now_makes_a_run_waiting_for_the_officer(admin_client, members_form, kobo_server):
    url = "/admin/kobo/koboform/"
    data = {"action": "pull_now", "_selected_action": [members_form.pk]}
    html = admin_client.post(url, data, follow=True).content.decode()
    run = ImportRun.objects.get()
    assert (
        f"RMP members 2024: 3 new submissions checked in import #{run.pk}, waiting for "
        "officer to confirm it (0 skipped)."
    ) in html
    assert f'href="/imports/runs/{run.pk}/"' in html
    html = admin_client.post(url, data, follow=True).content.decode()
    assert "RMP members 2024: nothing new; 3 submissions already imported or waiting" in html
    assert ImportRun.objects.count() == 1


def test_pull_now_says_when_kobo_refuses_the_token(admin_client, members_form, kobo_server):
    members_form.api_token = "wrong"
    members_form.save()
    data = {"action": "pull_now", "_selected_action": [members_form.pk]}
    html = admin_client.post("/admin/kobo/koboform/", data, follow=True).content.decode()
    assert "KoboToolbox refused the API token (HTTP 401)" in html
    assert ImportRun.objects.count() == 0
