"""Two requests at the same instant that would break a rule: the rule holds, the loser sees a
clear message, nobody gets a 500. Real concurrent connections need PostgreSQL (SQLite
serialises writers), so these run in the PostgreSQL pass of CI."""

import threading

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from cooperatives.models import Cooperative, CooperativeMembership
from groups.models import District
from members.models import Member
from tests import factories

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="concurrent writers need PostgreSQL",
    ),
]


def at_once(*requests):
    """Run each (client, url, data) POST in its own thread, released together."""
    barrier = threading.Barrier(len(requests))
    responses = [None] * len(requests)

    def run(index, client, url, data):
        try:
            barrier.wait()
            responses[index] = client.post(url, data, follow=True)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(i, *request)) for i, request in enumerate(requests)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return responses


def signed_in(user):
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def messages_of(response) -> str:
    return " ".join(str(m) for m in response.context["messages"]) if response.context else ""


@pytest.mark.parametrize("attempt", range(3))
def test_two_make_leader_at_once_leave_one_leader(attempt):
    officer = factories.field_officer("Devashtich", username=f"race-officer-{attempt}")
    group = factories.GroupFactory()
    first = factories.MemberFactory(group=group, surname="Aminova")
    second = factories.MemberFactory(group=group, surname="Boboeva")
    responses = at_once(
        (signed_in(officer), f"/members/{first.pk}/make-leader/", {}),
        (signed_in(officer), f"/members/{second.pk}/make-leader/", {}),
    )
    assert all(r.status_code == 200 for r in responses)
    leaders = Member.objects.filter(group=group, role="leader", left_on__isnull=True)
    assert leaders.count() == 1
    # Either both ran one after the other (the second replaced the first) or the loser was
    # told; never an error page.
    for response in responses:
        assert "Something went wrong" not in response.content.decode()


@pytest.mark.parametrize("attempt", range(3))
def test_two_cooperatives_claiming_one_group_keep_it_in_one(attempt):
    officer = factories.field_officer("Devashtich", username=f"race-coop-{attempt}")
    shared, a, b = factories.GroupFactory(), factories.GroupFactory(), factories.GroupFactory()
    district = District.objects.get(name="Devashtich")

    def form(name, other):
        return {
            "name": name,
            "district": district.pk,
            "formed_on": "2016-05-01",
            "status": "forming",
            "groups": [shared.pk, other.pk],
        }

    responses = at_once(
        (signed_in(officer), "/cooperatives/new/", form("First", a)),
        (signed_in(officer), "/cooperatives/new/", form("Second", b)),
    )
    assert all(r.status_code == 200 for r in responses)
    assert CooperativeMembership.objects.filter(group=shared, left_on__isnull=True).count() == 1
    assert Cooperative.objects.count() == 1
    loser = next(r for r in responses if r.redirect_chain == [])
    assert "Nothing was saved" in loser.content.decode() or "another cooperative" in (
        loser.content.decode()
    )


def test_two_edits_of_one_group_never_lose_one_silently():
    officer = factories.field_officer("Devashtich", username="race-edit")
    group = factories.GroupFactory(name="Before")
    first, second = signed_in(officer), signed_in(officer)
    version = first.get(f"/groups/{group.code}/edit/").context["form"]["version"].value()
    data = {
        "district": group.district_id,
        "established_on": "2012-03-01",
        "status": "active",
        "version": version,
    }
    responses = at_once(
        (first, f"/groups/{group.code}/edit/", {**data, "name": "From A"}),
        (second, f"/groups/{group.code}/edit/", {**data, "name": "From B"}),
    )
    saved = [r for r in responses if r.redirect_chain]
    refused = [r for r in responses if not r.redirect_chain]
    assert len(saved) == 1 and len(refused) == 1
    assert "Someone else saved this record" in refused[0].content.decode()
    group.refresh_from_db()
    assert group.name in ("From A", "From B")
    assert group.history.count() == 2  # created, then exactly one edit
