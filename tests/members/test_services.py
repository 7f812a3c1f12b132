"""Member writes: what each leaves in the database, what each refuses, and that a failure
half-way leaves nothing behind."""

import datetime
from contextlib import contextmanager
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.utils import timezone

from groups.models import SelfHelpGroup
from members import services
from members.models import Member
from tests.factories import GroupFactory, MemberFactory, district

pytestmark = pytest.mark.django_db

DAY = datetime.date(2021, 3, 8)


@contextmanager
def failing_save(on_call: int):
    """Member.save works until its `on_call`-th call, which fails like a lost connection."""
    original = Member.save
    calls = []

    def save(self, *args, **kwargs):
        calls.append(self.pk)
        if len(calls) == on_call:
            raise DatabaseError("simulated failure")
        return original(self, *args, **kwargs)

    with mock.patch.object(Member, "save", save):
        yield
    assert len(calls) >= on_call, "the patched write was never reached"


def snapshot() -> list[tuple]:
    return list(Member.objects.order_by("pk").values_list("pk", "group_id", "role", "left_on"))


def message_of(caught) -> str:
    return " ".join(caught.value.messages)


@pytest.fixture
def group(db):
    return GroupFactory()


@pytest.fixture
def leader(group):
    return MemberFactory(group=group, role=Member.Role.LEADER, surname="Nazarova")


@pytest.fixture
def member(group):
    return MemberFactory(group=group, surname="Rahimova")


# member_create


def test_it_creates_a_member_with_who_created_it(officer, group):
    data = {"group": group, "surname": "Karimova", "given_name": "Zebo", "sex": "F"}

    created = services.member_create(user=officer, data=data | {"joined_on": DAY})

    created.refresh_from_db()
    assert (created.created_by, created.updated_by) == (officer, officer)
    assert created.history.get().history_user == officer


def test_it_refuses_to_create_a_member_in_a_group_the_user_may_not_edit(officer):
    asht = GroupFactory(district=district("Asht"))
    data = {"group": asht, "surname": "K", "given_name": "Z", "sex": "F", "joined_on": DAY}

    with pytest.raises(ValidationError) as caught:
        services.member_create(user=officer, data=data)

    assert "group" in caught.value.message_dict
    assert not Member.objects.exists()


def test_a_database_refusal_from_a_race_becomes_a_message(officer, leader, group):
    data = {"group": group, "surname": "K", "given_name": "Z", "sex": "F", "joined_on": DAY}
    # As if the other leader was saved after our validation ran: skip it.
    with (
        mock.patch.object(Member, "full_clean", lambda self, *a, **k: None),
        pytest.raises(ValidationError) as caught,
    ):
        services.member_create(user=officer, data=data | {"role": "leader"})

    assert "at the same moment" in message_of(caught)
    assert group.members.count() == 1


# member_leave


def test_it_records_the_departure(officer, member):
    services.member_leave(member=member, user=officer, left_on=DAY)

    member.refresh_from_db()
    assert member.left_on == DAY and member.updated_by == officer


def test_a_leader_who_leaves_keeps_her_role_on_the_closed_record(officer, leader, group):
    services.member_leave(member=leader, user=officer, left_on=DAY)

    leader.refresh_from_db()
    assert leader.role == "leader" and leader.left_on == DAY
    assert not group.members.current().filter(role="leader").exists()


def test_it_refuses_a_departure_in_the_future(officer, member):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    with pytest.raises(ValidationError) as caught:
        services.member_leave(member=member, user=officer, left_on=tomorrow)

    assert "left_on" in caught.value.message_dict


def test_it_refuses_a_departure_before_joining(officer, member):
    with pytest.raises(ValidationError) as caught:
        services.member_leave(member=member, user=officer, left_on=datetime.date(2011, 1, 1))

    assert "before the date they joined" in message_of(caught)


def test_it_refuses_a_second_departure(officer, member):
    services.member_leave(member=member, user=officer, left_on=DAY)

    with pytest.raises(ValidationError) as caught:
        services.member_leave(member=member, user=officer, left_on=DAY)

    assert "already left" in message_of(caught)


def test_a_failed_departure_changes_nothing(officer, member):
    before = snapshot()

    with failing_save(on_call=1), pytest.raises(DatabaseError):
        services.member_leave(member=member, user=officer, left_on=DAY)

    assert snapshot() == before


# member_make_leader


def test_it_makes_the_member_leader_and_the_old_leader_a_member(officer, leader, member):
    _new, previous = services.member_make_leader(member=member, user=officer)

    member.refresh_from_db()
    leader.refresh_from_db()
    assert (member.role, leader.role) == ("leader", "member")
    assert previous == [leader]


def test_it_makes_a_leader_where_there_was_none(officer, member):
    _new, previous = services.member_make_leader(member=member, user=officer)

    member.refresh_from_db()
    assert member.role == "leader" and previous == []


def test_it_refuses_a_man_as_leader(officer, group, leader):
    man = MemberFactory(group=group, sex=Member.Sex.MALE)

    with pytest.raises(ValidationError) as caught:
        services.member_make_leader(member=man, user=officer)

    assert "a man cannot be made leader" in message_of(caught)
    leader.refresh_from_db()
    assert leader.role == "leader"


def test_it_refuses_a_former_member_as_leader(officer, group):
    former = MemberFactory(group=group, left_on=DAY)

    with pytest.raises(ValidationError) as caught:
        services.member_make_leader(member=former, user=officer)

    assert "former member" in message_of(caught)


def test_it_refuses_making_the_leader_leader_again(officer, leader):
    with pytest.raises(ValidationError):
        services.member_make_leader(member=leader, user=officer)


def test_a_failed_change_of_leader_changes_nothing(officer, leader, member):
    before = snapshot()

    # The old leader is demoted (first save), then making the new one fails.
    with failing_save(on_call=2), pytest.raises(DatabaseError):
        services.member_make_leader(member=member, user=officer)

    assert snapshot() == before


# member_transfer


def test_it_closes_the_membership_and_opens_one_in_the_target(officer, member):
    target = GroupFactory()

    moved = services.member_transfer(member=member, user=officer, to_group=target, on_date=DAY)

    member.refresh_from_db()
    assert member.left_on == DAY
    assert (moved.group, moved.role, moved.joined_on, moved.left_on) == (
        target,
        "member",
        DAY,
        None,
    )
    assert moved.transferred_from == member
    for name in services.PERSON_FIELDS:
        assert getattr(moved, name) == getattr(member, name)


def test_a_transferred_leader_joins_as_a_member_and_leaves_no_leader(officer, leader, group):
    target = GroupFactory()

    moved = services.member_transfer(member=leader, user=officer, to_group=target, on_date=DAY)

    assert moved.role == "member"
    assert not group.members.current().filter(role="leader").exists()


def test_it_refuses_a_transfer_to_a_group_the_user_may_not_edit(officer, member):
    asht = GroupFactory(district=district("Asht"))

    with pytest.raises(ValidationError) as caught:
        services.member_transfer(member=member, user=officer, to_group=asht, on_date=DAY)

    assert "to_group" in caught.value.message_dict
    assert Member.objects.count() == 1


def test_it_refuses_a_transfer_to_the_same_group(officer, member, group):
    with pytest.raises(ValidationError) as caught:
        services.member_transfer(member=member, user=officer, to_group=group, on_date=DAY)

    assert "already in this group" in message_of(caught)


def test_it_refuses_a_transfer_to_a_dissolved_group(officer, member):
    dissolved = GroupFactory(
        status=SelfHelpGroup.Status.DISSOLVED, dissolved_on=datetime.date(2020, 1, 1)
    )

    with pytest.raises(ValidationError) as caught:
        services.member_transfer(member=member, user=officer, to_group=dissolved, on_date=DAY)

    assert "dissolved" in message_of(caught)


def test_it_refuses_a_transfer_before_the_target_group_existed(officer, member):
    young = GroupFactory(established_on=datetime.date(2021, 6, 1))

    with pytest.raises(ValidationError) as caught:
        services.member_transfer(member=member, user=officer, to_group=young, on_date=DAY)

    assert "on_date" in caught.value.message_dict


def test_it_refuses_transferring_a_former_member(officer, group):
    former = MemberFactory(group=group, left_on=DAY)

    with pytest.raises(ValidationError):
        services.member_transfer(member=former, user=officer, to_group=GroupFactory(), on_date=DAY)

    assert Member.objects.count() == 1


def test_a_failed_transfer_changes_nothing(officer, member):
    target = GroupFactory()
    before = snapshot()

    # The old membership is closed (first save), then creating the new one fails.
    with failing_save(on_call=2), pytest.raises(DatabaseError):
        services.member_transfer(member=member, user=officer, to_group=target, on_date=DAY)

    assert snapshot() == before


# member_update


def test_an_update_records_who_changed_it(officer, member):
    data = {"phone": "+992 93 000 1111", "skills": "baking"}

    services.member_update(
        member=member, user=officer, data=data, version=member.updated_at.isoformat()
    )

    member.refresh_from_db()
    assert (member.phone, member.skills, member.updated_by) == (
        "+992930001111",
        "baking",
        officer,
    )
