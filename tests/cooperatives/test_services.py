"""Writes of cooperatives: forming one of groups, editing it, groups joining and leaving. Each
is all-or-nothing; a race on a group is refused with a message, never a 500."""

import datetime
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cooperatives import services
from cooperatives.models import Cooperative, CooperativeMembership
from groups.models import ActivityType
from rmp_portal.core.concurrency import StaleEdit, version_of
from tests.factories import (
    CooperativeFactory,
    CooperativeMembershipFactory,
    GroupFactory,
    MemberFactory,
    district,
    field_officer,
)

pytestmark = pytest.mark.django_db

FORMED = datetime.date(2015, 6, 1)


def counts() -> tuple[int, int]:
    return Cooperative.objects.count(), CooperativeMembership.objects.count()


def form(officer, groups, **fields):
    values = {
        "name": "Guncha",
        "district": district("Devashtich"),
        "formed_on": FORMED,
        "status": Cooperative.Status.REGISTERED,
    }
    return services.cooperative_form(user=officer, groups=groups, **(values | fields))


def errors_of(call) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value.message_dict


# Forming


def test_it_forms_a_cooperative_with_its_groups(officer):
    groups = GroupFactory.create_batch(3)
    director = MemberFactory(group=groups[1])
    lemons = ActivityType.objects.get(name="Lemon cultivation")

    cooperative = form(officer, groups, director=director, branches=[lemons])

    cooperative.refresh_from_db()
    assert cooperative.director == director
    assert list(cooperative.branches.all()) == [lemons]
    assert cooperative.created_by == officer
    memberships = cooperative.memberships.all()
    assert {m.group for m in memberships} == set(groups)
    assert {m.joined_on for m in memberships} == {FORMED}
    assert {m.left_on for m in memberships} == {None}


def test_it_refuses_fewer_than_two_groups(officer):
    errors = errors_of(lambda: form(officer, [GroupFactory()]))

    assert "at least two groups" in " ".join(errors["groups"])
    assert counts() == (0, 0)


def test_it_refuses_groups_of_two_provinces(officer):
    rasht = GroupFactory(district=district("Rasht"))

    errors = errors_of(lambda: form(officer, [GroupFactory(), rasht]))

    assert "all be in one province" in " ".join(errors["groups"])
    assert counts() == (0, 0)


def test_it_refuses_a_group_already_in_a_cooperative(officer):
    taken = CooperativeMembershipFactory(cooperative=CooperativeFactory(name="Shirin")).group
    before = counts()

    errors = errors_of(lambda: form(officer, [GroupFactory(), taken]))

    assert "Already in a cooperative" in " ".join(errors["groups"])
    assert counts() == before


def test_it_refuses_an_inactive_group(officer):
    inactive = GroupFactory(status="inactive")

    errors = errors_of(lambda: form(officer, [GroupFactory(), inactive]))

    assert "Only active groups" in " ".join(errors["groups"])
    assert counts() == (0, 0)


def test_it_refuses_a_group_outside_the_officers_districts(officer):
    asht = GroupFactory(district=district("Asht"))

    errors = errors_of(lambda: form(officer, [GroupFactory(), asht]))

    assert "groups of your districts" in " ".join(errors["groups"])
    assert counts() == (0, 0)


def test_it_refuses_a_home_district_outside_the_officers_districts(officer):
    errors = errors_of(
        lambda: form(officer, GroupFactory.create_batch(2), district=district("Asht"))
    )

    assert "district" in errors
    assert counts() == (0, 0)


def test_it_refuses_a_home_district_in_another_province():
    both = field_officer("Devashtich", "Rasht")

    errors = errors_of(lambda: form(both, GroupFactory.create_batch(2), district=district("Rasht")))

    assert "in the groups' province" in " ".join(errors["district"])


def test_it_refuses_forming_before_a_group_was_established(officer):
    young = GroupFactory(established_on=datetime.date(2016, 1, 1))

    errors = errors_of(lambda: form(officer, [GroupFactory(), young]))

    assert "cannot be formed before its groups" in " ".join(errors["formed_on"])
    assert counts() == (0, 0)


def test_it_refuses_forming_in_the_future(officer):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    errors = errors_of(lambda: form(officer, GroupFactory.create_batch(2), formed_on=tomorrow))

    assert "formed_on" in errors
    assert counts() == (0, 0)


def test_it_refuses_a_director_who_is_not_a_member_of_the_groups(officer):
    outsider = MemberFactory()

    errors = errors_of(lambda: form(officer, GroupFactory.create_batch(2), director=outsider))

    assert "current member of one of the chosen groups" in " ".join(errors["director"])
    assert counts() == (0, 0)


def test_it_refuses_a_director_who_left_her_group(officer):
    groups = GroupFactory.create_batch(2)
    former = MemberFactory(group=groups[0], left_on=datetime.date(2014, 1, 1))

    errors = errors_of(lambda: form(officer, groups, director=former))

    assert "director" in errors
    assert counts() == (0, 0)


def test_it_refuses_a_dissolved_status_for_a_new_cooperative(officer):
    errors = errors_of(lambda: form(officer, GroupFactory.create_batch(2), status="dissolved"))

    assert "status" in errors


def test_it_saves_nothing_when_the_second_membership_fails(officer):
    groups = GroupFactory.create_batch(3)
    real_save = CooperativeMembership.save
    calls = []

    def failing_save(self, *args, **kwargs):
        calls.append(self.group_id)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real_save(self, *args, **kwargs)

    with (
        mock.patch.object(CooperativeMembership, "save", failing_save),
        pytest.raises(RuntimeError),
    ):
        form(officer, groups)

    assert len(calls) == 2
    assert counts() == (0, 0)


def test_it_turns_a_group_claimed_meanwhile_into_a_message(officer):
    """Another transaction claims a group after this one checked it: the database's
    one-current-cooperative rule refuses the row, and the user gets a message."""
    groups = GroupFactory.create_batch(2)
    other = CooperativeFactory(name="Shirin")
    real_full_clean = CooperativeMembership.full_clean

    def checked_then_claimed(self, *args, **kwargs):
        real_full_clean(self, *args, **kwargs)
        if self.group_id == groups[1].pk:
            CooperativeMembership.objects.create(
                cooperative=other, group=groups[1], joined_on=FORMED
            )

    with mock.patch.object(CooperativeMembership, "full_clean", checked_then_claimed):
        errors = errors_of(lambda: form(officer, groups))

    assert "has just joined another cooperative" in " ".join(errors["groups"])
    # The test's own claim was inside the refused transaction too: nothing of the form is
    # left, and the group is free.
    assert counts() == (1, 0)


def test_it_refuses_a_group_claimed_between_form_and_save(officer):
    groups = GroupFactory.create_batch(2)
    real_lock = services._lock_groups

    def claim_then_lock(ids):
        CooperativeMembershipFactory(group=groups[0])
        return real_lock(ids)

    with mock.patch.object(services, "_lock_groups", claim_then_lock):
        errors = errors_of(lambda: form(officer, groups))

    assert "groups" in errors
    assert Cooperative.objects.filter(name="Guncha").count() == 0


# Editing


def edit(cooperative, user, version=None, **changes):
    data = {
        "name": cooperative.name,
        "registration_number": cooperative.registration_number,
        "status": cooperative.status,
        "dissolved_on": cooperative.dissolved_on,
        "director": cooperative.director,
        "description": cooperative.description,
        "branches": list(cooperative.branches.all()),
    } | changes
    return services.cooperative_update(
        cooperative=cooperative,
        user=user,
        data=data,
        version=version_of(cooperative) if version is None else version,
    )


def test_it_saves_an_edit(officer):
    cooperative = CooperativeFactory()

    edit(cooperative, officer, name="Guncha", description="Lemons")

    cooperative.refresh_from_db()
    assert (cooperative.name, cooperative.description) == ("Guncha", "Lemons")
    assert cooperative.updated_by == officer


def test_it_refuses_a_stale_edit(officer):
    cooperative = CooperativeFactory(name="Guncha")
    loaded = version_of(cooperative)
    other = Cooperative.objects.get(pk=cooperative.pk)
    other.name = "Guncha-2"
    other.save()

    with pytest.raises(StaleEdit) as caught:
        edit(cooperative, officer, version=loaded, name="Guncha-1")

    assert caught.value.changes[0]["theirs"] == "Guncha-2"
    assert Cooperative.objects.get(pk=cooperative.pk).name == "Guncha-2"


def test_dissolving_closes_the_memberships_and_clears_the_director(officer):
    membership = CooperativeMembershipFactory()
    cooperative = membership.cooperative
    cooperative.director = MemberFactory(group=membership.group)
    cooperative.save()
    day = datetime.date(2020, 1, 1)

    edit(cooperative, officer, status="dissolved", dissolved_on=day)

    membership.refresh_from_db()
    cooperative.refresh_from_db()
    assert membership.left_on == day
    assert cooperative.director is None
    assert cooperative.dissolved_on == day


def test_it_refuses_dissolving_without_a_date(officer):
    cooperative = CooperativeFactory()

    errors = errors_of(lambda: edit(cooperative, officer, status="dissolved"))

    assert "dissolved_on" in errors
    assert Cooperative.objects.get(pk=cooperative.pk).status == "registered"


def test_it_refuses_dissolving_before_a_group_joined(officer):
    membership = CooperativeMembershipFactory(joined_on=datetime.date(2019, 1, 1))

    errors = errors_of(
        lambda: edit(
            membership.cooperative,
            officer,
            status="dissolved",
            dissolved_on=datetime.date(2018, 1, 1),
        )
    )

    assert "dissolved_on" in errors
    membership.refresh_from_db()
    assert membership.left_on is None


# Joining and leaving


def test_a_group_joins_a_cooperative(officer):
    cooperative = CooperativeFactory()
    group = GroupFactory()

    membership = services.group_join_cooperative(
        user=officer, group=group, cooperative=cooperative, joined_on=datetime.date(2016, 1, 1)
    )

    assert membership.pk
    assert group.cooperative_memberships.get(left_on__isnull=True).cooperative == cooperative


def join_errors(officer, group, cooperative, joined_on=datetime.date(2016, 1, 1)) -> str:
    with pytest.raises(ValidationError) as caught:
        services.group_join_cooperative(
            user=officer, group=group, cooperative=cooperative, joined_on=joined_on
        )
    return " ".join(caught.value.messages)


def test_it_refuses_a_group_joining_while_in_a_cooperative(officer):
    membership = CooperativeMembershipFactory(cooperative=CooperativeFactory(name="Shirin"))

    message = join_errors(officer, membership.group, CooperativeFactory())

    assert "already in the cooperative Shirin" in message
    assert CooperativeMembership.objects.count() == 1


def test_it_refuses_joining_a_cooperative_of_another_province(officer):
    rasht = CooperativeFactory(district=district("Rasht"))

    message = join_errors(officer, GroupFactory(), rasht)

    assert "of its own province" in message
    assert CooperativeMembership.objects.count() == 0


def test_it_refuses_joining_a_dissolved_cooperative(officer):
    dissolved = CooperativeFactory(
        name="Gone", status="dissolved", dissolved_on=datetime.date(2015, 1, 1)
    )

    assert "Gone is dissolved" in join_errors(officer, GroupFactory(), dissolved)
    assert CooperativeMembership.objects.count() == 0


def test_it_refuses_joining_before_the_cooperative_was_formed(officer):
    cooperative = CooperativeFactory(formed_on=datetime.date(2016, 1, 1))

    message = join_errors(officer, GroupFactory(), cooperative, datetime.date(2015, 12, 31))

    assert "cannot join it earlier" in message


def test_it_refuses_joining_before_leaving_the_previous_cooperative(officer):
    left = CooperativeMembershipFactory(left_on=datetime.date(2017, 1, 1))

    message = join_errors(officer, left.group, CooperativeFactory(), datetime.date(2016, 6, 1))

    assert "left its previous cooperative" in message


def test_it_refuses_an_inactive_group_joining(officer):
    message = join_errors(officer, GroupFactory(status="inactive"), CooperativeFactory())

    assert "Only an active group" in message


def test_a_group_leaves_a_cooperative(officer):
    membership = CooperativeMembershipFactory()

    result = services.group_leave_cooperative(
        user=officer, membership=membership, left_on=datetime.date(2018, 1, 1)
    )

    membership.refresh_from_db()
    assert membership.left_on == datetime.date(2018, 1, 1)
    assert result.director_cleared is False


def test_leaving_clears_the_director_from_that_group(officer):
    membership = CooperativeMembershipFactory()
    cooperative = membership.cooperative
    cooperative.director = MemberFactory(group=membership.group)
    cooperative.save()

    result = services.group_leave_cooperative(
        user=officer, membership=membership, left_on=datetime.date(2018, 1, 1)
    )

    cooperative.refresh_from_db()
    assert result.director_cleared is True
    assert cooperative.director is None


def test_leaving_keeps_a_director_from_another_group(officer):
    stays = CooperativeMembershipFactory()
    cooperative = stays.cooperative
    leaves = CooperativeMembershipFactory(cooperative=cooperative)
    cooperative.director = MemberFactory(group=stays.group)
    cooperative.save()

    services.group_leave_cooperative(
        user=officer, membership=leaves, left_on=datetime.date(2018, 1, 1)
    )

    cooperative.refresh_from_db()
    assert cooperative.director is not None


def test_it_refuses_leaving_before_joining(officer):
    membership = CooperativeMembershipFactory(joined_on=datetime.date(2016, 1, 1))

    with pytest.raises(ValidationError):
        services.group_leave_cooperative(
            user=officer, membership=membership, left_on=datetime.date(2015, 1, 1)
        )

    membership.refresh_from_db()
    assert membership.left_on is None


def test_it_refuses_leaving_in_the_future(officer):
    membership = CooperativeMembershipFactory()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    with pytest.raises(ValidationError, match="cannot be in the future"):
        services.group_leave_cooperative(user=officer, membership=membership, left_on=tomorrow)


def test_it_refuses_leaving_twice(officer):
    membership = CooperativeMembershipFactory(left_on=datetime.date(2017, 1, 1))

    with pytest.raises(ValidationError, match="already left"):
        services.group_leave_cooperative(
            user=officer, membership=membership, left_on=datetime.date(2018, 1, 1)
        )
