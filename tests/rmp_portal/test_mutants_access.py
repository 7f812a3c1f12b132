"""A user's scope, exactly: what each role reaches (rmp_portal.selectors.staff_scope), how
rmp_portal.core.access resolves it once per request and applies it to querysets.

Written against the survivors of `make mutation` in rmp_portal/core/access.py and
rmp_portal/selectors.py (docs/testing.md)."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured, ValidationError

from groups.models import District, Province, SelfHelpGroup
from members import services as member_services
from members.models import Member
from rmp_portal import selectors as staff
from rmp_portal.core import access
from rmp_portal.core.access import NO_ROLE, Scope
from rmp_portal.models import StaffProfile
from tests import factories
from tests.factories import GroupFactory, UserFactory, district

pytestmark = pytest.mark.django_db


def ids(queryset) -> frozenset[int]:
    return frozenset(queryset.values_list("id", flat=True))


def sughd() -> Province:
    return Province.objects.get(code="SU")


# staff_scope: every role's reach


@pytest.mark.parametrize("flags", [{"is_staff": True}, {"is_superuser": True}])
def test_django_staff_or_superusers_are_admins(flags):
    user = UserFactory(**flags)

    assert staff.staff_scope(user) == Scope(
        role="admin",
        edit_district_ids=frozenset(),
        read_province_ids=None,
        personal_district_ids=None,
        dashboard_province_ids=None,
    )
    scope = access.scope_for(user)
    assert scope.is_admin and scope.can_edit and scope.has_role
    assert scope.may_edit_district(district("Rasht").pk)
    assert scope.may_see_dashboard(sughd().pk)


def test_a_user_without_a_staff_profile_has_no_role():
    user = UserFactory()

    assert staff.staff_scope(user) is NO_ROLE
    assert not access.scope_for(user).has_role


def test_a_field_officer_edits_her_districts_and_reads_their_provinces():
    user = factories.field_officer("Devashtich", "Rasht")
    districts = frozenset({district("Devashtich").pk, district("Rasht").pk})

    assert staff.staff_scope(user) == Scope(
        role="field_officer",
        edit_district_ids=districts,
        read_province_ids=frozenset(
            {district("Devashtich").province_id, district("Rasht").province_id}
        ),
        personal_district_ids=districts,
        dashboard_province_ids=None,
    )


def test_a_field_officer_without_districts_has_no_role():
    user = UserFactory()
    StaffProfile.objects.create(user=user, role=StaffProfile.Role.FIELD_OFFICER)

    assert staff.staff_scope(user) is NO_ROLE


def test_a_programme_wide_manager_reads_everything_and_edits_nothing():
    user = factories.manager(programme_wide=True)

    assert staff.staff_scope(user) == Scope(
        role="manager",
        edit_district_ids=frozenset(),
        read_province_ids=None,
        personal_district_ids=None,
        dashboard_province_ids=None,
    )
    assert not access.scope_for(user).can_edit


def test_a_provinces_manager_reads_her_provinces_with_their_personal_data():
    user = factories.manager("SU")

    assert staff.staff_scope(user) == Scope(
        role="manager",
        edit_district_ids=frozenset(),
        read_province_ids=frozenset({sughd().pk}),
        personal_district_ids=ids(District.objects.filter(province=sughd())),
        dashboard_province_ids=frozenset({sughd().pk}),
    )


def test_a_manager_without_provinces_has_no_role():
    user = UserFactory()
    StaffProfile.objects.create(user=user, role=StaffProfile.Role.MANAGER)

    assert staff.staff_scope(user) is NO_ROLE


def test_a_role_the_portal_does_not_know_reaches_nothing():
    user = UserFactory()
    user.staff_profile = StaffProfile(user=user, role="auditor")  # the database refuses it

    assert staff.staff_scope(user) is NO_ROLE


# scope_for: once per request, signed-in active users only


def test_the_scope_is_resolved_once_and_kept_on_the_user(django_assert_num_queries):
    user = get_user_model().objects.get(pk=factories.field_officer("Devashtich").pk)

    with django_assert_num_queries(3):  # profile, districts, provinces
        first = access.scope_for(user)
    with django_assert_num_queries(0):
        assert access.scope_for(user) is first
    assert user._rmp_scope is first


def test_an_inactive_user_has_no_scope_and_changes_nothing():
    user = factories.field_officer("Devashtich")
    user.is_active = False
    user.save()
    group = GroupFactory()

    assert access.scope_for(user) is NO_ROLE
    with pytest.raises(ValidationError, match="You cannot add members to this group"):
        member_services.member_create(
            user=user,
            data={"group": group, "surname": "Karimova", "given_name": "Zebo", "sex": "F"},
        )
    assert not Member.objects.exists()


def test_an_anonymous_visitor_has_no_scope():
    from django.contrib.auth.models import AnonymousUser

    assert access.scope_for(AnonymousUser()) is NO_ROLE


def test_the_registered_resolver_computes_the_scope(monkeypatch):
    monkeypatch.setattr(access, "_resolver", access._resolver)  # restored after the test
    seen = []

    def resolver(user):
        seen.append(user)
        return Scope(role="manager", read_province_ids=frozenset({7}))

    access.register_scope_resolver(resolver)
    user = UserFactory()

    assert access.scope_for(user).read_province_ids == frozenset({7})
    assert seen == [user]


def test_without_a_resolver_the_scope_is_a_configuration_error(monkeypatch):
    monkeypatch.setattr(access, "_resolver", None)

    with pytest.raises(ImproperlyConfigured) as caught:
        access.scope_for(UserFactory())

    assert str(caught.value) == "No scope resolver is registered (core.access)."


# The Scope's answers and the queryset filters


def test_a_scope_answers_for_its_districts_and_provinces():
    scope = Scope(
        role="field_officer",
        edit_district_ids=frozenset({1, 2}),
        read_province_ids=frozenset({10}),
        personal_district_ids=frozenset({1}),
        dashboard_province_ids=frozenset({10, 11}),
    )

    assert (scope.may_edit_district(2), scope.may_edit_district(3)) == (True, False)
    assert (scope.may_read_province(10), scope.may_read_province(11)) == (True, False)
    assert (scope.may_see_personal_data(1), scope.may_see_personal_data(2)) == (True, False)
    assert (scope.may_see_dashboard(11), scope.may_see_dashboard(12)) == (True, False)
    everything = Scope(
        role="manager",
        read_province_ids=None,
        personal_district_ids=None,
        dashboard_province_ids=None,
    )
    assert everything.may_read_province(99) and everything.may_see_personal_data(99)
    assert everything.may_see_dashboard(99)
    assert not NO_ROLE.can_edit and not NO_ROLE.has_role and not NO_ROLE.is_admin


def test_may_see_personal_data_follows_the_users_scope():
    user = factories.field_officer("Devashtich")

    assert access.may_see_personal_data(user, district("Devashtich").pk)
    assert not access.may_see_personal_data(user, district("Asht").pk)
    assert access.may_see_personal_data(factories.manager(programme_wide=True), None)


def test_the_queryset_filters_apply_the_scope():
    devashtich = GroupFactory(district=district("Devashtich"))
    asht = GroupFactory(district=district("Asht"))
    rasht = GroupFactory(district=district("Rasht"))
    groups = SelfHelpGroup.objects.all()
    officer = access.scope_for(factories.field_officer("Devashtich"))
    manager = access.scope_for(factories.manager("RA"))

    assert ids(access.by_district(groups, officer, "district_id")) == {devashtich.pk}
    assert ids(access.by_province(groups, officer, "district__province_id")) == {
        devashtich.pk,
        asht.pk,
    }
    assert ids(access.by_dashboard_province(groups, officer, "district__province_id")) == {
        devashtich.pk,
        asht.pk,
        rasht.pk,
    }
    assert ids(access.by_dashboard_province(groups, manager, "district__province_id")) == {rasht.pk}
    assert ids(access.by_district(groups, manager, "district_id")) == frozenset()
