"""The cached dashboards after an edit of a target, a district or an activity type, and after
an import: the next request shows the change.

Kills the mutation-audit mutants K01 (rmp_portal.dashboards.apps, the post-save
invalidation of Target, District and ActivityType removed) and K03 (imports.services
.import_commit without `data_cache.invalidate()`); see docs/testing.md.

The cache is only used outside transactions, so these tests commit (transaction=True), as
tests/rmp_portal/test_dashboard_cache.py does."""

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from groups.models import ActivityType, District
from imports import services as imports
from members.models import Member
from rmp_portal.core import cache as data_cache
from rmp_portal.models import Target
from tests import factories
from tests.factories import GroupFactory, MemberFactory, district
from tests.imports.conftest import upload

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ESTABLISHED = datetime.date(2012, 3, 1)
HEAD = "Group;Surname;Given name;Sex;Birth year;Role;Joined;Left\r\n"


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def manager_client(client):
    client.force_login(factories.manager(programme_wide=True, username="mutants-manager"))
    return client


@pytest.fixture
def lola():
    group = GroupFactory(name="Lola", district=district("Devashtich"), established_on=ESTABLISHED)
    MemberFactory(group=group, role=Member.Role.LEADER, joined_on=ESTABLISHED)
    MemberFactory(group=group, joined_on=ESTABLISHED)
    return group


def board(client, url="/"):
    response = client.get(url)
    assert response.status_code == 200
    return response.context["board"]


# K01: targets, districts and activity types are not stamped; their saves invalidate


def test_an_edited_target_shows_on_the_next_request(manager_client, lola):
    year = timezone.localdate().year
    target = Target.objects.create(province=lola.district.province, year=year, groups=10)
    assert [(row.target, row.achieved.value) for row in board(manager_client).targets] == [(10, 1)]

    target.groups = 4
    target.women_members = 8
    target.save()

    assert [(row.target, row.achieved.value) for row in board(manager_client).targets] == [
        (4, 1),
        (8, 2),
    ]


def test_a_renamed_district_shows_on_the_next_request(manager_client, lola):
    def names():
        return [row.area.name for row in board(manager_client, "/provinces/SU/").shown_rows]

    assert names() == ["Devashtich"]
    devashtich = District.objects.get(pk=lola.district_id)
    devashtich.name = "Ganchi"
    devashtich.save()

    assert names() == ["Ganchi"]
    assert "Ganchi" in manager_client.get("/provinces/SU/").content.decode()


def test_a_renamed_activity_type_shows_on_the_next_request(manager_client, lola):
    dairy = ActivityType.objects.get(name="Dairy processing")
    lola.activities.add(dairy)
    assert [row.activity.name for row in board(manager_client).activities] == ["Dairy processing"]

    dairy.name = "Milk and cheese"
    dairy.save()

    assert [row.activity.name for row in board(manager_client).activities] == ["Milk and cheese"]


# K03: an import's bulk writes send no post_save signal


def import_members(officer, rows: str):
    run = imports.import_preview(user=officer, kind="members", upload=upload("m.csv", HEAD + rows))
    assert run.error_count == 0, run.results
    return imports.import_commit(run=run, user=officer)


@pytest.fixture
def officer_user(db):
    return factories.field_officer("Devashtich", username="mutants-officer")


def test_imported_members_are_counted_on_the_next_request(manager_client, officer_user, lola):
    assert board(manager_client).total.women == 2

    run = import_members(
        officer_user,
        f"{lola.code};Karimova;Zebo;F;1980;;01.03.2014;\r\n"
        f"{lola.code};Karimov;Zafar;M;1979;;01.03.2014;\r\n",
    )

    assert run.status == "committed"
    total = board(manager_client).total
    assert (total.women, total.men, total.with_men) == (3, 1, 1)


def test_an_import_changes_the_data_version_itself(manager_client, officer_user, lola, monkeypatch):
    """Two things make an import show on the dashboards: the database stamp (the import
    adds rows to the members' change history) and the import's own `data_cache.invalidate()`
    (its bulk writes send no post_save signal). With the stamp held still, the second is
    checked on its own: the imported member must still show on the next request."""
    monkeypatch.setattr(data_cache, "_database_stamp", lambda: "held")
    assert board(manager_client).total.women == 2

    import_members(officer_user, f"{lola.code};Karimova;Zebo;F;1980;;01.03.2014;\r\n")

    assert board(manager_client).total.women == 3
