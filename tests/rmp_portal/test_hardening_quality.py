"""Field officers, who fix the records, read the data-quality page and badge for their own
districts only; managers and admins as before; users without a role get 403."""

import re

import pytest
from django.core.cache import cache
from django.test import Client

from members.models import Member
from rmp_portal.quality.templatetags.quality_tags import _reach
from tests import factories
from tests.factories import GroupFactory, MemberFactory, district

pytestmark = pytest.mark.django_db

URL = "/data-quality/"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def counts(client) -> dict[str, int]:
    response = client.get(URL)
    assert response.status_code == 200
    found = re.findall(r'id="count-(\w+)">(\d+)<', response.content.decode())
    return {key: int(n) for key, n in found}


def leaderless(district_name: str, name: str):
    """An active group without a leader (and with three members): one record to fix."""
    group = GroupFactory(name=name, district=district(district_name))
    MemberFactory.create_batch(3, group=group)
    return group


@pytest.fixture
def problems():
    """A leaderless group in Devashtich (the officer's district), one in Asht (same province,
    another district) and one in Rasht (another province)."""
    return {
        "devashtich": leaderless("Devashtich", "Mine"),
        "asht": leaderless("Asht", "Neighbours"),
        "rasht": leaderless("Rasht", "Far away"),
    }


def test_an_officer_sees_the_page_with_only_her_districts_records(officer, problems):
    client = signed_in(officer)
    assert counts(client)["no_leader"] == 1
    html = client.get(URL).content.decode()
    assert problems["devashtich"].code in html
    assert problems["asht"].code not in html and problems["rasht"].code not in html


def test_an_officer_of_two_districts_sees_both(problems):
    user = factories.field_officer("Devashtich", "Asht", username="two-districts")
    assert counts(signed_in(user))["no_leader"] == 2


def test_an_officers_member_lines_are_of_her_districts_too(officer):
    mine = GroupFactory(district=district("Devashtich"))
    theirs = GroupFactory(district=district("Asht"))
    MemberFactory(group=mine, role=Member.Role.LEADER, birth_year=1900)
    MemberFactory(group=theirs, role=Member.Role.LEADER, birth_year=1900)
    assert counts(signed_in(officer))["ages"] == 1


def test_managers_see_their_province_as_before(problems, manager_sughd, manager_all):
    assert counts(signed_in(manager_sughd))["no_leader"] == 2
    assert counts(signed_in(manager_all))["no_leader"] == 3


def test_a_user_without_a_role_gets_403(no_role_user):
    assert signed_in(no_role_user).get(URL).status_code == 403


def test_the_navigation_offers_it_to_officers(officer):
    assert f'href="{URL}"' in signed_in(officer).get("/groups/").content.decode()


def badge(client, url: str) -> int | None:
    html = client.get(url).content.decode()
    found = re.search(r'id="quality-badge"[^>]*>\s*Data quality: (\d+) record', html)
    return int(found.group(1)) if found else None


def test_the_badge_counts_an_officers_districts(officer, problems):
    assert badge(signed_in(officer), "/provinces/SU/") == 1
    # Another province's dashboard: nothing of hers to fix there, no badge.
    assert badge(signed_in(officer), "/provinces/RA/") is None


# The cache is only used outside transactions (rmp_portal.core.cache.cached): this test commits.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_badge_is_not_shared_between_officers_of_one_province(
    officer, officer_same_province, problems
):
    leaderless("Asht", "Neighbours 2")
    # The first officer's count is cached first; the second must not get it.
    assert badge(signed_in(officer), "/provinces/SU/") == 1
    assert badge(signed_in(officer_same_province), "/provinces/SU/") == 2
    assert badge(signed_in(factories.manager("SU")), "/provinces/SU/") == 3


def test_the_cache_key_names_an_officers_districts(officer, manager_sughd, manager_all):
    devashtich = district("Devashtich")
    assert _reach(officer) == f"d:{devashtich.pk}"
    assert _reach(manager_sughd) == f"p:{devashtich.province_id}"
    assert _reach(manager_all) == "all"
