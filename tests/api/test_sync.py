"""Incremental sync: `updated_since`, the keyset cursor over (updated_at, id), tombstones,
and bad input of every kind answered 400/404, never 500."""

import datetime

import pytest
from django.utils import timezone

from members.models import Member
from tests import factories
from tests.api import world as world_module

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return world_module.build(groups_per_district=3)


def test_the_cursor_walks_ties_without_losing_or_repeating_a_row(world, api_for, admin):
    # An import writes thousands of rows with one updated_at: the keyset breaks the ties by id.
    moment = timezone.now() - datetime.timedelta(days=1)
    Member.objects.update(updated_at=moment)
    api = api_for(admin)
    rows = api.all("/api/v1/members/", {"page_size": 2})
    assert [r["id"] for r in rows] == sorted(Member.objects.values_list("id", flat=True))


def test_updated_since_returns_only_what_changed(world, api_for, manager_sughd):
    Member.objects.update(updated_at=timezone.now() - datetime.timedelta(days=3))
    since = timezone.now() - datetime.timedelta(days=1)
    changed = world.members["Asht"][0]
    changed.skills = "sewing"
    changed.save()
    factories.MemberFactory(group=world.groups["Rasht"][0])  # not hers
    rows = api_for(manager_sughd).all("/api/v1/members/", {"updated_since": since.isoformat()})
    assert [(r["id"], r["skills"]) for r in rows] == [(changed.pk, "sewing")]


def test_rows_changed_during_a_walk_come_later_not_twice(world, api_for, admin):
    api = api_for(admin)
    first = api.get("/api/v1/groups/", {"page_size": 4}).json()
    seen = [r["id"] for r in first["results"]]
    group = world.groups["Devashtich"][0]
    group.village = "Ghonchi"
    group.save()  # now the newest: it moves to the last page
    response = api.get(first["next"])
    rest = [r["id"] for r in response.json()["results"]]
    while response.json()["next"]:
        response = api.get(response.json()["next"])
        rest += [r["id"] for r in response.json()["results"]]
    assert rest[-1] == group.pk
    assert len(set(seen + rest)) == 9


def test_a_deleted_member_comes_back_as_a_tombstone(
    world, api_for, officer, officer_other_province
):
    since = timezone.now()
    gone = world.members["Devashtich"][1]
    gone_id = gone.pk
    gone.delete()
    params = {"resource": "members", "updated_since": since.isoformat()}
    rows = api_for(officer).all("/api/v1/tombstones/", params)
    assert [(r["resource"], r["id"], r["reason"]) for r in rows] == [
        ("members", gone_id, "deleted")
    ]
    # Never seen by an officer of another province: no tombstone for her.
    assert api_for(officer_other_province).all("/api/v1/tombstones/", params) == []


def test_a_group_moved_to_another_province_is_a_tombstone_for_the_old_one(
    world, api_for, manager_sughd, manager_rasht
):
    since = timezone.now()
    group = world.groups["Asht"][0]
    group.district = factories.district("Rasht")
    group.save()
    params = {"resource": "groups", "updated_since": since.isoformat()}
    rows = api_for(manager_sughd).all("/api/v1/tombstones/", params)
    assert [(r["id"], r["reason"]) for r in rows] == [(group.pk, "out_of_scope")]
    # For Rasht's manager it is simply a changed record.
    assert api_for(manager_rasht).all("/api/v1/tombstones/", params) == []
    listed = api_for(manager_rasht).all("/api/v1/groups/", {"updated_since": since.isoformat()})
    assert [r["id"] for r in listed] == [group.pk]


def test_tombstones_need_a_resource_and_a_moment(api_for, officer):
    response = api_for(officer).get("/api/v1/tombstones/", language="ru")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"resource", "updated_since"}
    assert response.json()["detail"] == "Неверный запрос: см. ошибки по каждому параметру."


BAD_QUERIES = [
    ("/api/v1/groups/", {"as_of": "31.02.2020"}),
    ("/api/v1/groups/", {"as_of": "yesterday"}),
    ("/api/v1/members/", {"joined_after": "2020-13-01"}),
    ("/api/v1/members/", {"updated_since": "not-a-date"}),
    ("/api/v1/groups/", {"district": "99999999999999999999999"}),
    ("/api/v1/groups/", {"cooperative": "9223372036854775808"}),
    ("/api/v1/initiatives/", {"province": "-1"}),
    ("/api/v1/members/", {"sex": "X"}),
    ("/api/v1/groups/", {"cursor": "garbage"}),
    ("/api/v1/groups/", {"cursor": "WyJub3QtYS1kYXRlIiwgMV0"}),
    ("/api/v1/groups/", {"cursor": "W251bGwsIDFd"}),
    ("/api/v1/groups/", {"page_size": "0"}),
    ("/api/v1/groups/", {"page_size": "100000000000000000000"}),
    ("/api/v1/groups/", {"colour": "blue"}),
    ("/api/v1/districts/", {"province": "SU"}),
    ("/api/v1/figures/", {"as_of": "2999-01-01"}),
    ("/api/v1/figures/", {"period_start": "2020-05-01", "period_end": "2020-01-01"}),
    ("/api/v1/tombstones/", {"resource": "people", "updated_since": "2020-01-01"}),
]


@pytest.mark.parametrize(("path", "query"), BAD_QUERIES)
def test_bad_input_is_a_400_in_json(world, api_for, admin, path, query):
    response = api_for(admin).get(path, query, language="tg")
    assert response.status_code == 400, response.content
    assert (
        response.json()["detail"] == ("Дархост нодуруст аст: хатогиҳои ҳар як параметрро бинед.")
        or response.json()["code"] == "invalid_cursor"
    )


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/groups/99999999999999999999999999/",
        "/api/v1/members/9223372036854775807/",
        "/api/v1/members/-1/",
        "/api/v1/support/abc/",
        "/api/v1/figures/?province=ZZ",
    ],
)
def test_unknown_records_are_a_404(api_for, admin, path):
    response = api_for(admin).get(path)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_an_invalid_cursor_says_so_in_russian(api_for, admin):
    response = api_for(admin).get("/api/v1/groups/", {"cursor": "garbage"}, language="ru")
    assert response.json()["detail"] == ("Неверный курсор: начните заново с первой страницы.")


def test_an_unknown_parameter_is_named(api_for, admin):
    response = api_for(admin).get("/api/v1/members/", {"update_since": "2020-01-01"})
    assert response.json()["errors"] == {"update_since": ["Unknown parameter."]}
