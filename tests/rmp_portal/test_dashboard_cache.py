"""Dashboard figures are cached until a write changes them (rmp_portal.dashboards, "Caching"):
every kind of write shows on the next request, in this worker and in a worker whose cache
never heard of it, and a cached dashboard is never one computed from uncommitted data.

The cache is only used outside transactions, so these tests commit (transaction=True)."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from groups.models import ActivityType
from members.models import Member
from rmp_portal.core import cache as data_cache
from rmp_portal.dashboards import figures as dashboards
from rmp_portal.models import Target
from tests import factories
from tests.factories import CooperativeFactory, GroupFactory, MemberFactory, district

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

D = datetime.date
ESTABLISHED = D(2012, 3, 1)


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def manager_client(client):
    client.force_login(factories.manager(programme_wide=True, username="cache-manager"))
    return client


def a_group(women=2, established=ESTABLISHED):
    group = GroupFactory(district=district("Devashtich"), established_on=established)
    MemberFactory(group=group, role=Member.Role.LEADER, joined_on=established)
    for _ in range(women - 1):
        MemberFactory(group=group, joined_on=established)
    return group


def board(client, url="/"):
    response = client.get(url)
    assert response.status_code == 200
    return response.context["board"]


def today():
    return dashboards.reporting_dates({})


def test_the_figures_are_computed_once_then_read_from_the_cache():
    a_group(women=3)
    first = dashboards.dashboard(province=None, dates=today())
    with CaptureQueriesContext(connection) as captured:
        again = dashboards.dashboard(province=None, dates=today())
    assert len(captured) == 1  # the data version's database stamp, nothing else
    assert again.total == first.total
    assert again.total.women == 3


def test_a_new_member_is_counted_on_the_next_request(manager_client):
    group = a_group(women=2)
    assert board(manager_client).total.women == 2
    MemberFactory(group=group, joined_on=D(2013, 1, 1))
    assert board(manager_client).total.women == 3


def test_a_member_leaving_is_seen_on_the_next_request(manager_client):
    group = a_group(women=3)
    assert board(manager_client, "/provinces/SU/").total.women == 3
    member = group.members.exclude(role=Member.Role.LEADER).first()
    member.left_on = timezone.localdate()
    member.save()
    assert board(manager_client, "/provinces/SU/").total.women == 2


def test_a_late_entry_changes_the_figures_of_a_past_reporting_date(manager_client):
    group = a_group(women=2)
    url = "/?as_of=2015-01-01"
    assert board(manager_client, url).total.women == 2
    MemberFactory(group=group, joined_on=D(2014, 6, 1))  # entered today, dated 2014
    assert board(manager_client, url).total.women == 3


def test_a_write_through_another_worker_is_seen_through_the_database(manager_client):
    """With a per-process cache, another worker's signal never reaches this one's cache: the
    database stamp (highest ids of the tables and their change history) still changes."""
    group = a_group(women=2)
    assert board(manager_client).total.women == 2
    token = cache.get(data_cache.VERSION_KEY)
    MemberFactory(group=group, joined_on=D(2013, 1, 1))
    cache.set(data_cache.VERSION_KEY, token, timeout=None)  # as if this worker missed it
    assert board(manager_client).total.women == 3

    member = group.members.exclude(role=Member.Role.LEADER).first()
    token = cache.get(data_cache.VERSION_KEY)
    member.left_on = timezone.localdate()
    member.save()  # an update: no new row, but a new change-history row
    cache.set(data_cache.VERSION_KEY, token, timeout=None)
    assert board(manager_client).total.women == 2


def test_a_deleted_target_and_a_changed_activity_are_seen(manager_client):
    group = a_group()
    year = timezone.localdate().year
    target = Target.objects.create(province=group.district.province, year=year, groups=10)
    assert [row.target for row in board(manager_client).targets] == [10]
    target.delete()
    assert board(manager_client).targets == []

    assert board(manager_client).activities == []
    group.activities.add(ActivityType.objects.order_by("name").first())
    assert [row.groups.value for row in board(manager_client).activities] == [1]


def test_a_new_cooperative_is_counted_on_the_next_request(manager_client):
    group = a_group()
    assert board(manager_client).total.cooperatives == 0
    CooperativeFactory(district=group.district, formed_on=D(2016, 1, 1))
    assert board(manager_client).total.cooperatives == 1


def test_a_cached_dashboard_keeps_each_requests_own_notices(manager_client):
    a_group()
    response = manager_client.get("/?as_of=nonsense")
    assert "is not a reporting date" in response.content.decode()
    # The same figures (today's), from the cache, without the other request's notice.
    response = manager_client.get("/")
    assert response.context["board"].dates.notices == ()
    assert "is not a reporting date" not in response.content.decode()


def test_officers_and_managers_get_their_own_links(manager_client):
    """Whether figures link to the registry is part of the key: an officer's view of another
    province (no links) is not served to a manager, nor the other way round."""
    a_group()
    officer_client = Client()
    officer_client.force_login(factories.field_officer("Rasht", username="cache-officer"))
    assert board(manager_client, "/provinces/SU/").figures["women"].url
    assert board(officer_client, "/provinces/SU/").figures["women"].url is None
    assert board(manager_client, "/provinces/SU/").figures["women"].url


def test_inside_a_transaction_nothing_is_read_from_or_stored_in_the_cache():
    a_group(women=2)
    dashboards.dashboard(province=None, dates=today())  # cached: 2 women
    with transaction.atomic():
        MemberFactory(group=a_group(women=1), joined_on=D(2013, 1, 1))
        # Signals fire on commit only, yet this transaction sees its own write.
        assert dashboards.dashboard(province=None, dates=today()).total.women == 4
        transaction.set_rollback(True)
    assert dashboards.dashboard(province=None, dates=today()).total.women == 2


def test_each_language_has_its_own_cached_dashboard(manager_client, monkeypatch, settings):
    """Names of areas and activities, labels and notices are shown in the active language
    (ru/tg): the language is part of every key, so a figures page computed in one language is
    never served in another; within a language it is still computed once."""
    a_group()
    computed = []
    real = dashboards._dashboard

    def spy(**kwargs):
        computed.append(translation.get_language())
        return real(**kwargs)

    monkeypatch.setattr(dashboards, "_dashboard", spy)
    for language in ("en", "en", "ru", "ru", "tg", "en", "tg"):
        with translation.override(language):
            dashboards.dashboard(province=None, dates=today())
    assert computed == ["en", "ru", "tg"]

    # Through the pages: the language the request asks for (cookie) picks the entry.
    computed.clear()
    for language in ("ru", "en", "ru"):
        manager_client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        response = manager_client.get("/provinces/SU/")
        assert response.status_code == 200
        assert response.headers["Content-Language"] == language
    assert computed == ["ru", "en"]
