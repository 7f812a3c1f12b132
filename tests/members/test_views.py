"""Member pages and actions, as the user in scope, users out of scope and an anonymous visitor."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from groups.models import SelfHelpGroup
from members import services
from members.models import Member
from rmp_portal.core.concurrency import STALE_MESSAGE
from tests.factories import GroupFactory, MemberFactory, district
from tests.members.forms import edit_data, form_data

pytestmark = pytest.mark.django_db

# As stored (E.164, rmp_portal.core.phones), so the pages show it as it is.
PHONE = "+992927654321"
PHONE_SHOWN = "+992 92 765 4321"  # how pages show it (rmp_portal.core.phones.format_phone)
BIRTH_YEAR = 1973


@pytest.fixture
def group(db):
    return GroupFactory(name="Bonuvoni Yakhtan")


@pytest.fixture
def member(group):
    return MemberFactory(
        group=group,
        surname="Rahimova",
        given_name="Gulnora",
        patronymic="Saidovna",
        phone=PHONE,
        birth_year=BIRTH_YEAR,
    )


@pytest.fixture
def leader(group):
    return MemberFactory(group=group, surname="Nazarova", given_name="Shahlo", role="leader")


@pytest.fixture
def asht_group(db):
    return GroupFactory(district=district("Asht"))


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# Detail page


def test_it_shows_the_member_with_personal_data_to_the_officer_in_scope(client, officer, member):
    client.force_login(officer)

    response = client.get(f"/members/{member.pk}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Rahimova Gulnora Saidovna" in html
    assert PHONE_SHOWN in html and str(BIRTH_YEAR) in html
    assert f"/members/{member.pk}/edit/" in html
    assert f"/members/{member.pk}/leave/" in html


def test_it_shows_the_member_without_personal_data_to_an_officer_of_the_province(
    client, officer_same_province, member
):
    client.force_login(officer_same_province)

    response = client.get(f"/members/{member.pk}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Rahimova Gulnora" in html
    assert PHONE not in html and PHONE_SHOWN not in html
    assert str(BIRTH_YEAR) not in html and "Saidovna" not in html
    assert f"/members/{member.pk}/edit/" not in html
    assert "/leave/" not in html and "/make-leader/" not in html and "/transfer/" not in html


def test_it_hides_the_member_from_an_officer_of_another_province(
    client, officer_other_province, member
):
    client.force_login(officer_other_province)

    assert client.get(f"/members/{member.pk}/").status_code == 404


def test_a_province_manager_reads_the_member_but_cannot_change_it(client, manager_sughd, member):
    client.force_login(manager_sughd)

    response = client.get(f"/members/{member.pk}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert PHONE_SHOWN in html
    assert f"/members/{member.pk}/edit/" not in html and "/leave/" not in html


def test_another_provinces_manager_gets_not_found(client, manager_rasht, member):
    client.force_login(manager_rasht)

    assert client.get(f"/members/{member.pk}/").status_code == 404


def test_it_sends_an_anonymous_visitor_to_sign_in(client, member):
    for url in (
        f"/members/{member.pk}/",
        f"/members/{member.pk}/edit/",
        "/members/new/",
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")
    for action in ("leave", "make-leader", "transfer"):
        response = client.post(f"/members/{member.pk}/{action}/")
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")
    member.refresh_from_db()
    assert member.left_on is None and member.role == "member"


def test_it_shows_the_role_history(client, officer, member, leader):
    services.member_make_leader(member=member, user=officer)
    services.member_leave(member=member, user=officer, left_on=datetime.date(2021, 5, 1))
    client.force_login(officer)

    html = client.get(f"/members/{member.pk}/").content.decode()

    assert "registered as member" in html
    assert "role changed from member to leader" in html
    assert "left the group on" in html
    assert "(officer)" in html


def test_it_links_both_ends_of_a_transfer(client, officer, member, group):
    target = GroupFactory(name="Target")
    moved = services.member_transfer(
        member=member, user=officer, to_group=target, on_date=datetime.date(2022, 1, 10)
    )
    client.force_login(officer)

    old_page = client.get(f"/members/{member.pk}/").content.decode()
    new_page = client.get(f"/members/{moved.pk}/").content.decode()

    assert f'href="/members/{moved.pk}/"' in old_page
    assert f'href="/members/{member.pk}/"' in new_page


# The group page's member buttons


def test_the_group_page_offers_member_actions_to_the_officer_in_scope(
    client, officer, group, member, leader
):
    client.force_login(officer)

    html = client.get(f"/groups/{group.code}/").content.decode()

    assert f"/members/new/?group={group.code}" in html
    assert f"/members/{member.pk}/make-leader/" in html
    assert f"/members/{leader.pk}/make-leader/" not in html  # already the leader
    assert f"/members/{member.pk}/#leave" in html and f"/members/{member.pk}/#transfer" in html


def test_the_group_page_offers_no_member_actions_to_readers(
    client, officer_same_province, manager_sughd, group, member
):
    for user in (officer_same_province, manager_sughd):
        client.force_login(user)
        html = client.get(f"/groups/{group.code}/").content.decode()
        assert "/members/new/" not in html and "/make-leader/" not in html


def test_the_group_page_offers_no_make_leader_for_a_man(client, officer, group):
    man = MemberFactory(group=group, sex="M")
    client.force_login(officer)

    html = client.get(f"/groups/{group.code}/").content.decode()

    assert f"/members/{man.pk}/make-leader/" not in html


# Adding a member


def test_it_shows_the_form_with_the_group_preselected(client, officer, group):
    client.force_login(officer)

    response = client.get(f"/members/new/?group={group.code}")

    assert response.status_code == 200
    assert response.context["form"]["group"].value() == group.code


def test_it_adds_a_member_and_returns_to_the_group(client, officer, group):
    client.force_login(officer)

    response = client.post(f"/members/new/?group={group.code}", form_data(group))

    assert response.status_code == 302
    assert response["Location"] == f"/groups/{group.code}/"
    created = Member.objects.get(surname="Karimova")
    assert (created.group, created.created_by, created.updated_by) == (group, officer, officer)
    assert messages_of(response) == [f"Karimova Zebo was added to the group {group.code}."]


def test_a_manager_may_not_add_members(client, manager_sughd, group):
    client.force_login(manager_sughd)

    assert client.get(f"/members/new/?group={group.code}").status_code == 403
    assert client.post("/members/new/", form_data(group)).status_code == 403
    assert not Member.objects.exists()


def test_it_answers_not_found_for_another_districts_group_in_the_address(
    client, officer, asht_group
):
    client.force_login(officer)

    assert client.get(f"/members/new/?group={asht_group.code}").status_code == 404


def test_a_forged_post_for_another_districts_group_is_a_form_error(client, officer, asht_group):
    client.force_login(officer)

    by_code = client.post("/members/new/", form_data(asht_group))
    by_id = client.post("/members/new/", form_data() | {"group": str(asht_group.pk)})

    for response in (by_code, by_id):
        assert response.status_code == 200
        assert "group" in response.context["form"].errors
    assert not Member.objects.exists()


def test_it_refuses_a_man_as_leader(client, officer, group):
    client.force_login(officer)

    response = client.post("/members/new/", form_data(group, sex="M", role="leader"))

    errors = response.context["form"].errors
    assert "a man cannot be the leader" in " ".join(errors["role"])
    assert not Member.objects.exists()


def test_it_refuses_a_second_leader_on_the_role_field(client, officer, group, leader):
    client.force_login(officer)

    response = client.post("/members/new/", form_data(group, role="leader"))

    assert "already has a current leader" in " ".join(response.context["form"].errors["role"])
    assert group.members.count() == 1


def test_it_shows_age_and_date_errors_on_their_fields(client, officer, group):
    client.force_login(officer)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    response = client.post(
        "/members/new/", form_data(group, birth_year="1890", joined_on=tomorrow.isoformat())
    )

    errors = response.context["form"].errors
    assert "between 14 and 100 years old" in " ".join(errors["birth_year"])
    assert "cannot be in the future" in " ".join(errors["joined_on"])
    assert not Member.objects.exists()


def test_a_malformed_form_is_an_error_not_a_crash(client, officer, group):
    client.force_login(officer)

    response = client.post(
        "/members/new/",
        form_data(group, birth_year="abc", joined_on="2020-13-45", sex="X", role="king"),
    )

    assert response.status_code == 200
    assert {"birth_year", "joined_on", "sex", "role"} <= set(response.context["form"].errors)


# Possible duplicates


def test_it_warns_about_a_possible_duplicate_and_saves_when_confirmed(
    client, officer, group, member
):
    other_group = GroupFactory(name="Other")
    client.force_login(officer)
    data = form_data(other_group, surname="Рахимов", given_name="Гулнора", birth_year="1973")

    warned = client.post("/members/new/", data)

    assert warned.status_code == 200
    assert Member.objects.count() == 1
    html = warned.content.decode()
    assert 'id="possible-duplicates"' in html
    assert f'href="/members/{member.pk}/"' in html and group.code in html
    assert 'name="confirm_not_duplicate"' in html

    saved = client.post("/members/new/", data | {"confirm_not_duplicate": "on"})

    assert saved.status_code == 302
    assert Member.objects.filter(group=other_group, surname="Рахимов").exists()


def test_it_warns_about_the_same_phone_number(client, officer, group, member):
    client.force_login(officer)

    response = client.post("/members/new/", form_data(group, phone="92-765-43-21"))

    assert 'id="possible-duplicates"' in response.content.decode()
    assert "same phone number" in response.content.decode()
    assert Member.objects.count() == 1


def test_it_does_not_warn_about_a_former_member(client, officer, group, member):
    member.left_on = datetime.date(2020, 1, 1)
    member.save()
    client.force_login(officer)

    data = form_data(group, surname="Rahimova", given_name="Gulnora", birth_year="1973")
    response = client.post("/members/new/", data)

    assert response.status_code == 302
    assert Member.objects.count() == 2


def test_a_duplicate_outside_the_users_area_is_not_shown(client, officer, group):
    rasht_group = GroupFactory(district=district("Rasht"))
    far = MemberFactory(group=rasht_group, surname="Rahimova", given_name="Gulnora", phone="")
    client.force_login(officer)

    data = form_data(group, surname="Rahimova", given_name="Gulnora", birth_year="1980")
    response = client.post("/members/new/", data)

    html = response.content.decode()
    assert "a current member of a group outside your area" in html
    assert rasht_group.code not in html and f"/members/{far.pk}/" not in html
    assert Member.objects.count() == 1


def test_a_duplicate_in_the_province_is_shown_without_personal_data(
    client, officer, group, asht_group
):
    MemberFactory(
        group=asht_group, surname="Rahimova", given_name="Gulnora", patronymic="Zarifovna"
    )
    client.force_login(officer)

    data = form_data(group, surname="Rahimova", given_name="Gulnora", birth_year="1980")
    html = client.post("/members/new/", data).content.decode()

    assert asht_group.code in html
    assert "Zarifovna" not in html and "born" not in html


# Editing


def test_it_shows_the_edit_form_to_the_officer_in_scope(client, officer, member):
    client.force_login(officer)

    response = client.get(f"/members/{member.pk}/edit/")

    assert response.status_code == 200
    assert response.context["form"]["version"].value() == member.updated_at.isoformat()


@pytest.mark.parametrize(
    "user", ["officer_same_province", "officer_other_province", "manager_sughd", "manager_all"]
)
def test_others_may_not_edit(client, request, user, member):
    client.force_login(request.getfixturevalue(user))

    assert client.get(f"/members/{member.pk}/edit/").status_code == 404
    assert client.post(f"/members/{member.pk}/edit/", edit_data(member)).status_code == 404


def test_it_saves_an_edit(client, officer, member):
    client.force_login(officer)

    response = client.post(f"/members/{member.pk}/edit/", edit_data(member, phone="90 123 4567"))

    assert response.status_code == 302
    assert response["Location"] == f"/members/{member.pk}/"
    member.refresh_from_db()
    assert member.phone == "+992901234567" and member.phone_digits == "992901234567"
    assert member.updated_by == officer


def test_it_refuses_a_stale_edit_and_keeps_the_other_change(client, officer, member):
    client.force_login(officer)
    data = edit_data(member, phone="+992 91 111 1111")
    # Someone else saves in between.
    member.phone = "+992 92 222 2222"
    member.save()

    response = client.post(f"/members/{member.pk}/edit/", data)

    assert response.status_code == 200
    assert str(STALE_MESSAGE) in messages_of(response)
    assert 'id="stale-changes"' in response.content.decode()
    member.refresh_from_db()
    assert member.phone == "+992922222222"


def test_editing_a_man_into_the_leader_is_a_role_error(client, officer, group):
    man = MemberFactory(group=group, sex="M")
    client.force_login(officer)

    response = client.post(f"/members/{man.pk}/edit/", edit_data(man, role="leader"))

    assert "a man cannot be the leader" in " ".join(response.context["form"].errors["role"])
    man.refresh_from_db()
    assert man.role == "member"


# Actions: refused on GET, and out of scope


@pytest.mark.parametrize("action", ["leave", "make-leader", "transfer"])
def test_it_rejects_get_on_actions(client, officer, member, action):
    client.force_login(officer)

    assert client.get(f"/members/{member.pk}/{action}/").status_code == 405


@pytest.mark.parametrize("action", ["leave", "make-leader", "transfer"])
@pytest.mark.parametrize("user", ["officer_same_province", "officer_other_province", "manager_all"])
def test_actions_out_of_scope_are_not_found(client, request, user, member, action):
    client.force_login(request.getfixturevalue(user))

    response = client.post(
        f"/members/{member.pk}/{action}/", {"left_on": "2021-01-01", "on_date": "2021-01-01"}
    )

    assert response.status_code == 404
    member.refresh_from_db()
    assert (member.left_on, member.role) == (None, "member")


# Recording a departure


def test_it_records_a_departure(client, officer, member, group):
    client.force_login(officer)

    response = client.post(f"/members/{member.pk}/leave/", {"left_on": "2021-06-15"})

    assert response.status_code == 302
    assert response["Location"] == f"/groups/{group.code}/"
    member.refresh_from_db()
    assert member.left_on == datetime.date(2021, 6, 15)
    [message] = messages_of(response)
    assert message.startswith(f"Rahimova Gulnora left the group {group.code} on ")


def test_when_the_leader_leaves_the_group_needs_a_leader(client, officer, leader, group):
    client.force_login(officer)

    response = client.post(f"/members/{leader.pk}/leave/", {"left_on": "2021-06-15"}, follow=True)

    html = response.content.decode()
    assert "The group now needs a leader." in html
    assert 'id="needs-leader"' in html


def test_it_refuses_a_departure_in_the_future(client, officer, member):
    client.force_login(officer)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    response = client.post(f"/members/{member.pk}/leave/", {"left_on": tomorrow.isoformat()})

    assert response.status_code == 200
    assert "cannot be in the future" in " ".join(response.context["leave_form"].errors["left_on"])
    member.refresh_from_db()
    assert member.left_on is None


def test_it_refuses_a_departure_before_joining(client, officer, member):
    client.force_login(officer)

    response = client.post(f"/members/{member.pk}/leave/", {"left_on": "2011-01-01"})

    assert "before the date they joined" in " ".join(
        response.context["leave_form"].errors["left_on"]
    )
    member.refresh_from_db()
    assert member.left_on is None


def test_a_malformed_departure_date_is_a_form_error(client, officer, member):
    client.force_login(officer)

    response = client.post(f"/members/{member.pk}/leave/", {"left_on": "not-a-date"})

    assert response.status_code == 200
    assert "left_on" in response.context["leave_form"].errors


# Making a member leader


def test_it_makes_a_member_leader_and_the_old_leader_a_member(
    client, officer, member, leader, group
):
    client.force_login(officer)

    response = client.post(f"/members/{member.pk}/make-leader/")

    assert response.status_code == 302
    assert response["Location"] == f"/groups/{group.code}/"
    member.refresh_from_db()
    leader.refresh_from_db()
    assert (member.role, leader.role) == ("leader", "member")
    assert messages_of(response) == [
        f"Rahimova Gulnora is now the leader of {group.code}. Nazarova Shahlo is now a member."
    ]


def test_it_refuses_to_make_a_man_leader_with_a_message(client, officer, group, leader):
    man = MemberFactory(group=group, sex="M")
    client.force_login(officer)

    response = client.post(f"/members/{man.pk}/make-leader/")

    assert response.status_code == 302
    assert messages_of(response) == [
        "Self-help groups are led by women: a man cannot be made leader."
    ]
    man.refresh_from_db()
    leader.refresh_from_db()
    assert (man.role, leader.role) == ("member", "leader")


def test_it_refuses_to_make_a_former_member_leader(client, officer, group):
    former = MemberFactory(group=group, left_on=datetime.date(2019, 1, 1))
    client.force_login(officer)

    response = client.post(f"/members/{former.pk}/make-leader/")

    assert messages_of(response) == ["A former member cannot be made leader."]
    former.refresh_from_db()
    assert former.role == "member"


# Transfers


def test_it_transfers_a_member_to_another_group(client, officer, member, group):
    target = GroupFactory(name="Target", district=district("Devashtich"))
    client.force_login(officer)

    response = client.post(
        f"/members/{member.pk}/transfer/", {"to_group": target.code, "on_date": "2022-01-10"}
    )

    assert response.status_code == 302
    assert response["Location"] == f"/groups/{group.code}/"
    member.refresh_from_db()
    moved = Member.objects.get(group=target)
    assert member.left_on == datetime.date(2022, 1, 10)
    assert (moved.surname, moved.phone, moved.role) == ("Rahimova", PHONE, "member")
    assert (moved.joined_on, moved.transferred_from) == (datetime.date(2022, 1, 10), member)
    assert messages_of(response)[0].startswith(f"Rahimova Gulnora was transferred to {target.code}")


def test_a_transferred_leader_leaves_her_group_without_a_leader(client, officer, leader, group):
    target = GroupFactory(name="Target")
    client.force_login(officer)

    response = client.post(
        f"/members/{leader.pk}/transfer/",
        {"to_group": target.code, "on_date": "2022-01-10"},
        follow=True,
    )

    assert f"The group {group.code} now needs a leader." in response.content.decode()
    assert not group.members.current().filter(role="leader").exists()
    assert target.members.get().role == "member"


def test_a_transfer_to_another_districts_group_is_a_form_error(client, officer, member, asht_group):
    client.force_login(officer)

    response = client.post(
        f"/members/{member.pk}/transfer/", {"to_group": asht_group.code, "on_date": "2022-01-10"}
    )

    assert response.status_code == 200
    assert "to_group" in response.context["transfer_form"].errors
    assert Member.objects.count() == 1
    member.refresh_from_db()
    assert member.left_on is None


def test_a_transfer_to_the_same_group_is_a_form_error(client, officer, member, group):
    client.force_login(officer)

    response = client.post(
        f"/members/{member.pk}/transfer/", {"to_group": group.code, "on_date": "2022-01-10"}
    )

    assert "to_group" in response.context["transfer_form"].errors
    assert Member.objects.count() == 1


def test_a_transfer_to_a_dissolved_group_is_a_form_error(client, officer, member):
    dissolved = GroupFactory(
        status=SelfHelpGroup.Status.DISSOLVED, dissolved_on=datetime.date(2020, 1, 1)
    )
    client.force_login(officer)

    response = client.post(
        f"/members/{member.pk}/transfer/", {"to_group": dissolved.code, "on_date": "2019-01-10"}
    )

    assert "to_group" in response.context["transfer_form"].errors
    assert Member.objects.count() == 1


def test_a_transfer_before_joining_is_a_date_error(client, officer, member):
    target = GroupFactory(established_on=datetime.date(2010, 6, 1))
    client.force_login(officer)

    response = client.post(
        f"/members/{member.pk}/transfer/", {"to_group": target.code, "on_date": "2011-01-10"}
    )

    assert "joined only on" in " ".join(response.context["transfer_form"].errors["on_date"])
    assert Member.objects.count() == 1
