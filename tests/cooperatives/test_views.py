"""Cooperative pages and actions, each as the user in scope, a reader of the same province,
an outsider, a manager and an anonymous visitor."""

import datetime
from unittest import mock

import pytest
from django.contrib.messages import get_messages

from cooperatives import forms as cooperative_forms
from cooperatives.models import Cooperative, CooperativeMembership
from groups.models import ActivityType
from rmp_portal.core.concurrency import STALE_MESSAGE, version_of
from tests.factories import (
    CooperativeFactory,
    CooperativeMembershipFactory,
    GroupFactory,
    MemberFactory,
    UserFactory,
    district,
    field_officer,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def guncha():
    """Guncha of Devashtich: two current groups (3 women, 1 man), one former group."""
    cooperative = CooperativeFactory(
        name="Guncha",
        registration_number="520011482",
        formed_on=datetime.date(2011, 11, 22),
        description="Lemons and dairy products",
    )
    cooperative.branches.set(ActivityType.objects.filter(name="Lemon cultivation"))
    lola, bahor, former = GroupFactory.create_batch(3, established_on=datetime.date(2010, 4, 14))
    for group in (lola, bahor):
        CooperativeMembershipFactory(
            cooperative=cooperative, group=group, joined_on=datetime.date(2011, 11, 22)
        )
    CooperativeMembershipFactory(
        cooperative=cooperative,
        group=former,
        joined_on=datetime.date(2011, 11, 22),
        left_on=datetime.date(2018, 10, 1),
    )
    director = MemberFactory(group=lola, surname="Usmonova", given_name="Rukhsora")
    MemberFactory(group=lola)
    MemberFactory(group=bahor)
    MemberFactory(group=bahor, sex="M", surname="Oblokulov", given_name="Akbar")
    cooperative.director = director
    cooperative.save()
    return cooperative


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def counts() -> tuple[int, int]:
    return Cooperative.objects.count(), CooperativeMembership.objects.count()


# Detail


def test_it_shows_a_cooperative_to_the_officer_of_its_district(client, officer, guncha):
    client.force_login(officer)

    response = client.get(f"/cooperatives/{guncha.pk}/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "520011482" in page
    assert "Lemon cultivation" in page
    assert "Usmonova Rukhsora" in page
    assert "Lemons and dairy products" in page
    assert 'id="current-women">3<' in page
    assert 'id="current-men">1<' in page
    current = [m.group for m in response.context["current_memberships"]]
    former = [m.group for m in response.context["former_memberships"]]
    assert len(current) == 2
    assert len(former) == 1
    for group in current + former:
        assert f'href="/groups/{group.code}/"' in page
    assert "10/01/2018" in page  # the former group's date of leaving
    assert f'href="/cooperatives/{guncha.pk}/edit/"' in page
    assert "Leave cooperative" in page
    assert "Add a group" in page


def test_it_shows_a_cooperative_read_only_to_an_officer_of_the_same_province(
    client, officer_same_province, guncha
):
    client.force_login(officer_same_province)

    response = client.get(f"/cooperatives/{guncha.pk}/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Guncha" in page
    assert "/edit/" not in page
    assert "Leave cooperative" not in page
    assert "Add a group" not in page


def test_it_hides_a_cooperative_from_an_officer_of_another_province(
    client, officer_other_province, guncha
):
    client.force_login(officer_other_province)

    response = client.get(f"/cooperatives/{guncha.pk}/")

    assert response.status_code == 404
    assert "Guncha" not in response.content.decode()


def test_it_shows_a_cooperative_read_only_to_a_manager(client, manager_sughd, guncha):
    client.force_login(manager_sughd)

    response = client.get(f"/cooperatives/{guncha.pk}/")

    assert response.status_code == 200
    assert "/edit/" not in response.content.decode()
    assert "Leave cooperative" not in response.content.decode()


def test_it_hides_a_cooperative_from_a_manager_of_another_province(client, manager_rasht, guncha):
    client.force_login(manager_rasht)

    assert client.get(f"/cooperatives/{guncha.pk}/").status_code == 404


def test_it_sends_an_anonymous_visitor_to_sign_in_from_a_cooperative(client, guncha):
    response = client.get(f"/cooperatives/{guncha.pk}/")

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_it_answers_404_for_an_unknown_cooperative(client, officer):
    client.force_login(officer)

    assert client.get("/cooperatives/999999/").status_code == 404


# Forming a cooperative


def form_data(groups, **fields) -> dict:
    return {
        "groups": [g.pk for g in groups],
        "name": "Bahor",
        "registration_number": "",
        "district": district("Devashtich").pk,
        "formed_on": "2015-06-01",
        "status": "registered",
        "description": "",
    } | fields


def test_it_offers_only_groups_free_to_form_a_cooperative(client, officer):
    free = GroupFactory()
    inactive = GroupFactory(status="inactive")
    taken = CooperativeMembershipFactory().group
    asht = GroupFactory(district=district("Asht"))
    client.force_login(officer)

    response = client.get("/cooperatives/new/")

    assert response.status_code == 200
    assert list(response.context["form"].fields["groups"].queryset) == [free]
    page = response.content.decode()
    for group in (inactive, taken, asht):
        assert group.code not in page


def test_it_forms_a_cooperative_and_shows_its_groups(client, officer):
    groups = GroupFactory.create_batch(2)
    director = MemberFactory(group=groups[0], surname="Usmonova")
    branch = ActivityType.objects.get(name="Dairy processing")
    client.force_login(officer)

    response = client.post(
        "/cooperatives/new/",
        form_data(groups, director=director.pk, branches=[branch.pk], registration_number="77"),
    )

    cooperative = Cooperative.objects.get(name="Bahor")
    assert response.status_code == 302
    assert response.url == f"/cooperatives/{cooperative.pk}/"
    assert cooperative.director == director
    assert cooperative.registration_number == "77"
    assert {m.group for m in cooperative.memberships.all()} == set(groups)
    page = client.get(response.url)
    assert "Cooperative Bahor formed by 2 groups." in page.content.decode()
    for group in groups:
        assert group.code in page.content.decode()


@pytest.mark.parametrize(
    ("case", "field", "message"),
    [
        ("one group", "groups", "at least two groups"),
        ("already in a cooperative", "groups", "can no longer be chosen"),
        ("inactive", "groups", "can no longer be chosen"),
        ("out of scope", "groups", "can no longer be chosen"),
        ("not a number", "groups", "Choose groups from the list"),
        ("unknown id", "groups", "can no longer be chosen"),
        ("director elsewhere", "director", "current member of one of the chosen groups"),
        ("director unknown", "director", "Select a valid choice"),
        ("before established", "formed_on", "cannot be formed before its groups"),
        ("home district out of scope", "district", "Select a valid choice"),
        ("no name", "name", "This field is required"),
    ],
)
def test_it_refuses_a_bad_forming_with_a_form_error(client, officer, case, field, message):
    groups = GroupFactory.create_batch(2)
    other_free = GroupFactory()
    data = form_data(groups)
    if case == "one group":
        data["groups"] = [groups[0].pk]
    elif case == "already in a cooperative":
        data["groups"].append(CooperativeMembershipFactory().group.pk)
    elif case == "inactive":
        data["groups"].append(GroupFactory(status="inactive").pk)
    elif case == "out of scope":
        data["groups"].append(GroupFactory(district=district("Asht")).pk)
    elif case == "not a number":
        data["groups"].append("abc")
    elif case == "unknown id":
        data["groups"].append(999999)
    elif case == "director elsewhere":
        data["director"] = MemberFactory(group=other_free).pk
    elif case == "director unknown":
        data["director"] = MemberFactory(group=GroupFactory(district=district("Asht"))).pk
    elif case == "before established":
        data["formed_on"] = "2011-01-01"
    elif case == "home district out of scope":
        data["district"] = district("Asht").pk
    elif case == "no name":
        data["name"] = ""
    before = counts()
    client.force_login(officer)

    response = client.post("/cooperatives/new/", data)

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert message in " ".join(errors[field])
    assert "Nothing was saved" in response.content.decode()
    assert counts() == before


def test_it_refuses_groups_of_two_provinces_in_the_form(client):
    both = field_officer("Devashtich", "Rasht")
    groups = [GroupFactory(), GroupFactory(district=district("Rasht"))]
    client.force_login(both)

    response = client.post("/cooperatives/new/", form_data(groups))

    assert response.status_code == 200
    assert "all be in one province" in " ".join(response.context["form"].errors["groups"])
    assert counts() == (0, 0)


def test_it_narrows_the_forming_form_to_a_province(client):
    both = field_officer("Devashtich", "Rasht")
    devashtich, rasht = GroupFactory(), GroupFactory(district=district("Rasht"))
    client.force_login(both)

    everything = client.get("/cooperatives/new/")
    narrowed = client.get("/cooperatives/new/?province=RA")

    assert set(everything.context["form"].fields["groups"].queryset) == {devashtich, rasht}
    assert list(narrowed.context["form"].fields["groups"].queryset) == [rasht]
    assert "?province=SU" in everything.content.decode()


def test_a_group_claimed_after_validation_gives_a_form_error(client, officer):
    """Someone else puts a group in a cooperative between this form's validation and its
    save: a form error, not a 500, and nothing saved."""
    groups = GroupFactory.create_batch(2)
    rival = CooperativeFactory(name="Shirin")
    real_clean = cooperative_forms.CooperativeFormingForm.clean

    def clean_then_rival_claims(form):
        cleaned = real_clean(form)
        CooperativeMembership.objects.create(
            cooperative=rival, group=groups[1], joined_on=datetime.date(2015, 1, 1)
        )
        return cleaned

    client.force_login(officer)
    with mock.patch.object(
        cooperative_forms.CooperativeFormingForm, "clean", clean_then_rival_claims
    ):
        response = client.post("/cooperatives/new/", form_data(groups))

    assert response.status_code == 200
    assert "groups" in response.context["form"].errors
    assert not Cooperative.objects.filter(name="Bahor").exists()
    assert CooperativeMembership.objects.get().cooperative == rival


def test_a_manager_cannot_form_a_cooperative(client, manager_sughd):
    groups = GroupFactory.create_batch(2)
    client.force_login(manager_sughd)

    assert client.get("/cooperatives/new/").status_code == 403
    assert client.post("/cooperatives/new/", form_data(groups)).status_code == 403
    assert counts() == (0, 0)


def test_an_officer_cannot_form_a_cooperative_of_another_districts_groups(
    client, officer_same_province
):
    groups = GroupFactory.create_batch(2)  # Devashtich
    client.force_login(officer_same_province)

    response = client.post("/cooperatives/new/", form_data(groups, district=district("Asht").pk))

    assert response.status_code == 200
    assert "groups" in response.context["form"].errors
    assert counts() == (0, 0)


def test_it_sends_an_anonymous_visitor_to_sign_in_from_the_forming_form(client):
    assert client.get("/cooperatives/new/").status_code == 302


# Editing


def edit_data(cooperative, **fields) -> dict:
    return {
        "name": cooperative.name,
        "registration_number": cooperative.registration_number,
        "status": cooperative.status,
        "dissolved_on": "",
        "director": cooperative.director_id or "",
        "branches": [b.pk for b in cooperative.branches.all()],
        "description": cooperative.description,
        "version": version_of(cooperative),
    } | fields


def test_it_edits_a_cooperative(client, officer, guncha):
    client.force_login(officer)
    assert client.get(f"/cooperatives/{guncha.pk}/edit/").status_code == 200

    response = client.post(
        f"/cooperatives/{guncha.pk}/edit/", edit_data(guncha, description="Lemon trees")
    )

    assert response.status_code == 302
    guncha.refresh_from_db()
    assert guncha.description == "Lemon trees"
    assert "Cooperative Guncha saved." in messages_of(response)


def test_it_offers_only_current_members_of_current_groups_as_director(client, officer, guncha):
    former_group = guncha.memberships.get(left_on__isnull=False).group
    MemberFactory(group=former_group)
    client.force_login(officer)

    response = client.get(f"/cooperatives/{guncha.pk}/edit/")

    candidates = response.context["form"].fields["director"].queryset
    assert candidates.count() == 4
    assert former_group.pk not in {m.group_id for m in candidates}


def test_it_refuses_a_stale_edit(client, officer, guncha):
    client.force_login(officer)
    data = edit_data(guncha, name="Guncha Lemons")
    # Someone else saves in between.
    other = Cooperative.objects.get(pk=guncha.pk)
    other.name = "Guncha Dairy"
    other.save()

    response = client.post(f"/cooperatives/{guncha.pk}/edit/", data)

    assert response.status_code == 200
    assert str(STALE_MESSAGE) in messages_of(response)
    assert 'id="stale-changes"' in response.content.decode()
    assert "Guncha Dairy" in response.content.decode()
    assert Cooperative.objects.get(pk=guncha.pk).name == "Guncha Dairy"


def test_dissolving_a_cooperative_frees_its_groups(client, officer, guncha):
    client.force_login(officer)

    response = client.post(
        f"/cooperatives/{guncha.pk}/edit/",
        edit_data(guncha, status="dissolved", dissolved_on="2020-01-01"),
    )

    assert response.status_code == 302
    assert not guncha.memberships.filter(left_on__isnull=True).exists()
    guncha.refresh_from_db()
    assert guncha.director is None


def test_it_refuses_a_date_of_dissolution_without_dissolving(client, officer, guncha):
    client.force_login(officer)

    response = client.post(
        f"/cooperatives/{guncha.pk}/edit/", edit_data(guncha, dissolved_on="2020-01-01")
    )

    assert response.status_code == 200
    assert "Only a dissolved cooperative" in " ".join(
        response.context["form"].errors["dissolved_on"]
    )
    guncha.refresh_from_db()
    assert guncha.dissolved_on is None


@pytest.mark.parametrize("who", ["officer_same_province", "officer_other_province", "manager_all"])
def test_only_the_officer_of_its_district_may_edit_a_cooperative(client, guncha, who, request):
    client.force_login(request.getfixturevalue(who))

    assert client.get(f"/cooperatives/{guncha.pk}/edit/").status_code == 404
    response = client.post(f"/cooperatives/{guncha.pk}/edit/", edit_data(guncha, name="X"))
    assert response.status_code == 404
    assert Cooperative.objects.get(pk=guncha.pk).name == "Guncha"


def test_an_admin_may_edit_any_cooperative(client, guncha):
    client.force_login(UserFactory(is_staff=True))

    assert client.get(f"/cooperatives/{guncha.pk}/edit/").status_code == 200


# A group joins a cooperative


def test_a_group_joins_a_cooperative_from_its_page(client, officer, guncha):
    group = GroupFactory()
    client.force_login(officer)

    response = client.post(
        f"/cooperatives/groups/{group.code}/join/",
        {"cooperative": guncha.pk, "joined_on": "2016-03-01", "next": f"/groups/{group.code}/"},
    )

    assert response.status_code == 302
    assert response.url == f"/groups/{group.code}/"
    membership = group.cooperative_memberships.get()
    assert (membership.cooperative, membership.joined_on) == (guncha, datetime.date(2016, 3, 1))
    assert f"{group} joined the cooperative Guncha." in messages_of(response)


def test_joining_refuses_a_group_already_in_a_cooperative(client, officer, guncha):
    group = guncha.memberships.filter(left_on__isnull=True).first().group
    other = CooperativeFactory(name="Shirin")
    client.force_login(officer)

    response = client.post(
        f"/cooperatives/groups/{group.code}/join/",
        {"cooperative": other.pk, "joined_on": "2016-03-01"},
    )

    assert response.status_code == 302
    assert any("already in the cooperative Guncha" in m for m in messages_of(response))
    assert not other.memberships.exists()


@pytest.mark.parametrize("kind", ["another province", "dissolved"])
def test_joining_refuses_a_cooperative_not_open_to_the_group(client, officer, kind):
    if kind == "dissolved":
        cooperative = CooperativeFactory(status="dissolved", dissolved_on=datetime.date(2015, 1, 1))
    else:
        cooperative = CooperativeFactory(district=district("Rasht"))
    group = GroupFactory()
    client.force_login(officer)

    response = client.post(
        f"/cooperatives/groups/{group.code}/join/",
        {"cooperative": cooperative.pk, "joined_on": "2016-03-01"},
    )

    assert response.status_code == 302
    assert any("not dissolved" in m for m in messages_of(response))
    assert not CooperativeMembership.objects.exists()


def test_joining_refuses_a_bad_date_without_an_error_page(client, officer, guncha):
    group = GroupFactory()
    client.force_login(officer)

    response = client.post(
        f"/cooperatives/groups/{group.code}/join/",
        {"cooperative": guncha.pk, "joined_on": "2016-02-31"},
    )

    assert response.status_code == 302
    assert any("valid date" in m for m in messages_of(response))
    assert not group.cooperative_memberships.exists()


def test_joining_does_not_redirect_to_another_site(client, officer, guncha):
    group = GroupFactory()
    client.force_login(officer)

    response = client.post(
        f"/cooperatives/groups/{group.code}/join/",
        {"cooperative": guncha.pk, "joined_on": "2016-03-01", "next": "https://evil.example/"},
    )

    assert response.url == f"/groups/{group.code}/"


def test_joining_refuses_get(client, officer):
    group = GroupFactory()
    client.force_login(officer)

    assert client.get(f"/cooperatives/groups/{group.code}/join/").status_code == 405


@pytest.mark.parametrize("who", ["officer_same_province", "officer_other_province", "manager_all"])
def test_joining_is_not_found_for_a_group_outside_ones_districts(client, guncha, who, request):
    group = GroupFactory()
    client.force_login(request.getfixturevalue(who))

    response = client.post(
        f"/cooperatives/groups/{group.code}/join/",
        {"cooperative": guncha.pk, "joined_on": "2016-03-01"},
    )

    assert response.status_code == 404
    assert not group.cooperative_memberships.exists()


def test_joining_sends_an_anonymous_visitor_to_sign_in(client, guncha):
    group = GroupFactory()

    response = client.post(
        f"/cooperatives/groups/{group.code}/join/",
        {"cooperative": guncha.pk, "joined_on": "2016-03-01"},
    )

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
    assert not group.cooperative_memberships.exists()


def test_the_choose_page_offers_the_cooperatives_of_the_groups_province(client, officer, guncha):
    CooperativeFactory(name="Asali Rasht", district=district("Rasht"))
    CooperativeFactory(name="Gone", status="dissolved", dissolved_on=datetime.date(2015, 1, 1))
    group = GroupFactory()
    client.force_login(officer)

    response = client.get(f"/cooperatives/groups/{group.code}/choose/")

    assert response.status_code == 200
    assert list(response.context["join_form"].fields["cooperative"].queryset) == [guncha]


def test_the_choose_page_is_not_found_outside_ones_districts(client, officer_same_province):
    group = GroupFactory()
    client.force_login(officer_same_province)

    assert client.get(f"/cooperatives/groups/{group.code}/choose/").status_code == 404


# Adding a group from the cooperative's page


def test_a_group_is_added_from_the_cooperatives_page(client, officer, guncha):
    group = GroupFactory()
    client.force_login(officer)
    page = client.get(f"/cooperatives/{guncha.pk}/")
    assert group.code in page.content.decode()

    response = client.post(
        f"/cooperatives/{guncha.pk}/groups/add/", {"group": group.pk, "joined_on": "2016-03-01"}
    )

    assert response.status_code == 302
    assert response.url == f"/cooperatives/{guncha.pk}/"
    assert group.cooperative_memberships.get(left_on__isnull=True).cooperative == guncha


def test_adding_refuses_a_group_of_another_district(client, officer, guncha):
    asht = GroupFactory(district=district("Asht"))
    client.force_login(officer)

    response = client.post(
        f"/cooperatives/{guncha.pk}/groups/add/", {"group": asht.pk, "joined_on": "2016-03-01"}
    )

    assert response.status_code == 302
    assert any("Choose an active group of your districts" in m for m in messages_of(response))
    assert not asht.cooperative_memberships.exists()


def test_adding_refuses_get(client, officer, guncha):
    client.force_login(officer)

    assert client.get(f"/cooperatives/{guncha.pk}/groups/add/").status_code == 405


@pytest.mark.parametrize("who", ["officer_same_province", "officer_other_province", "manager_all"])
def test_adding_is_not_found_outside_ones_districts(client, guncha, who, request):
    group = GroupFactory(district=district("Asht"))
    client.force_login(request.getfixturevalue(who))

    response = client.post(
        f"/cooperatives/{guncha.pk}/groups/add/", {"group": group.pk, "joined_on": "2016-03-01"}
    )

    assert response.status_code == 404
    assert not group.cooperative_memberships.exists()


# A group leaves


def test_a_group_leaves_its_cooperative(client, officer, guncha):
    membership = guncha.memberships.filter(left_on__isnull=True).exclude(
        group=guncha.director.group
    )[0]
    client.force_login(officer)

    response = client.post(
        f"/cooperatives/memberships/{membership.pk}/leave/",
        {"left_on": "2019-05-01", "next": f"/cooperatives/{guncha.pk}/"},
    )

    assert response.status_code == 302
    assert response.url == f"/cooperatives/{guncha.pk}/"
    membership.refresh_from_db()
    assert membership.left_on == datetime.date(2019, 5, 1)
    assert f"{membership.group} left the cooperative Guncha." in messages_of(response)
    page = client.get(response.url).content.decode()
    assert "05/01/2019" in page


def test_leaving_clears_the_director_and_says_so(client, officer, guncha):
    membership = guncha.memberships.get(group=guncha.director.group)
    client.force_login(officer)

    response = client.post(
        f"/cooperatives/memberships/{membership.pk}/leave/", {"left_on": "2019-05-01"}
    )

    guncha.refresh_from_db()
    assert guncha.director is None
    assert any("has no director now" in m for m in messages_of(response))


def test_leaving_refuses_a_date_before_joining(client, officer, guncha):
    membership = guncha.memberships.filter(left_on__isnull=True)[0]
    client.force_login(officer)

    response = client.post(
        f"/cooperatives/memberships/{membership.pk}/leave/", {"left_on": "2005-01-01"}
    )

    assert response.status_code == 302
    assert any("before the date it joined" in m for m in messages_of(response))
    membership.refresh_from_db()
    assert membership.left_on is None


def test_leaving_refuses_get(client, officer, guncha):
    membership = guncha.memberships.filter(left_on__isnull=True)[0]
    client.force_login(officer)

    assert client.get(f"/cooperatives/memberships/{membership.pk}/leave/").status_code == 405


@pytest.mark.parametrize("who", ["officer_same_province", "officer_other_province", "manager_all"])
def test_leaving_is_not_found_outside_ones_districts(client, guncha, who, request):
    membership = guncha.memberships.filter(left_on__isnull=True)[0]
    client.force_login(request.getfixturevalue(who))

    response = client.post(
        f"/cooperatives/memberships/{membership.pk}/leave/", {"left_on": "2019-05-01"}
    )

    assert response.status_code == 404
    membership.refresh_from_db()
    assert membership.left_on is None


def test_the_officer_of_a_member_group_may_record_it_leaving_another_districts_cooperative(
    client, guncha
):
    asht_officer = field_officer("Asht")
    membership = CooperativeMembershipFactory(
        cooperative=guncha, group=GroupFactory(district=district("Asht"))
    )
    client.force_login(asht_officer)

    response = client.post(
        f"/cooperatives/memberships/{membership.pk}/leave/", {"left_on": "2019-05-01"}
    )

    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.left_on == datetime.date(2019, 5, 1)


# The group page's cooperative card


def test_the_group_page_offers_leaving_the_cooperative(client, officer, guncha):
    membership = guncha.memberships.filter(left_on__isnull=True)[0]
    client.force_login(officer)

    page = client.get(f"/groups/{membership.group.code}/").content.decode()

    assert f'action="/cooperatives/memberships/{membership.pk}/leave/"' in page
    assert "Join a cooperative" not in page


def test_the_group_page_offers_joining_a_cooperative(client, officer, guncha):
    group = GroupFactory()
    client.force_login(officer)

    page = client.get(f"/groups/{group.code}/").content.decode()

    assert "Join a cooperative" in page
    assert "Leave cooperative" not in page


def test_the_group_page_offers_joining_again_after_leaving(client, officer, guncha):
    group = guncha.memberships.get(left_on__isnull=False).group
    client.force_login(officer)

    page = client.get(f"/groups/{group.code}/").content.decode()

    assert "Join a cooperative" in page
    assert "Leave cooperative" not in page


# Signed out, or signed in without a role


def _urls(guncha) -> list[tuple[str, str]]:
    group = GroupFactory()
    membership = guncha.memberships.filter(left_on__isnull=True)[0]
    return [
        ("get", "/cooperatives/"),
        ("get", "/cooperatives/export/xlsx/"),
        ("get", f"/cooperatives/{guncha.pk}/"),
        ("get", "/cooperatives/new/"),
        ("post", "/cooperatives/new/"),
        ("get", f"/cooperatives/{guncha.pk}/edit/"),
        ("post", f"/cooperatives/{guncha.pk}/edit/"),
        ("post", f"/cooperatives/{guncha.pk}/groups/add/"),
        ("post", f"/cooperatives/groups/{group.code}/join/"),
        ("get", f"/cooperatives/groups/{group.code}/choose/"),
        ("post", f"/cooperatives/memberships/{membership.pk}/leave/"),
    ]


def test_every_page_sends_an_anonymous_visitor_to_sign_in(client, guncha):
    for method, url in _urls(guncha):
        response = getattr(client, method)(url)

        assert response.status_code == 302, url
        assert response.url.startswith("/accounts/login/"), url
    assert counts() == (1, 3)


def test_every_page_is_refused_to_a_user_without_a_role(client, no_role_user, guncha):
    client.force_login(no_role_user)

    for method, url in _urls(guncha):
        assert getattr(client, method)(url).status_code == 403, url
    assert counts() == (1, 3)
