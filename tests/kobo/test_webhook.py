"""The webhook Kobo's REST Services call: no login and no CSRF token, but the shared secret;
each submission waits in the form's open webhook run until an officer confirms it there."""

import json

import pytest
from django.test import Client

from imports.models import ImportRun
from members.models import Member
from rmp_portal.kobo.models import FieldMapping, KoboRun
from tests.kobo.conftest import recorded

pytestmark = pytest.mark.django_db

SECRET = "s3cret-" + "x" * 20
SUBMISSION = recorded("webhook_member.json")
SECOND = recorded("webhook_member_2.json")


@pytest.fixture
def kobo():
    """Kobo's side: no session, and CSRF checks on as for a real client."""
    return Client(enforce_csrf_checks=True)


def post(kobo, body, *, secret=SECRET, slug="rmp-members", header=False):
    data = body if isinstance(body, bytes | str) else json.dumps(body)
    url = f"/kobo/hook/{slug}/"
    extra = {}
    if secret is not None and header:
        extra["HTTP_X_KOBO_SECRET"] = secret
    elif secret is not None:
        url += f"?secret={secret}"
    return kobo.post(url, data, content_type="application/json", **extra)


def test_a_submission_waits_in_a_run_that_the_officer_confirms(kobo, client, officer,
                                                               members_form):  # fmt: skip
    response = post(kobo, SUBMISSION)
    assert response.status_code == 201
    run = ImportRun.objects.get()
    assert response.json() == {
        "detail": f"Received: it waits in import #{run.pk} for confirmation.",
        "added": True,
        "run": run.pk,
    }
    assert (run.status, run.user, run.new_count, run.kobo.via) == (
        "previewed", officer, 1, "webhook")  # fmt: skip
    assert post(kobo, SECOND, header=True).status_code == 201
    run.refresh_from_db()
    assert (ImportRun.objects.count(), run.new_count) == (1, 2)  # one open run per form
    assert Member.objects.count() == 0

    client.force_login(officer)
    html = client.get("/imports/").content.decode()
    assert f"/imports/runs/{run.pk}/" in html
    preview = client.get(f"/imports/runs/{run.pk}/").content.decode()
    assert "Yusufova" in preview and "Ismoilova" in preview and "Confirm and import" in preview
    response = client.post(f"/imports/runs/{run.pk}/confirm/", follow=True)
    assert "Imported: 2 new, 0 updated" in response.content.decode()
    assert sorted(Member.objects.values_list("source_id", flat=True)) == sorted(
        [SUBMISSION["_uuid"], SECOND["_uuid"]]
    )
    # After the confirmation, a new submission opens a new run.
    third = {**SECOND, "_uuid": "6e7f8091-a2b3-44c5-9e6f-7a8b9c0d1e33",
             "group_member/surname": "Sobirova"}  # fmt: skip
    assert post(kobo, third).status_code == 201
    assert ImportRun.objects.filter(status="previewed").count() == 1
    assert ImportRun.objects.count() == 2


def test_a_resent_submission_is_not_added_twice(kobo, client, officer, members_form):
    assert post(kobo, SUBMISSION).status_code == 201
    response = post(kobo, SUBMISSION)
    assert response.status_code == 200
    assert response.json() == {"detail": "Already received: not added again.", "added": False}
    run = ImportRun.objects.get()
    assert len(run.rows) == 1 and run.new_count == 1
    client.force_login(officer)
    client.post(f"/imports/runs/{run.pk}/confirm/")
    assert Member.objects.count() == 1
    # Resent after it was imported: still not added, no new run.
    assert post(kobo, SUBMISSION).status_code == 200
    assert (ImportRun.objects.count(), Member.objects.count()) == (1, 1)


@pytest.mark.parametrize(
    ("secret", "slug"),
    [
        (None, "rmp-members"),
        ("", "rmp-members"),
        ("wrong", "rmp-members"),
        (SECRET[:-1], "rmp-members"),
        (SECRET, "no-such-form"),
    ],  # fmt: skip
)
def test_a_wrong_or_missing_secret_is_forbidden(kobo, members_form, secret, slug):
    response = post(kobo, SUBMISSION, secret=secret, slug=slug)
    assert response.status_code == 403
    assert response.json() == {"detail": "Wrong or missing secret."}
    assert ImportRun.objects.count() == 0


def test_the_secret_of_another_form_does_not_open_this_one(kobo, officer, members_form):
    members_form.webhook_secret = "another-secret-of-24-chars"
    members_form.save()
    assert post(kobo, SUBMISSION).status_code == 403


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"{not json", "The body is not JSON."),
        (b"\xff\xfe\x00", "The body is not JSON."),
        (b"", "The body is not JSON."),
        (b"[1, 2]", "A submission is a JSON object."),
        (json.dumps({"group_member/surname": "Karimova"}), "The submission has no _uuid."),
    ],
)
def test_a_body_that_is_not_a_submission_is_a_bad_request(kobo, members_form, body, message):
    response = post(kobo, body)
    assert response.status_code == 400
    assert response.json() == {"detail": message}
    assert ImportRun.objects.count() == 0


def test_only_post_is_accepted(kobo, members_form):
    assert kobo.get(f"/kobo/hook/rmp-members/?secret={SECRET}").status_code == 405


def test_a_submission_with_errors_waits_with_its_errors(kobo, client, officer, members_form):
    response = post(kobo, {**SUBMISSION, "joined": "tomorrow"})
    assert response.status_code == 201
    run = ImportRun.objects.get()
    assert run.error_count == 1
    client.force_login(officer)
    assert "“tomorrow” is not a date" in client.get(f"/imports/runs/{run.pk}/").content.decode()


def test_a_changed_mapping_opens_a_new_run(kobo, members_form):
    assert post(kobo, SUBMISSION).status_code == 201
    FieldMapping.objects.filter(form=members_form, column="phone").delete()
    assert post(kobo, SECOND).status_code == 201
    runs = list(ImportRun.objects.order_by("pk"))
    assert [len(r.headers) for r in runs] == [8, 7]
    assert KoboRun.objects.filter(form=members_form, via="webhook").count() == 2


def test_a_pull_skips_a_submission_waiting_from_the_webhook(kobo, members_form, kobo_server):
    from rmp_portal.kobo import services

    first = recorded("members_page1.json")["results"][0]
    assert post(kobo, first).status_code == 201
    intake = services.kobo_pull(form=members_form)
    assert (intake.skipped, len(intake.run.rows)) == (1, 2)
