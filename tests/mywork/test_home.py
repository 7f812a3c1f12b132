"""An officer's home ("My work"): where signing in leads, the groups of their districts, the
shortcuts, what they changed lately (scoped), and a constant number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cooperatives.models import Cooperative
from groups.models import SelfHelpGroup
from members.models import Member
from tests.factories import (
    PASSWORD,
    GroupFactory,
    MemberFactory,
    UserFactory,
    district,
    field_officer,
)

pytestmark = pytest.mark.django_db

URL = "/my-work/"


def saved_by(user, instance):
    """Save `instance` as `user` would through a page: the change history names them."""
    instance._history_user = user
    instance.save()
    return instance


def group_by(user, **fields) -> SelfHelpGroup:
    return saved_by(user, GroupFactory.build(**fields))


def member_by(user, group, **fields) -> Member:
    return saved_by(user, MemberFactory.build(group=group, **fields))


def cooperative_by(user, **fields) -> Cooperative:
    fields.setdefault("district", district("Devashtich"))
    fields.setdefault("formed_on", datetime.date(2018, 1, 1))
    return saved_by(user, Cooperative(**fields))


def sign_in(client, username: str):
    return client.post(
        "/accounts/login/", {"username": username, "password": PASSWORD}, follow=True
    )


# Where signing in leads -----------------------------------------------------------------


def test_an_officer_lands_on_my_work_after_signing_in(client, officer):
    response = sign_in(client, "officer")

    assert response.redirect_chain[-1][0] == URL
    assert response.status_code == 200
    assert response.templates[0].name == "mywork/home.html"


def test_the_home_page_sends_an_officer_to_my_work(client, officer):
    client.force_login(officer)

    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == URL


def test_managers_and_admins_keep_the_dashboard_as_home(client, manager_sughd, manager_all):
    assert sign_in(client, "manager-sughd").redirect_chain[-1][0] == "/provinces/SU/"
    client.logout()
    response = sign_in(client, "manager")
    assert response.redirect_chain[-1][0] == "/"
    assert response.templates[0].name == "dashboard/home.html"
    client.logout()
    UserFactory(username="root", is_staff=True)
    response = sign_in(client, "root")
    assert response.redirect_chain[-1][0] == "/"
    assert response.templates[0].name == "dashboard/home.html"


def test_the_navigation_leads_an_officer_to_my_work_and_to_their_dashboard(client, officer):
    client.force_login(officer)

    nav = client.get("/groups/").context["portal_nav"]

    urls = [item["url"] for item in nav]
    assert urls[0] == URL
    assert str(nav[0]["label"]) == "My work"
    assert "/provinces/SU/" in urls  # "Dashboard": their province's, not the site's home
    assert "/" not in urls
    assert client.get(URL).context["portal_nav"][0]["active"]


def test_others_have_no_my_work_in_the_navigation(client, manager_sughd):
    client.force_login(manager_sughd)

    nav = client.get("/groups/").context["portal_nav"]

    assert URL not in [item["url"] for item in nav]
    assert nav[0]["url"] == "/"


def test_only_users_who_may_change_records_open_my_work(client, manager_sughd):
    client.force_login(manager_sughd)
    assert client.get(URL).status_code == 403
    client.logout()
    assert client.get(URL).status_code == 302  # to the sign-in page


# The groups -------------------------------------------------------------------------------


def test_it_lists_the_groups_of_the_officers_districts_the_latest_changed_first(client, officer):
    older = GroupFactory(name="Older")
    newer = GroupFactory(name="Newer")
    SelfHelpGroup.objects.filter(pk=older.pk).update(
        updated_at=timezone.now() - datetime.timedelta(days=3)
    )
    GroupFactory(name="Asht group", district=district("Asht"))  # same province, not theirs
    GroupFactory(name="Rasht group", district=district("Rasht"))
    client.force_login(officer)

    response = client.get(URL)

    assert response.status_code == 200
    assert [g.code for g in response.context["groups"]] == [newer.code, older.code]
    html = response.content.decode()
    assert "Asht group" not in html and "Rasht group" not in html
    assert "2 groups" in html


def test_a_group_whose_member_was_just_added_comes_first(client, officer):
    worked_on = GroupFactory(name="Worked on")
    GroupFactory(name="Untouched")
    SelfHelpGroup.objects.filter(pk=worked_on.pk).update(
        updated_at=timezone.now() - datetime.timedelta(days=3)
    )
    MemberFactory(group=worked_on)
    client.force_login(officer)

    groups = client.get(URL).context["groups"]

    assert [g.name for g in groups] == ["Worked on", "Untouched"]


def test_each_group_shows_its_place_and_current_members_and_its_shortcuts(client, officer):
    group = GroupFactory(name="Bonuvoni Yakhtan", village="Yakhtan")
    MemberFactory.create_batch(3, group=group)
    MemberFactory(group=group, left_on=datetime.date(2020, 1, 1))  # a former member
    dissolved = GroupFactory(
        name="Closed", status="dissolved", dissolved_on=datetime.date(2020, 1, 1)
    )
    client.force_login(officer)

    html = client.get(URL).content.decode()

    row = html.split(f'id="mywork-group-{group.code}"')[1].split("</li>")[0]
    assert "Bonuvoni Yakhtan" in row and "Yakhtan, Devashtich" in row
    assert "3 members" in row
    assert f'href="/members/new/?group={group.code}"' in row
    assert f'href="/groups/{group.code}/"' in row
    closed = html.split(f'id="mywork-group-{dissolved.code}"')[1].split("</li>")[0]
    assert "/members/new/" not in closed  # no new members in a dissolved group
    assert 'href="/groups/new/"' in html  # "New group"


def test_the_search_is_the_registrys(client, officer):
    GroupFactory(name="Guncha")
    GroupFactory(name="Bonuvoni Yakhtan")
    client.force_login(officer)

    response = client.get(URL, {"q": "гунча"})  # Cyrillic finds the Latin name

    assert [g.name for g in response.context["groups"]] == ["Guncha"]
    assert "1 group" in response.content.decode()


def test_a_search_finds_only_the_officers_groups(client, officer):
    GroupFactory(name="Guncha", district=district("Asht"))
    client.force_login(officer)

    response = client.get(URL, {"q": "Guncha"})

    assert response.context["groups"] == []
    assert 'id="mywork-no-groups"' in response.content.decode()


def test_it_shows_the_first_groups_and_links_to_all_of_them_in_the_registry(client, officer):
    GroupFactory.create_batch(23)
    client.force_login(officer)

    response = client.get(URL)

    assert len(response.context["groups"]) == 20
    html = response.content.decode()
    assert 'href="/groups/?district=mine"' in html
    assert "See all 23 groups in the registry" in html
    registry = client.get("/groups/?district=mine")
    assert registry.context["paginator"].count == 23


def test_the_link_to_the_registry_keeps_the_search(client, officer):
    GroupFactory.create_batch(21, name="Guncha")
    client.force_login(officer)

    html = client.get(URL, {"q": "Guncha"}).content.decode()

    assert 'href="/groups/?district=mine&amp;q=Guncha"' in html


def test_with_few_groups_there_is_no_link_to_more(client, officer):
    GroupFactory.create_batch(2)
    client.force_login(officer)

    assert 'id="mywork-all-groups"' not in client.get(URL).content.decode()


def test_there_is_no_outbox_yet(client, officer):
    client.force_login(officer)

    html = client.get(URL).content.decode().lower()

    assert "outbox" not in html and "waiting to be sent" not in html


# What I changed recently ------------------------------------------------------------------


def test_it_lists_the_users_latest_changes_newest_first(client, officer):
    group = group_by(officer, name="Guncha")
    member = member_by(officer, group, surname="Karimova", given_name="Zebo")
    cooperative = cooperative_by(officer, name="Ittifoq")
    member.skills = "sewing"
    saved_by(officer, member)
    client.force_login(officer)

    changes = client.get(URL).context["changes"]

    assert [(str(c.kind), c.name, str(c.action), c.url) for c in changes] == [
        ("Member", "Karimova Zebo", "changed", f"/members/{member.pk}/"),
        ("Cooperative", "Ittifoq", "added", f"/cooperatives/{cooperative.pk}/"),
        ("Member", "Karimova Zebo", "added", f"/members/{member.pk}/"),
        ("Group", f"{group.code} Guncha", "added", f"/groups/{group.code}/"),
    ]
    assert all(c.when <= timezone.now() for c in changes)


def test_the_change_list_is_shown_with_links(client, officer):
    group = group_by(officer, name="Guncha")
    client.force_login(officer)

    html = client.get(URL).content.decode()

    changes = html.split('id="mywork-changes"')[1].split("</ul>")[0]
    assert f'href="/groups/{group.code}/"' in changes
    assert "Guncha" in changes and "added" in changes and "<time" in changes


def test_it_lists_only_the_users_own_changes(client, officer, officer_same_province):
    group_by(officer_same_province, name="Someone else's", district=district("Asht"))
    GroupFactory(name="Without a user")
    client.force_login(officer)

    response = client.get(URL)

    assert response.context["changes"] == []
    assert 'id="mywork-no-changes"' in response.content.decode()


def test_it_keeps_the_last_ten_changes(client, officer):
    group = group_by(officer, name="Guncha")
    for n in range(12):
        member_by(officer, group, surname=f"Karimova{n}")
    client.force_login(officer)

    changes = client.get(URL).context["changes"]

    assert [c.name for c in changes] == [f"Karimova{n} Gulnora" for n in range(11, 1, -1)]


def test_a_record_moved_out_of_the_users_reach_leaves_the_list(client, officer):
    moved = group_by(officer, name="Moved away")
    kept = group_by(officer, name="Still in Sughd")
    SelfHelpGroup.objects.filter(pk=moved.pk).update(district=district("Rasht"))
    SelfHelpGroup.objects.filter(pk=kept.pk).update(district=district("Asht"))
    client.force_login(officer)

    changes = client.get(URL).context["changes"]

    assert [c.name for c in changes] == [f"{kept.code} Still in Sughd"]


def test_an_officer_who_lost_a_province_no_longer_sees_its_changes(client):
    user = field_officer("Devashtich", "Rasht", username="two-provinces")
    rasht = group_by(user, name="Rasht group", district=district("Rasht"))
    group_by(user, name="Sughd group")
    user.staff_profile.districts.set([district("Devashtich")])
    client.force_login(user)

    names = [c.name for c in client.get(URL).context["changes"]]

    assert f"{rasht.code} Rasht group" not in names and len(names) == 1


def test_a_deletion_is_listed_without_a_link(client):
    admin = UserFactory(username="root", is_staff=True)
    group = GroupFactory()
    member = member_by(admin, group, surname="Gone", given_name="Away")
    member._history_user = admin
    member.delete()
    client.force_login(admin)

    changes = client.get(URL).context["changes"]

    # Its addition is gone with the record; the deletion names it, with nothing to open.
    assert [(c.name, str(c.action), c.url) for c in changes] == [("Gone Away", "deleted", None)]
    assert "Gone Away" in client.get(URL).content.decode()


def test_a_member_is_named_without_her_patronymic(client, officer):
    group = GroupFactory()
    member_by(officer, group, surname="Karimova", given_name="Zebo", patronymic="Saidovna")
    client.force_login(officer)

    html = client.get(URL).content.decode()

    assert "Karimova Zebo" in html and "Saidovna" not in html


# Queries ----------------------------------------------------------------------------------


def _grow(officer, n: int) -> None:
    for _ in range(n):
        group = group_by(officer)
        for _ in range(2):
            member_by(officer, group)
        cooperative_by(officer, name=f"Cooperative {group.code}")


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(URL)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_my_work_costs_the_same_queries_for_2_and_12_groups(client, officer):
    _grow(officer, 2)
    client.force_login(officer)
    client.get(URL)  # warm up (session, content types)

    with_2 = _queries(client)
    _grow(officer, 10)
    with_12 = _queries(client)

    response = client.get(URL)
    assert len(response.context["groups"]) == 12
    assert len(response.context["changes"]) == 10
    assert with_2 == with_12
    print(f"My work: {with_12} queries")
