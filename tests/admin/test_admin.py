"""Django admin: every page answers, changelists cost a constant number of queries, search
folds Latin/Cyrillic, PROTECT is honoured, and the group and user forms do their extra work."""

import datetime

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cooperatives.models import Cooperative, CooperativeMembership
from groups.models import District, GroupCodeCounter, Province, SelfHelpGroup
from members.models import Member
from rmp_portal.models import StaffProfile, Target
from tests import factories
from tests.factories import (
    CooperativeFactory,
    CooperativeMembershipFactory,
    GroupFactory,
    MemberFactory,
)

pytestmark = pytest.mark.django_db

User = get_user_model()
PROTECTED_MESSAGE = "would require deleting the following protected related objects"


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def inline_management_data(response) -> dict:
    """The management-form fields of every inline on an admin add/change page."""
    data = {}
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name in ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS"):
            data[f"{formset.prefix}-{name}"] = formset.management_form[name].value()
    return data


def count_queries(client, url: str):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response


def make_test_district(name: str) -> District:
    return District.objects.create(province=Province.objects.get(code="SU"), name=name)


@pytest.fixture
def registry(db):
    """One of everything: a group with a woman leader and a man, in a cooperative she
    directs, and a field officer."""
    group = GroupFactory(name="Guncha")
    leader = MemberFactory(group=group, role=Member.Role.LEADER, surname="Rahimova")
    MemberFactory(group=group, sex=Member.Sex.MALE, surname="Karimov", given_name="Jamshed")
    cooperative = CooperativeFactory(name="Guncha cooperative", director=leader)
    CooperativeMembershipFactory(cooperative=cooperative, group=group)
    factories.field_officer("Devashtich", username="officer")
    Target.objects.create(province=group.district.province, year=2026, groups=220)
    return group


# --- Every page answers -----------------------------------------------------------------------


OUR_APPS = {"groups", "members", "cooperatives", "rmp_portal"}


def test_it_registers_every_portal_model():
    registered = set(admin.site._registry)
    for app_label in OUR_APPS:
        for model in apps.get_app_config(app_label).get_models():
            if not model.__name__.startswith("Historical"):
                assert model in registered, model
    assert User in registered


def test_it_serves_every_changelist_add_and_change_page(admin_client, admin_user, registry):
    request = RequestFactory().get("/")
    request.user = admin_user
    for model, model_admin in admin.site._registry.items():
        changelist = admin_client.get(admin_url(model, "changelist"))
        assert changelist.status_code == 200, model
        if model._meta.app_label in OUR_APPS or model is User:
            # Rows are rendered, so every list_display column is exercised.
            assert changelist.context["cl"].result_count >= 1, model
        if model_admin.search_fields:
            searched = admin_client.get(admin_url(model, "changelist"), {"q": "Рахимова 92"})
            assert searched.status_code == 200, model

        add = admin_client.get(admin_url(model, "add"))
        # The code counter is read-only: numbers are only handed out by saving a group.
        may_add = model_admin.has_add_permission(request) and model is not GroupCodeCounter
        assert add.status_code == (200 if may_add else 403), model

        obj = model._default_manager.first()
        if obj is not None:
            change = admin_client.get(admin_url(model, "change", obj.pk))
            assert change.status_code == 200, model


def test_it_shows_history_of_groups_members_and_cooperatives(admin_client, registry):
    for model in (SelfHelpGroup, Member, Cooperative, CooperativeMembership):
        obj = model.objects.first()
        response = admin_client.get(admin_url(model, "history", obj.pk))
        assert response.status_code == 200, model
        assert len(response.context["page_obj"].object_list) >= 1, model


def test_the_group_changelist_shows_current_women_men_and_cooperative(admin_client, registry):
    MemberFactory(group=registry, left_on=datetime.date(2014, 1, 1))  # left: not counted
    response = admin_client.get(admin_url(SelfHelpGroup, "changelist"))
    (row,) = response.context["cl"].result_list
    assert (row.current_women, row.current_men) == (1, 1)
    assert row.cooperative_name == "Guncha cooperative"
    assert "Guncha cooperative" in response.content.decode()


def test_the_cooperative_changelist_counts_current_groups_and_members(admin_client, registry):
    cooperative = Cooperative.objects.get()
    # A group that left this cooperative for another one counts only in the other.
    other = GroupFactory()
    MemberFactory.create_batch(3, group=other)
    MemberFactory(group=other, left_on=datetime.date(2016, 1, 1))
    CooperativeMembershipFactory(
        cooperative=cooperative, group=other, left_on=datetime.date(2015, 1, 1)
    )
    CooperativeMembershipFactory(group=other, joined_on=datetime.date(2015, 2, 1))
    response = admin_client.get(admin_url(Cooperative, "changelist"))
    counts = {
        row.name: (row.current_groups, row.current_members)
        for row in response.context["cl"].result_list
    }
    assert counts.pop("Guncha cooperative") == (1, 2)
    assert list(counts.values()) == [(1, 3)]


def test_the_member_changelist_filters_current_and_left(admin_client, registry):
    gone = MemberFactory(group=registry, surname="Nazarova", left_on=datetime.date(2014, 1, 1))
    url = admin_url(Member, "changelist")
    left = admin_client.get(url, {"current": "no"}).context["cl"].result_list
    current = admin_client.get(url, {"current": "yes"}).context["cl"].result_list
    assert list(left) == [gone]
    assert gone not in current and len(current) == 2


# --- Constant number of queries ---------------------------------------------------------------


def make_groups(n: int) -> None:
    for _i in range(n):
        group = GroupFactory()
        MemberFactory(group=group, role=Member.Role.LEADER)
        MemberFactory(group=group, sex=Member.Sex.MALE)
        CooperativeMembershipFactory(group=group)


def make_members(n: int) -> None:
    MemberFactory.create_batch(n)


def make_cooperatives(n: int) -> None:
    for _i in range(n):
        membership = CooperativeMembershipFactory()
        director = MemberFactory(group=membership.group)
        Cooperative.objects.filter(pk=membership.cooperative_id).update(director=director)


def make_districts(n: int) -> None:
    start = District.objects.count()
    for i in range(n):
        GroupFactory(district=make_test_district(f"Test district {start + i}"))


def make_users(n: int) -> None:
    for _i in range(n):
        factories.field_officer("Devashtich", "Asht")


@pytest.mark.parametrize(
    ("model", "make_rows"),
    [
        (SelfHelpGroup, make_groups),
        (Member, make_members),
        (Cooperative, make_cooperatives),
        (District, make_districts),
        (User, make_users),
    ],
    ids=["groups", "members", "cooperatives", "districts", "users"],
)
def test_changelists_run_a_constant_number_of_queries(admin_client, model, make_rows):
    url = admin_url(model, "changelist")
    make_rows(2)
    admin_client.get(url)  # warm caches (content types, session) out of the measurement
    few_queries, few = count_queries(admin_client, url)
    make_rows(28)
    many_queries, many = count_queries(admin_client, url)
    assert many.context["cl"].result_count == few.context["cl"].result_count + 28
    assert len(many.context["cl"].result_list) >= 30
    assert many_queries == few_queries


# --- Search -----------------------------------------------------------------------------------


def test_member_search_finds_a_latin_name_typed_in_cyrillic(admin_client):
    rahimova = MemberFactory(surname="Rahimova", given_name="Gulnora")
    MemberFactory(surname="Usmonova", given_name="Nigora")
    response = admin_client.get(admin_url(Member, "changelist"), {"q": "Рахимова"})
    assert list(response.context["cl"].result_list) == [rahimova]


def test_member_search_finds_a_cyrillic_name_typed_in_latin(admin_client):
    nazarova = MemberFactory(surname="Назарова", given_name="Зарина")
    MemberFactory(surname="Usmonova", given_name="Nigora")
    response = admin_client.get(admin_url(Member, "changelist"), {"q": "Nazarova Zarina"})
    assert list(response.context["cl"].result_list) == [nazarova]


def test_member_search_finds_a_phone_number_however_written(admin_client):
    member = MemberFactory(surname="Usmonova", phone="+992 92 123-45-67")
    MemberFactory(surname="Rahimova", phone="+992 93 000 00 00")
    response = admin_client.get(admin_url(Member, "changelist"), {"q": "921234567"})
    assert list(response.context["cl"].result_list) == [member]


def test_district_search_finds_a_former_name_in_cyrillic(admin_client):
    response = admin_client.get(admin_url(District, "changelist"), {"q": "Ғончӣ"})
    assert [d.name for d in response.context["cl"].result_list] == ["Devashtich"]


def test_group_autocomplete_folds_the_search_too(admin_client):
    group = GroupFactory(name="Guncha")
    GroupFactory(name="Bahor")
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {
            "term": "Гунча",
            "app_label": "members",
            "model_name": "member",
            "field_name": "group",
        },
    )
    assert response.status_code == 200
    assert [r["id"] for r in response.json()["results"]] == [str(group.pk)]


# --- PROTECT ----------------------------------------------------------------------------------


def test_deleting_a_district_with_groups_is_refused(admin_client):
    district = make_test_district("Testobod")
    GroupFactory(district=district)
    url = admin_url(District, "delete", district.pk)

    page = admin_client.get(url)
    assert page.status_code == 200
    assert PROTECTED_MESSAGE in page.content.decode()

    response = admin_client.post(url, {"post": "yes"})
    assert response.status_code == 200
    assert PROTECTED_MESSAGE in response.content.decode()
    assert District.objects.filter(pk=district.pk).exists()


def test_deleting_a_district_without_groups_or_jamoats_is_allowed(admin_client):
    district = make_test_district("Testobod")
    response = admin_client.post(admin_url(District, "delete", district.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not District.objects.filter(pk=district.pk).exists()


def test_deleting_a_group_with_members_is_refused_also_in_bulk(admin_client):
    group = MemberFactory().group
    response = admin_client.post(admin_url(SelfHelpGroup, "delete", group.pk), {"post": "yes"})
    assert response.status_code == 200
    assert PROTECTED_MESSAGE in response.content.decode()

    bulk = admin_client.post(
        admin_url(SelfHelpGroup, "changelist"),
        {"action": "delete_selected", "_selected_action": [group.pk], "post": "yes"},
    )
    assert bulk.status_code == 200
    assert "protected related objects" in bulk.content.decode()
    assert SelfHelpGroup.objects.filter(pk=group.pk).exists()


# --- The group form ---------------------------------------------------------------------------


def group_form_data(client, **overrides) -> dict:
    page = client.get(admin_url(SelfHelpGroup, "add"))
    assert page.status_code == 200
    data = {
        "name": "Bahor",
        "status": SelfHelpGroup.Status.ACTIVE,
        "district": factories.district("Devashtich").pk,
        "jamoat": "",
        "village": "Yakhtan",
        "established_on": "2012-03-01",
        "dissolved_on": "",
        "notes": "",
        **inline_management_data(page),
    }
    data.update(overrides)
    return data


def test_adding_a_group_generates_its_code_and_records_who(admin_client, admin_user):
    data = group_form_data(admin_client)
    data.update(
        {
            "members-TOTAL_FORMS": "1",
            "members-0-surname": "Rahimova",
            "members-0-given_name": "Gulnora",
            "members-0-patronymic": "",
            "members-0-sex": "F",
            "members-0-role": "leader",
            "members-0-joined_on": "2012-03-01",
            "members-0-left_on": "",
            "members-0-migration_link": "migrant_family",
        }
    )
    response = admin_client.post(admin_url(SelfHelpGroup, "add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    group = SelfHelpGroup.objects.get(name="Bahor")
    assert group.code == "SU-0001"
    assert (group.created_by, group.updated_by) == (admin_user, admin_user)
    member = group.members.get()
    assert (member.created_by, member.updated_by) == (admin_user, admin_user)
    assert group.history.first().history_user == admin_user


def member_rows(*rows: dict) -> dict:
    data = {"members-TOTAL_FORMS": str(len(rows))}
    for i, row in enumerate(rows):
        values = {
            "surname": f"Rahimova{i}",
            "given_name": "Gulnora",
            "patronymic": "",
            "sex": "F",
            "role": "member",
            "joined_on": "2012-03-01",
            "left_on": "",
            "migration_link": "none",
            **row,
        }
        data.update({f"members-{i}-{key}": value for key, value in values.items()})
    return data


def inline_errors(response) -> str:
    return " ".join(
        str(error)
        for inline in response.context["inline_admin_formsets"]
        for error in [*inline.formset.non_form_errors(), *inline.formset.errors]
        if error
    )


def test_two_new_leaders_in_one_save_are_refused_with_a_message(admin_client):
    data = group_form_data(admin_client)
    data.update(member_rows({"role": "leader"}, {"role": "leader"}))
    response = admin_client.post(admin_url(SelfHelpGroup, "add"), data)
    assert response.status_code == 200
    assert "one current leader" in inline_errors(response)
    assert not SelfHelpGroup.objects.filter(name="Bahor").exists()


def test_a_man_as_leader_is_refused_on_the_group_page(admin_client):
    data = group_form_data(admin_client)
    data.update(member_rows({"role": "leader", "sex": "M", "given_name": "Jamshed"}))
    response = admin_client.post(admin_url(SelfHelpGroup, "add"), data)
    assert response.status_code == 200
    assert "led by women" in inline_errors(response)
    assert not Member.objects.exists()


def test_a_group_listed_twice_in_a_cooperative_is_refused(admin_client, registry):
    cooperative = Cooperative.objects.get()
    newcomer = GroupFactory()
    page = admin_client.get(admin_url(Cooperative, "change", cooperative.pk))
    data = {
        "name": cooperative.name,
        "registration_number": "",
        "district": cooperative.district_id,
        "status": cooperative.status,
        "formed_on": "2013-05-01",
        "dissolved_on": "",
        "director": cooperative.director_id,
        "description": "",
        **inline_management_data(page),
    }
    formset = page.context["inline_admin_formsets"][0].formset
    existing = formset.forms[0].instance
    rows = [
        {"id": existing.pk, "group": existing.group_id, "joined_on": "2013-05-01"},
        {"group": newcomer.pk, "joined_on": "2014-01-01"},
        {"group": newcomer.pk, "joined_on": "2014-02-01"},
    ]
    data[f"{formset.prefix}-TOTAL_FORMS"] = str(len(rows))
    for i, row in enumerate(rows):
        data.update({f"{formset.prefix}-{i}-{key}": value for key, value in row.items()})
        data.setdefault(f"{formset.prefix}-{i}-left_on", "")
        data[f"{formset.prefix}-{i}-cooperative"] = cooperative.pk
    response = admin_client.post(admin_url(Cooperative, "change", cooperative.pk), data)
    assert response.status_code == 200
    assert "listed twice" in inline_errors(response)
    assert not CooperativeMembership.objects.filter(group=newcomer).exists()

    # One row for the newcomer is accepted, and recorded who changed the cooperative.
    data[f"{formset.prefix}-TOTAL_FORMS"] = "2"
    response = admin_client.post(admin_url(Cooperative, "change", cooperative.pk), data)
    assert response.status_code == 302, inline_errors(response)
    assert CooperativeMembership.objects.filter(group=newcomer, left_on=None).count() == 1


def test_editing_a_group_records_who_changed_it_and_keeps_the_creator(admin_client, admin_user):
    creator = factories.UserFactory(username="creator")
    group = GroupFactory(created_by=creator)
    page = admin_client.get(admin_url(SelfHelpGroup, "change", group.pk))
    data = group_form_data(admin_client, name="Renamed", **inline_management_data(page))
    response = admin_client.post(admin_url(SelfHelpGroup, "change", group.pk), data)
    assert response.status_code == 302
    group.refresh_from_db()
    assert (group.name, group.created_by, group.updated_by) == ("Renamed", creator, admin_user)


def test_a_date_before_2010_needs_the_admin_override(admin_client):
    url = admin_url(SelfHelpGroup, "add")
    refused = admin_client.post(url, group_form_data(admin_client, established_on="2009-05-01"))
    assert refused.status_code == 200
    assert "established_on" in refused.context["adminform"].form.errors
    assert not SelfHelpGroup.objects.filter(name="Bahor").exists()

    data = group_form_data(
        admin_client, established_on="2009-05-01", allow_date_before_programme="on"
    )
    accepted = admin_client.post(url, data)
    assert accepted.status_code == 302
    group = SelfHelpGroup.objects.get(name="Bahor")
    assert group.established_on == datetime.date(2009, 5, 1)

    # Editing it later keeps the override ticked, so the early date survives a re-save.
    page = admin_client.get(admin_url(SelfHelpGroup, "change", group.pk))
    assert page.context["adminform"].form["allow_date_before_programme"].initial is True


def test_the_override_does_not_allow_a_date_in_the_future(admin_client):
    future = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
    data = group_form_data(admin_client, established_on=future, allow_date_before_programme="on")
    response = admin_client.post(admin_url(SelfHelpGroup, "add"), data)
    assert response.status_code == 200
    assert "established_on" in response.context["adminform"].form.errors


# --- Users and their portal role --------------------------------------------------------------


def user_form_data(client, user, **profile) -> dict:
    page = client.get(admin_url(User, "change", user.pk))
    data = {
        "username": user.username,
        "first_name": "",
        "last_name": "",
        "email": user.email,
        "is_active": "on",
        "date_joined_0": "2024-01-15",
        "date_joined_1": "09:00:00",
        **inline_management_data(page),
    }
    prefix = next(
        inline.formset.prefix
        for inline in page.context["inline_admin_formsets"]
        if inline.formset.model is StaffProfile
    )
    data[f"{prefix}-TOTAL_FORMS"] = "1"
    data.update({f"{prefix}-0-{key}": value for key, value in profile.items()})
    return data


def test_the_user_page_assigns_a_field_officer_to_districts(admin_client):
    user = factories.UserFactory(username="newcomer")
    page = admin_client.get(admin_url(User, "change", user.pk))
    assert StaffProfile in [i.formset.model for i in page.context["inline_admin_formsets"]]

    districts = [factories.district("Devashtich").pk, factories.district("Asht").pk]
    data = user_form_data(
        admin_client, user, role=StaffProfile.Role.FIELD_OFFICER, districts=districts, language=""
    )
    response = admin_client.post(admin_url(User, "change", user.pk), data)
    assert response.status_code == 302
    profile = StaffProfile.objects.get(user=user)
    assert profile.role == StaffProfile.Role.FIELD_OFFICER
    assert sorted(profile.districts.values_list("pk", flat=True)) == sorted(districts)
    # The role puts the user in its permission group.
    assert list(user.groups.values_list("name", flat=True)) == ["Field officers"]

    listing = admin_client.get(admin_url(User, "changelist"))
    assert "field officer" in listing.content.decode()


def test_the_user_page_refuses_a_programme_wide_field_officer(admin_client):
    user = factories.UserFactory(username="newcomer")
    data = user_form_data(
        admin_client, user, role=StaffProfile.Role.FIELD_OFFICER, programme_wide="on", language=""
    )
    response = admin_client.post(admin_url(User, "change", user.pk), data)
    assert response.status_code == 200
    assert not StaffProfile.objects.filter(user=user).exists()
