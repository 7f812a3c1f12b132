"""Database rules of cooperatives and of their groups' memberships, each proven twice: the
database refuses the bad row however it is written, and full_clean() names the field with a
message."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from cooperatives.models import Cooperative, CooperativeMembership
from groups.models import District
from tests.factories import (
    CooperativeFactory,
    CooperativeMembershipFactory,
    GroupFactory,
    MemberFactory,
)

pytestmark = pytest.mark.django_db


def errors_of(instance) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        instance.full_clean()
    return caught.value.message_dict


def new_cooperative(**fields) -> Cooperative:
    """Write a cooperative straight to the database, bypassing Python validation."""
    values = {
        "name": "Guncha",
        "district": District.objects.get(name="Devashtich"),
        "formed_on": datetime.date(2013, 5, 1),
    }
    return Cooperative.objects.create(**(values | fields))


# Dates of a group's membership


def test_the_database_refuses_a_group_leaving_a_cooperative_before_joining():
    with pytest.raises(IntegrityError), transaction.atomic():
        CooperativeMembership.objects.create(
            cooperative=CooperativeFactory(),
            group=GroupFactory(),
            joined_on=datetime.date(2014, 6, 2),
            left_on=datetime.date(2014, 6, 1),
        )


def test_the_database_refuses_an_update_to_leave_a_cooperative_before_joining():
    membership = CooperativeMembershipFactory(joined_on=datetime.date(2014, 6, 2))

    with pytest.raises(IntegrityError), transaction.atomic():
        CooperativeMembership.objects.filter(pk=membership.pk).update(
            left_on=datetime.date(2014, 6, 1)
        )


def test_it_refuses_a_group_leaving_a_cooperative_before_joining():
    membership = CooperativeMembershipFactory.build(
        cooperative=CooperativeFactory(),
        group=GroupFactory(),
        joined_on=datetime.date(2014, 6, 2),
        left_on=datetime.date(2014, 6, 1),
    )

    assert "cannot leave a cooperative before" in " ".join(errors_of(membership)["left_on"])


def test_it_accepts_a_group_leaving_on_the_day_it_joined():
    membership = CooperativeMembershipFactory(
        joined_on=datetime.date(2014, 6, 2), left_on=datetime.date(2014, 6, 2)
    )

    membership.full_clean()


# One cooperative at a time


def test_the_database_refuses_a_group_in_two_cooperatives_at_once():
    membership = CooperativeMembershipFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        CooperativeMembership.objects.create(
            cooperative=CooperativeFactory(),
            group=membership.group,
            joined_on=datetime.date(2016, 1, 1),
        )


def test_the_database_refuses_reopening_a_closed_membership_beside_a_current_one():
    closed = CooperativeMembershipFactory(left_on=datetime.date(2015, 12, 31))
    CooperativeMembershipFactory(group=closed.group, joined_on=datetime.date(2016, 1, 1))

    with pytest.raises(IntegrityError), transaction.atomic():
        CooperativeMembership.objects.filter(pk=closed.pk).update(left_on=None)


def test_it_refuses_a_group_joining_a_second_cooperative():
    membership = CooperativeMembershipFactory(cooperative=CooperativeFactory(name="Guncha"))
    second = CooperativeMembershipFactory.build(
        cooperative=CooperativeFactory(), group=membership.group
    )

    message = " ".join(errors_of(second)["group"])
    assert "already in the cooperative Guncha" in message


def test_it_accepts_a_group_joining_another_cooperative_after_leaving_the_first():
    first = CooperativeMembershipFactory(left_on=datetime.date(2015, 12, 31))
    second = CooperativeMembershipFactory.build(
        cooperative=CooperativeFactory(),
        group=first.group,
        joined_on=datetime.date(2016, 1, 1),
    )

    second.full_clean()
    second.save()
    assert first.group.cooperative_memberships.filter(left_on__isnull=True).get() == second


def test_it_accepts_different_groups_in_one_cooperative():
    cooperative = CooperativeFactory()
    CooperativeMembershipFactory(cooperative=cooperative)
    another = CooperativeMembershipFactory.build(cooperative=cooperative, group=GroupFactory())

    another.full_clean()
    another.save()
    assert cooperative.memberships.count() == 2


def test_a_current_membership_does_not_block_its_own_edit():
    membership = CooperativeMembershipFactory()
    membership.joined_on = datetime.date(2013, 6, 1)

    membership.full_clean()


# Registration number


def test_the_database_refuses_a_duplicate_registration_number():
    CooperativeFactory(registration_number="0410012345")

    with pytest.raises(IntegrityError), transaction.atomic():
        new_cooperative(registration_number="0410012345")


def test_the_database_refuses_an_update_to_a_taken_registration_number():
    CooperativeFactory(registration_number="0410012345")
    other = CooperativeFactory(registration_number="0410099999")

    with pytest.raises(IntegrityError), transaction.atomic():
        Cooperative.objects.filter(pk=other.pk).update(registration_number="0410012345")


def test_the_database_accepts_several_cooperatives_without_a_registration_number():
    new_cooperative(registration_number="")
    new_cooperative(registration_number="")

    assert Cooperative.objects.filter(registration_number="").count() == 2


def test_it_refuses_a_duplicate_registration_number():
    CooperativeFactory(registration_number="0410012345")
    copy = CooperativeFactory.build(registration_number="0410012345")

    errors = errors_of(copy)

    assert "already has this registration number" in " ".join(errors["registration_number"])
    assert "__all__" not in errors


def test_it_accepts_a_second_cooperative_without_a_registration_number():
    CooperativeFactory(registration_number="")

    CooperativeFactory.build(registration_number="").full_clean()


def test_a_registration_number_does_not_block_its_own_edit():
    cooperative = CooperativeFactory(registration_number="0410012345")
    cooperative.description = "Lemons and dairy products"

    cooperative.full_clean()


# Status and dates


def test_the_database_refuses_an_unknown_cooperative_status():
    cooperative = CooperativeFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        Cooperative.objects.filter(pk=cooperative.pk).update(status="bankrupt")


def test_it_refuses_an_unknown_cooperative_status():
    cooperative = CooperativeFactory.build(status="bankrupt")

    assert "not a valid choice" in " ".join(errors_of(cooperative)["status"])


def test_the_database_refuses_a_cooperative_dissolved_before_it_was_formed():
    with pytest.raises(IntegrityError), transaction.atomic():
        new_cooperative(
            formed_on=datetime.date(2013, 5, 1), dissolved_on=datetime.date(2013, 4, 30)
        )


def test_it_refuses_a_cooperative_dissolved_before_it_was_formed():
    cooperative = CooperativeFactory.build(
        formed_on=datetime.date(2013, 5, 1), dissolved_on=datetime.date(2013, 4, 30)
    )

    assert "dissolved before it was formed" in " ".join(errors_of(cooperative)["dissolved_on"])


def test_it_refuses_a_cooperative_formed_in_the_future():
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    cooperative = CooperativeFactory.build(formed_on=tomorrow)

    assert "cannot be in the future" in " ".join(errors_of(cooperative)["formed_on"])


# Director


def test_it_accepts_a_current_member_of_one_of_its_groups_as_director():
    membership = CooperativeMembershipFactory()
    cooperative = membership.cooperative
    cooperative.director = MemberFactory(group=membership.group)

    cooperative.full_clean()


def test_it_refuses_a_director_from_a_group_outside_the_cooperative():
    cooperative = CooperativeMembershipFactory().cooperative
    cooperative.director = MemberFactory()

    assert "current member of one of the cooperative's groups" in " ".join(
        errors_of(cooperative)["director"]
    )


def test_it_refuses_a_director_who_left_her_group():
    membership = CooperativeMembershipFactory()
    cooperative = membership.cooperative
    cooperative.director = MemberFactory(group=membership.group, left_on=datetime.date(2016, 1, 1))

    assert "director" in errors_of(cooperative)


def test_it_refuses_a_director_whose_group_left_the_cooperative():
    membership = CooperativeMembershipFactory(left_on=datetime.date(2016, 1, 1))
    cooperative = membership.cooperative
    cooperative.director = MemberFactory(group=membership.group)

    assert "director" in errors_of(cooperative)


def test_it_refuses_a_director_whose_group_is_now_in_another_cooperative():
    left = CooperativeMembershipFactory(left_on=datetime.date(2016, 1, 1))
    CooperativeMembershipFactory(group=left.group, joined_on=datetime.date(2016, 1, 1))
    cooperative = left.cooperative
    cooperative.director = MemberFactory(group=left.group)

    assert "director" in errors_of(cooperative)
