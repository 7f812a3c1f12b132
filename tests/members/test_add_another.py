"""Adding members one after another: "Save and add another" on the add-member form, the
group chooser behind the members registry's "Add member", and one member per form sent
however often it is sent."""

import datetime
import re

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from members.models import Member
from tests.factories import GroupFactory, MemberFactory, UserFactory, district, field_officer
from tests.members.forms import form_data

pytestmark = pytest.mark.django_db

CREATE = "/members/new/"
CHOOSE = "/members/add/"


@pytest.fixture
def group(db):
    return GroupFactory(name="Bonuvoni Yakhtan")


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def token_of(response) -> str:
    match = re.search(r'name="submission" value="([^"]+)"', response.content.decode())
    assert match
    return match.group(1)


# Save and add another -----------------------------------------------------------------------


def test_the_form_has_a_second_button_to_save_and_add_another(client, officer, group):
    client.force_login(officer)

    html = client.get(f"{CREATE}?group={group.code}").content.decode()

    assert 'name="add_another"' in html and "Save and add another" in html
    assert 'type="submit"' in html.split('name="add_another"')[0].rsplit("<button", 1)[1]


def test_save_and_add_another_opens_the_form_again_for_the_same_group(client, officer, group):
    client.force_login(officer)

    response = client.post(
        f"{CREATE}?group={group.code}", form_data(group, add_another="1"), follow=True
    )

    saved = Member.objects.get()
    assert (saved.surname, saved.given_name, saved.group) == ("Karimova", "Zebo", group)
    assert saved.joined_on == datetime.date(2020, 2, 1)
    assert response.redirect_chain == [(f"{CREATE}?group={group.code}&after={saved.pk}", 302)]
    assert response.status_code == 200
    form = response.context["form"]
    assert form["group"].value() == group.code
    assert form["joined_on"].value() == datetime.date(2020, 2, 1)  # kept from Karimova
    assert form["surname"].value() in (None, "")  # the person's fields start empty
    assert messages_of(response) == [f"Karimova Zebo was added to the group {group.code}."]
    html = response.content.decode()
    assert f"Karimova Zebo was added to the group {group.code}." in html
    surname = re.search(r'<input[^>]*name="surname"[^>]*>', html).group(0)
    assert "autofocus" in surname


def test_the_next_member_is_saved_in_the_same_group(client, officer, group):
    client.force_login(officer)
    client.post(f"{CREATE}?group={group.code}", form_data(group, add_another="1"))
    first = Member.objects.get()
    form = client.get(f"{CREATE}?group={group.code}&after={first.pk}")

    response = client.post(
        f"{CREATE}?group={group.code}&after={first.pk}",
        form_data(
            group,
            surname="Nazarova",
            given_name="Shahlo",
            add_another="1",
            submission=token_of(form),
        ),
    )

    assert response.status_code == 302
    assert sorted(Member.objects.filter(group=group).values_list("surname", flat=True)) == [
        "Karimova",
        "Nazarova",
    ]


def test_the_plain_button_still_returns_to_the_group(client, officer, group):
    client.force_login(officer)

    response = client.post(f"{CREATE}?group={group.code}", form_data(group))

    assert response["Location"] == f"/groups/{group.code}/"


def test_the_kept_date_is_only_that_of_a_member_of_the_group_the_user_may_edit(
    client, officer, group
):
    other_group = GroupFactory()
    elsewhere = MemberFactory(
        group=GroupFactory(district=district("Asht")), joined_on=datetime.date(2015, 5, 5)
    )
    in_other_group = MemberFactory(group=other_group, joined_on=datetime.date(2016, 6, 6))
    client.force_login(officer)

    for after in (elsewhere.pk, in_other_group.pk, "x", "99999999999999999999"):
        response = client.get(f"{CREATE}?group={group.code}&after={after}")
        assert response.status_code == 200
        assert response.context["form"]["joined_on"].value() == timezone.localdate()


def test_an_error_keeps_both_buttons_and_saves_nothing(client, officer, group):
    client.force_login(officer)

    response = client.post(
        f"{CREATE}?group={group.code}", form_data(group, surname="", add_another="1")
    )

    assert response.status_code == 200
    assert not Member.objects.exists()
    assert 'name="add_another"' in response.content.decode()


# The same form sent twice ------------------------------------------------------------------


def test_the_same_form_sent_twice_saves_one_member(client, officer, group):
    client.force_login(officer)
    token = token_of(client.get(f"{CREATE}?group={group.code}"))
    data = form_data(group, add_another="1", submission=token)

    first = client.post(f"{CREATE}?group={group.code}", data)
    again = client.post(f"{CREATE}?group={group.code}", data, follow=True)

    assert Member.objects.count() == 1
    saved = Member.objects.get()
    assert first["Location"] == f"{CREATE}?group={group.code}&after={saved.pk}"
    assert again.redirect_chain[0][0] == first["Location"]  # where the first one led
    assert f"Karimova Zebo was already added to the group {group.code}." in messages_of(again)


def test_the_same_form_sent_twice_after_confirming_a_namesake_saves_one_member(
    client, officer, group
):
    MemberFactory(group=GroupFactory(), surname="Karimova", given_name="Zebo", birth_year=1985)
    client.force_login(officer)
    token = token_of(client.get(f"{CREATE}?group={group.code}"))
    warned = client.post(f"{CREATE}?group={group.code}", form_data(group, submission=token))
    assert 'id="possible-duplicates"' in warned.content.decode()
    assert token_of(warned) == token  # the form shown again is the same submission
    data = form_data(group, submission=token, confirm_not_duplicate="on")

    client.post(f"{CREATE}?group={group.code}", data)
    client.post(f"{CREATE}?group={group.code}", data)

    assert Member.objects.filter(group=group).count() == 1


def test_without_a_token_the_duplicate_check_still_stops_a_second_copy(client, officer, group):
    client.force_login(officer)
    data = form_data(group, add_another="1")

    client.post(f"{CREATE}?group={group.code}", data)
    again = client.post(f"{CREATE}?group={group.code}", data)

    assert Member.objects.count() == 1
    assert again.status_code == 200
    assert 'id="possible-duplicates"' in again.content.decode()


def test_each_form_shown_has_its_own_token(client, officer, group):
    client.force_login(officer)

    first = token_of(client.get(f"{CREATE}?group={group.code}"))
    second = token_of(client.get(f"{CREATE}?group={group.code}"))

    assert first != second


# The group chooser -------------------------------------------------------------------------


def test_the_members_registry_offers_add_member_to_those_who_may(
    client, officer, manager_sughd, group
):
    client.force_login(officer)
    html = client.get("/members/").content.decode()
    assert f'href="{CHOOSE}" id="members-add"' in html

    client.force_login(manager_sughd)
    html = client.get("/members/").content.decode()
    assert 'id="members-add"' not in html
    assert client.get(CHOOSE).status_code == 403


def test_the_chooser_lists_the_groups_open_to_new_members(client, officer, group):
    second = GroupFactory(name="Guncha", village="Sabzikor")
    GroupFactory(name="Closed", status="dissolved", dissolved_on=datetime.date(2020, 1, 1))
    GroupFactory(name="Asht group", district=district("Asht"))
    GroupFactory(name="Rasht group", district=district("Rasht"))
    client.force_login(officer)

    response = client.get(CHOOSE)

    assert response.status_code == 200
    assert [g.code for g in response.context["groups"]] == [group.code, second.code]
    html = response.content.decode()
    assert f'href="{CREATE}?group={second.code}"' in html
    assert "Sabzikor, Devashtich" in html
    assert "Closed" not in html and "Asht group" not in html and "Rasht group" not in html


def test_a_chosen_group_opens_its_add_member_form(client, officer, group):
    GroupFactory()
    client.force_login(officer)
    html = client.get(CHOOSE).content.decode()
    url = re.search(rf'href="([^"]*group={group.code})"', html).group(1)

    response = client.get(url)

    assert response.status_code == 200
    assert response.context["form"]["group"].value() == group.code


def test_the_chooser_searches_as_the_groups_registry_does(client, officer, group):
    GroupFactory(name="Guncha")
    client.force_login(officer)

    response = client.get(CHOOSE, {"q": "гунча"})

    assert [g.name for g in response.context["groups"]] == ["Guncha"]


def test_with_one_group_the_chooser_goes_straight_to_its_form(client, officer, group):
    GroupFactory(name="Closed", status="dissolved", dissolved_on=datetime.date(2020, 1, 1))
    GroupFactory(district=district("Asht"))  # readable, not editable
    client.force_login(officer)

    response = client.get(CHOOSE)

    assert response.status_code == 302
    assert response["Location"] == f"{CREATE}?group={group.code}"


def test_a_search_finding_one_group_still_shows_it(client, officer, group):
    GroupFactory(name="Guncha")
    client.force_login(officer)

    response = client.get(CHOOSE, {"q": "Guncha"})

    assert response.status_code == 200
    assert len(response.context["groups"]) == 1


def test_the_chooser_says_when_there_is_no_group(client):
    user = field_officer("Asht", username="officer-no-groups")
    client.force_login(user)

    response = client.get(CHOOSE)

    assert response.status_code == 200
    assert 'id="choose-group-none"' in response.content.decode()


def test_admins_may_choose_any_group(client, group):
    rasht = GroupFactory(district=district("Rasht"))
    client.force_login(UserFactory(username="root", is_staff=True))

    response = client.get(CHOOSE)

    assert {g.code for g in response.context["groups"]} == {group.code, rasht.code}
