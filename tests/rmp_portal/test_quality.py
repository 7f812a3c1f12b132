"""The data-quality page (/data-quality/): each line finds exactly the records that break its
rule, within the reader's provinces, links to them, and costs a constant number of queries;
the dashboards show the total as a badge to those who may open the page."""

import datetime
import itertools
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cooperatives.models import Cooperative
from groups.models import SelfHelpGroup
from members.models import Member
from rmp_portal.quality import checks as quality
from tests import factories
from tests.factories import (
    CooperativeFactory,
    CooperativeMembershipFactory,
    GroupFactory,
    MemberFactory,
    district,
)
from tests.rmp_portal.quality_page import URL, counts_on_page, section

pytestmark = pytest.mark.django_db

THIS_YEAR = timezone.localdate().year
D = datetime.date


@pytest.fixture
def admin_client(client):
    client.force_login(factories.UserFactory(username="boss", is_staff=True, is_superuser=True))
    return client


def healthy_group(district_name="Devashtich", members=3, **fields) -> SelfHelpGroup:
    """An active group with a current woman leader and `members` current members in all."""
    group = GroupFactory(district=district(district_name), **fields)
    MemberFactory(group=group, role=Member.Role.LEADER)
    for _ in range(members - 1):
        MemberFactory(group=group)
    return group


def rows(client, key: str, url=URL) -> str:
    return section(client.get(url).content.decode(), key)


# Each line -------------------------------------------------------------------------------


def test_it_lists_active_groups_without_a_current_leader(admin_client):
    healthy = healthy_group()
    leaderless = GroupFactory(name="Leaderless")
    MemberFactory.create_batch(3, group=leaderless)
    former_leader = GroupFactory(name="Former leader")
    MemberFactory(group=former_leader, role=Member.Role.LEADER, left_on=D(2020, 1, 1))
    GroupFactory(name="Inactive", status=SelfHelpGroup.Status.INACTIVE)
    GroupFactory(name="Dissolved", status="dissolved", dissolved_on=D(2015, 1, 1))

    html = rows(admin_client, "no_leader")

    assert f'href="/groups/{leaderless.code}/"' in html
    assert f'href="/groups/{former_leader.code}/"' in html
    assert healthy.code not in html
    assert "Inactive" not in html and "Dissolved" not in html
    assert counts_on_page(admin_client)["no_leader"] == 2


def test_it_lists_active_groups_with_fewer_than_three_current_members(admin_client):
    three = healthy_group(members=3)
    two = healthy_group(members=2)
    two_and_a_former = healthy_group(members=2)
    MemberFactory(group=two_and_a_former, left_on=D(2020, 1, 1))

    html = rows(admin_client, "small_groups")

    assert f'href="/groups/{two.code}/"' in html
    assert f'href="/groups/{two_and_a_former.code}/"' in html
    assert three.code not in html
    assert counts_on_page(admin_client)["small_groups"] == 2


def test_it_lists_current_members_younger_than_14_or_older_than_100(admin_client):
    group = healthy_group()
    # Saved with update(): the form and model refuse these years, old imports may not have.
    young = MemberFactory(group=group, surname="Young")
    old = MemberFactory(group=group, surname="Old")
    fourteen = MemberFactory(group=group, surname="Fourteen")
    hundred = MemberFactory(group=group, surname="Hundred")
    gone = MemberFactory(group=group, surname="Gone", left_on=D(2020, 1, 1))
    Member.objects.filter(pk=young.pk).update(birth_year=THIS_YEAR - 13)
    Member.objects.filter(pk=old.pk).update(birth_year=THIS_YEAR - 101)
    Member.objects.filter(pk=fourteen.pk).update(birth_year=THIS_YEAR - 14)
    Member.objects.filter(pk=hundred.pk).update(birth_year=THIS_YEAR - 100)
    Member.objects.filter(pk=gone.pk).update(birth_year=THIS_YEAR - 5)

    html = rows(admin_client, "ages")

    assert f'href="/members/{young.pk}/"' in html and f'href="/members/{old.pk}/"' in html
    assert "Fourteen" not in html and "Hundred" not in html and "Gone" not in html
    assert f'<td class="text-end">{THIS_YEAR - 13}</td>' in html
    assert counts_on_page(admin_client)["ages"] == 2


def test_it_lists_members_with_a_date_of_leaving_in_the_future(admin_client):
    group = healthy_group()
    leaving = MemberFactory(group=group, surname="Tomorrow")
    left = MemberFactory(group=group, surname="Yesterday")
    today = timezone.localdate()
    Member.objects.filter(pk=leaving.pk).update(left_on=today + datetime.timedelta(days=1))
    Member.objects.filter(pk=left.pk).update(left_on=today)

    html = rows(admin_client, "future_departures")

    assert f'href="/members/{leaving.pk}/"' in html
    assert "Yesterday" not in html
    assert counts_on_page(admin_client)["future_departures"] == 1


def test_it_finds_one_person_in_two_groups_whatever_the_script_and_patronymic(admin_client):
    first, second, third = healthy_group(), healthy_group(), healthy_group()
    latin = MemberFactory(
        group=first, surname="Rahimova", given_name="Gulnora", patronymic="", birth_year=1980
    )
    cyrillic = MemberFactory(
        group=second,
        surname="Рахимова",
        given_name="Гулнора",
        patronymic="Саидовна",
        birth_year=1980,
    )
    # Not the same person: another birth year, another given name.
    MemberFactory(group=third, surname="Rahimova", given_name="Gulnora", birth_year=1981)
    MemberFactory(group=third, surname="Rahimova", given_name="Malika", birth_year=1980)

    html = rows(admin_client, "duplicates")

    assert f'href="/members/{latin.pk}/"' in html
    assert f'href="/members/{cyrillic.pk}/"' in html
    assert "Malika" not in html and "1981" not in html
    assert counts_on_page(admin_client)["duplicates"] == 1


def test_a_man_and_a_woman_of_one_family_name_are_one_key(admin_client):
    # -ov/-ova fold to one key: the same given name and year in two groups is worth a look.
    MemberFactory(group=healthy_group(), surname="Karimov", given_name="Sitora", birth_year=1975)
    MemberFactory(group=healthy_group(), surname="Karimova", given_name="Sitora", birth_year=1975)

    assert counts_on_page(admin_client)["duplicates"] == 1


def test_no_duplicate_without_two_current_memberships_of_different_groups(admin_client):
    group, other = healthy_group(), healthy_group()
    # Twice in one group: not two groups.
    MemberFactory(group=group, surname="Nazarova", given_name="Shahlo", birth_year=1970)
    MemberFactory(group=group, surname="Nazarova", given_name="Shahlo", birth_year=1970)
    # A transfer: the first membership has ended.
    MemberFactory(
        group=group, surname="Saidova", given_name="Zarina", birth_year=1990, left_on=D(2020, 1, 1)
    )
    MemberFactory(group=other, surname="Saidova", given_name="Zarina", birth_year=1990)
    # No birth year: nothing to compare.
    MemberFactory(group=group, surname="Aminova", given_name="Mohira", birth_year=None)
    MemberFactory(group=other, surname="Aminova", given_name="Mohira", birth_year=None)

    assert counts_on_page(admin_client)["duplicates"] == 0


def test_the_patronymic_does_not_make_a_different_person(admin_client):
    MemberFactory(
        group=healthy_group(), surname="Usmonova", given_name="Rukhsora", patronymic="Akbarovna"
    )
    MemberFactory(
        group=healthy_group(), surname="Usmonova", given_name="Rukhsora", patronymic="Saidovna"
    )

    assert counts_on_page(admin_client)["duplicates"] == 1


def test_it_lists_cooperatives_not_dissolved_with_fewer_than_two_current_groups(admin_client):
    lonely = CooperativeFactory(name="Lonely")
    CooperativeMembershipFactory(cooperative=lonely, group=healthy_group())
    CooperativeMembershipFactory(cooperative=lonely, group=healthy_group(), left_on=D(2020, 1, 1))
    pair = CooperativeFactory(name="Pair")
    for _ in range(2):
        CooperativeMembershipFactory(cooperative=pair, group=healthy_group())
    empty = CooperativeFactory(name="Empty", status=Cooperative.Status.FORMING)
    CooperativeFactory(name="Closed", status="dissolved", dissolved_on=D(2020, 1, 1))

    html = rows(admin_client, "small_cooperatives")

    assert f'href="/cooperatives/{lonely.pk}/"' in html
    assert f'href="/cooperatives/{empty.pk}/"' in html
    assert "Pair" not in html and "Closed" not in html
    assert counts_on_page(admin_client)["small_cooperatives"] == 2


def test_a_clean_registry_has_nothing_to_fix(admin_client):
    cooperative = CooperativeFactory()
    for _ in range(2):
        CooperativeMembershipFactory(cooperative=cooperative, group=healthy_group())

    response = admin_client.get(URL)

    assert set(counts_on_page(admin_client).values()) == {0}
    assert response.content.decode().count("Nothing to fix.") == len(quality.LINES)


def test_a_long_line_lists_the_first_rows_and_says_how_many_more(admin_client, monkeypatch):
    monkeypatch.setattr(quality, "ROWS", 2)
    for _ in range(5):
        GroupFactory()

    html = rows(admin_client, "no_leader")

    assert html.count('href="/groups/') == 2
    assert "3 more are not" in html
    assert counts_on_page(admin_client)["no_leader"] == 5


# Who sees what ---------------------------------------------------------------------------


def problems_in_both_provinces():
    return GroupFactory(name="Sughd problem"), GroupFactory(
        name="Rasht problem", district=district("Rasht")
    )


def test_a_province_manager_sees_only_her_provinces(client, manager_sughd):
    sughd, rasht = problems_in_both_provinces()
    client.force_login(manager_sughd)

    html = client.get(URL).content.decode()

    assert sughd.code in html and rasht.code not in html
    assert counts_on_page(client)["no_leader"] == 1


def test_a_programme_manager_sees_every_province_and_can_narrow_to_one(client, manager_all):
    sughd, rasht = problems_in_both_provinces()
    client.force_login(manager_all)

    assert counts_on_page(client)["no_leader"] == 2
    html = client.get(URL + "?province=RA").content.decode()
    assert rasht.code in html and sughd.code not in html


def test_a_province_outside_the_managers_scope_is_not_found(client, manager_sughd):
    client.force_login(manager_sughd)

    assert client.get(URL + "?province=RA").status_code == 404
    assert client.get(URL + "?province=%00").status_code == 404


def test_admins_see_the_page(admin_client):
    problems_in_both_provinces()
    assert counts_on_page(admin_client)["no_leader"] == 2


def test_a_field_officer_opens_it_for_her_districts(client, officer):
    GroupFactory()  # in Devashtich, her district: no leader
    client.force_login(officer)

    response = client.get(URL)

    assert response.status_code == 200
    assert "no_leader" in response.content.decode()


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/data-quality/")


def test_the_navigation_offers_it_to_everyone_with_a_role(client, manager_sughd, officer):
    link = f'href="{URL}"'
    client.force_login(manager_sughd)
    assert link in client.get("/groups/").content.decode()
    client.force_login(officer)
    assert link in client.get("/groups/").content.decode()


# Queries ---------------------------------------------------------------------------------


TWINS = itertools.count()


def problems(n: int) -> None:
    """`n` records on every line, each on that line only."""
    today = timezone.localdate()
    for _ in range(n):
        MemberFactory.create_batch(3, group=GroupFactory())  # no leader
        healthy_group(members=2)  # too small
        group = healthy_group()
        odd, leaving = MemberFactory.create_batch(2, group=group)
        Member.objects.filter(pk=odd.pk).update(birth_year=THIS_YEAR - 5)
        Member.objects.filter(pk=leaving.pk).update(left_on=today + datetime.timedelta(days=9))
        # A phone saved before numbers were checked (rmp_portal.core.phones).
        Member.objects.filter(pk=MemberFactory(group=group).pk).update(phone="92 12")
        twin = f"Twin{next(TWINS)}"
        for twin_group in (group, healthy_group()):
            MemberFactory(group=twin_group, surname=twin, given_name="Nigora", birth_year=1970)
        CooperativeMembershipFactory(group=healthy_group())  # one group only


def queries(client, url=URL) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_the_page_costs_the_same_queries_for_few_and_many_records(client, manager_all):
    client.force_login(manager_all)
    problems(1)
    few = queries(client)
    assert set(counts_on_page(client).values()) == {1}

    problems(6)

    assert queries(client) == few
    assert set(counts_on_page(client).values()) == {7}


# Dashboards ------------------------------------------------------------------------------


def test_the_dashboard_shows_the_total_as_a_badge_linking_to_the_page(client, manager_all):
    problems(2)
    client.force_login(manager_all)

    html = client.get("/").content.decode()

    badge = re.search(r'<a [^>]*id="quality-badge" href="([^"]*)">([^<]*)</a>', html)
    assert badge is not None
    assert badge.group(1) == URL
    assert "14 records to check" in badge.group(2)
    assert sum(counts_on_page(client).values()) == 14


def test_a_province_dashboard_counts_that_province(client, manager_all):
    problems_in_both_provinces()
    GroupFactory(district=district("Asht"))
    client.force_login(manager_all)

    html = client.get("/provinces/SU/").content.decode()

    # Two Sughd groups without members: each without a leader and too small.
    assert 'href="/data-quality/?province=SU"' in html
    assert "4 records to check" in html


def test_the_dashboard_badge_costs_the_same_queries_for_few_and_many_records(client, manager_all):
    client.force_login(manager_all)
    problems(1)
    few = queries(client, "/")

    problems(4)

    assert queries(client, "/") == few


def test_a_field_officer_sees_the_badge_of_her_districts(client, officer):
    GroupFactory()  # in Devashtich: no leader
    client.force_login(officer)

    html = client.get("/provinces/SU/").content.decode()

    assert "quality-badge" in html


def test_a_clean_registry_shows_no_badge(client, manager_all):
    healthy_group()
    client.force_login(manager_all)

    assert "quality-badge" not in client.get("/").content.decode()
