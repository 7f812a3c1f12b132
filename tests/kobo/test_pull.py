"""Pulling a form's submissions from (a fake) KoboToolbox into the import pipeline: each
submission once, however often it is pulled; errors on the preview, all or nothing and the
pull user's scope as in a file import; clear messages when Kobo cannot be read."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from groups.models import SelfHelpGroup
from imports.models import ImportRun
from members.models import Member
from rmp_portal.kobo import services
from rmp_portal.kobo.client import KoboError
from rmp_portal.kobo.models import KoboRun
from tests.kobo.conftest import TOKEN, make_form, recorded

pytestmark = pytest.mark.django_db

UUIDS = [s["_uuid"] for s in recorded("members_page1.json")["results"]] + [
    s["_uuid"] for s in recorded("members_page2.json")["results"]
]


def confirm(client, user, run, **data):
    client.force_login(user)
    return client.post(f"/imports/runs/{run.pk}/confirm/", data, follow=True)


def test_a_kobo_pull_run_twice_imports_each_submission_once(client, officer, members_form,
                                                            kobo_server):  # fmt: skip
    first = services.kobo_pull(form=members_form)
    assert (first.received, first.skipped) == (3, 0)
    run = first.run
    assert (run.status, run.kind, run.user, run.new_count, run.error_count) == (
        "previewed", "members", officer, 3, 0)  # fmt: skip
    assert KoboRun.objects.get().run == run and run.kobo.via == "pull"
    assert Member.objects.count() == 0  # nothing is written before an officer confirms
    # Both pages were read, each with the token.
    assert [r["query"].get("start") for r in kobo_server.requests] == [None, ["2"]]
    assert {r["authorization"] for r in kobo_server.requests} == {f"Token {TOKEN}"}

    second = services.kobo_pull(form=members_form)  # the same submissions, still waiting
    assert (second.run, second.received, second.skipped) == (None, 3, 3)
    assert ImportRun.objects.count() == 1

    response = confirm(client, officer, run)
    assert "Imported: 3 new, 0 updated" in response.content.decode()
    assert sorted(Member.objects.values_list("source_id", flat=True)) == sorted(UUIDS)
    karimova = Member.objects.get(surname="Karimova")
    assert (karimova.phone, karimova.birth_year, karimova.group.code) == (
        "+992921234567", 1985, "SU-0001")  # fmt: skip

    third = services.kobo_pull(form=members_form)  # now on records
    assert (third.run, third.skipped) == (None, 3)
    assert Member.objects.count() == 3
    assert ImportRun.objects.count() == 1


def test_a_later_pull_brings_only_the_new_submission_and_the_run_says_how_many_were_skipped(
    client, officer, members_form, kobo_server
):
    confirm(client, officer, services.kobo_pull(form=members_form).run)
    kobo_server.pages["aKoboMembers1"][1] = "members_page2_later.json"
    intake = services.kobo_pull(form=members_form)
    run = intake.run
    assert (intake.received, intake.skipped, len(run.rows), run.skipped_count) == (4, 3, 1, 3)
    html = client.get(f"/imports/runs/{run.pk}/").content.decode()
    assert "3 submissions were left out" in html
    assert "Saidova" in html and "Karimova" not in html
    confirm(client, officer, run)
    assert Member.objects.count() == 4


def test_rows_with_errors_and_out_of_scope_rows_show_on_the_preview(
    client, officer, members_form, kobo_server, rasht_group
):
    kobo_server.pages["aKoboMembers1"] = ["members_errors.json"]
    run = services.kobo_pull(form=members_form).run
    assert (run.new_count, run.error_count) == (1, 2)
    client.force_login(officer)
    html = client.get(f"/imports/runs/{run.pk}/").content.decode()
    assert "“2024-13-45” is not a date" in html
    assert "“unknown” is not one of" in html
    # A group of Rasht, outside the pull user's districts: refused as in a file import.
    assert "This record is outside your districts." in html
    assert "Source id" in html and "3b4c5d6e-7f80-4192-8b3c-4d5e6f7a8b13" in html


def test_the_pull_users_scope_decides_which_rows_are_refused(
    officer_other_province, group, rasht_group, kobo_server
):
    """The same submissions, pulled as Rasht's officer: the Rasht row is the new one, the
    Devashtich rows are refused (the group is not even readable for them)."""
    kobo_server.pages["aKoboMembers1"] = ["members_errors.json"]
    form = make_form(user=officer_other_province, url=kobo_server.url)
    run = services.kobo_pull(form=form).run
    statuses = {r["l"]: (r["s"], [m for _k, m in r.get("e", [])]) for r in run.results}
    assert statuses["Mirzoeva Farzona"] == ("new", [])
    assert statuses["Odinaeva Nigora"] == ("error", ["This record is outside your districts."])


def test_all_or_nothing_imports_nothing_while_a_row_has_an_error(
    client, officer, members_form, kobo_server, rasht_group
):
    kobo_server.pages["aKoboMembers1"] = ["members_errors.json"]
    run = services.kobo_pull(form=members_form).run
    html = confirm(client, officer, run, all_or_nothing="on").content.decode()
    assert "Nothing was imported: 2 rows have errors (all or nothing)." in html
    assert Member.objects.count() == 0
    run.refresh_from_db()
    assert run.status == "previewed"
    html = confirm(client, officer, run).content.decode()
    assert "Imported: 1 new, 0 updated; 2 rows with errors skipped." in html
    assert list(Member.objects.values_list("surname", "source_id")) == [
        ("Odinaeva", "1f2e3d4c-5b6a-4798-8a7b-6c5d4e3f2a11")
    ]
    # The rows with errors were not imported: a later pull brings them again, the good one not.
    again = services.kobo_pull(form=members_form)
    assert (again.skipped, len(again.run.rows)) == (1, 2)


def test_a_groups_form_makes_groups_carrying_the_submission_id(client, officer, kobo_server):
    form = make_form(user=officer, url=kobo_server.url, kind="groups")
    run = services.kobo_pull(form=form).run
    assert (run.kind, run.new_count, run.error_count) == ("groups", 2, 0)
    confirm(client, officer, run)
    groups = dict(SelfHelpGroup.objects.values_list("name", "source_id"))
    assert groups == {
        "Guli Surkh": "6d5c4b3a-2f1e-4d0c-9b8a-7f6e5d4c3b21",
        "Bahor": "7e6d5c4b-3a2f-4e1d-8c9b-8a7f6e5d4c22",
    }
    assert services.kobo_pull(form=form).run is None


def test_a_wrong_token_says_so_and_records_nothing(members_form, kobo_server):
    members_form.api_token = "wrong"
    with pytest.raises(KoboError, match=r"KoboToolbox refused the API token \(HTTP 401\)"):
        services.kobo_pull(form=members_form)
    assert ImportRun.objects.count() == 0


def test_a_wrong_asset_uid_says_so(members_form):
    members_form.asset_uid = "aNoSuchForm"
    with pytest.raises(KoboError, match="no form with this asset uid"):
        services.kobo_pull(form=members_form)


def test_an_unreachable_server_says_so(members_form, closed_port):
    members_form.server_url = f"http://127.0.0.1:{closed_port}"
    with pytest.raises(
        KoboError, match=f"Could not reach KoboToolbox at http://127.0.0.1:{closed_port}"
    ):
        services.kobo_pull(form=members_form)
    assert ImportRun.objects.count() == 0


@override_settings(KOBO_TIMEOUT=0.2)
def test_a_server_that_does_not_answer_in_time_says_so(members_form, kobo_server):
    kobo_server.delay = 1.0
    with pytest.raises(KoboError, match="Could not reach KoboToolbox"):
        services.kobo_pull(form=members_form)


def test_a_next_page_on_another_server_is_not_followed(members_form, kobo_server):
    """The token goes only to the form's own server."""
    kobo_server.url = "http://evil.example.org"  # the next links now point there
    with pytest.raises(KoboError, match="next page is on another server"):
        services.kobo_pull(form=members_form)
    assert len(kobo_server.requests) == 1


def test_the_command_pulls_and_says_what_it_did(officer, members_form):
    out = io.StringIO()
    call_command("kobo_pull", "rmp-members", stdout=out)
    run = ImportRun.objects.get()
    text = out.getvalue()
    assert "3 submissions read from KoboToolbox." in text
    assert "0 skipped" in text
    assert f"Import #{run.pk}: 3 new, 0 updated, 0 unchanged, 0 with errors." in text
    assert "waits for officer to confirm it" in text
    out = io.StringIO()
    call_command("kobo_pull", str(members_form.pk), stdout=out)
    assert "3 skipped: already imported or waiting" in out.getvalue()
    assert "Nothing new to import." in out.getvalue()
    assert ImportRun.objects.count() == 1


def test_the_command_fails_clearly(members_form):
    with pytest.raises(CommandError, match="No KoboToolbox form “nope”"):
        call_command("kobo_pull", "nope")
    members_form.api_token = "wrong"
    members_form.save()
    with pytest.raises(CommandError, match="refused the API token"):
        call_command("kobo_pull", "rmp-members")
