"""All or nothing: each multi-row write fails at its last step (the last row written, or the
history row of it) and the database is left exactly as before: every row of every table the
write touches, history included.

tests/members/test_services.py and tests/cooperatives/test_services.py already fail an early
write of member_leave, member_make_leader, member_transfer and a membership of
cooperative_form, comparing a few columns; here the failure comes after the other rows are
written, and whole tables are compared."""

import datetime
from contextlib import contextmanager
from unittest import mock

import pytest
from django.db import DatabaseError
from simple_history.models import HistoricalRecords

from cooperatives import services as cooperative_services
from cooperatives.models import Cooperative, CooperativeMembership
from groups.models import ActivityType, SelfHelpGroup
from members import services as member_services
from members.models import Member
from tests.factories import (
    CooperativeFactory,
    CooperativeMembershipFactory,
    GroupFactory,
    MemberFactory,
    district,
)

pytestmark = pytest.mark.django_db

DAY = datetime.date(2021, 3, 8)
MODELS = [SelfHelpGroup, Member, Cooperative, CooperativeMembership]


def tables() -> list:
    """Every table a write of these services can touch: the records, their links and their
    history (with its links)."""
    found = []
    for model in MODELS:
        found += [model, model.history.model]
    for m2m in (SelfHelpGroup.activities, Cooperative.branches):
        found.append(m2m.through)
    for model in (SelfHelpGroup, Cooperative):
        history = model.history.model
        for field in history._history_m2m_fields:
            found.append(getattr(history, field.name).model)
    return found


def snapshot() -> dict[str, list[dict]]:
    return {
        model._meta.label: list(model._base_manager.order_by("pk").values()) for model in tables()
    }


@contextmanager
def failing(owner, method: str, on_call: int, *, only=None):
    """`owner.method` works until its `on_call`-th call (counting calls about instances of
    `only`, if given), which fails like a lost connection."""
    original = getattr(owner, method)
    calls = []

    def wrapper(self, *args, **kwargs):
        instance = args[0] if owner is HistoricalRecords else self
        if only is None or isinstance(instance, only):
            calls.append(instance)
            if len(calls) == on_call:
                raise DatabaseError("simulated failure")
        return original(self, *args, **kwargs)

    with mock.patch.object(owner, method, wrapper):
        yield calls
    assert len(calls) >= on_call, "the failure was never reached"


def history_of(model, on_call: int):
    """Fail the `on_call`-th history row written for a record of `model`."""
    return failing(HistoricalRecords, "create_historical_record", on_call, only=model)


def unchanged(service, failure, **kwargs) -> None:
    before = snapshot()
    with failure, pytest.raises(DatabaseError):
        service(**kwargs)
    assert snapshot() == before


@pytest.fixture
def group(db):
    return GroupFactory()


@pytest.fixture
def leader(group):
    return MemberFactory(group=group, role=Member.Role.LEADER, surname="Nazarova")


@pytest.fixture
def member(group):
    return MemberFactory(group=group, surname="Rahimova")


# Forming a cooperative -------------------------------------------------------------------


def form(officer, groups, **fields):
    values = {
        "name": "Guncha",
        "district": district("Devashtich"),
        "formed_on": datetime.date(2015, 6, 1),
        "branches": [ActivityType.objects.get(name="Lemon cultivation")],
    }
    return cooperative_services.cooperative_form(user=officer, groups=groups, **(values | fields))


def test_forming_leaves_nothing_when_naming_the_director_fails(officer):
    groups = GroupFactory.create_batch(3)
    director = MemberFactory(group=groups[2])
    before = snapshot()

    # The cooperative, its branches and three memberships are written; then the director.
    with failing(Cooperative, "save", 2), pytest.raises(DatabaseError):
        form(officer, groups, director=director)

    assert snapshot() == before


def test_forming_leaves_nothing_when_the_last_memberships_history_fails(officer):
    groups = GroupFactory.create_batch(3)

    unchanged(
        lambda: form(officer, groups),
        history_of(CooperativeMembership, 3),
    )


def test_forming_leaves_nothing_when_the_branches_history_fails(officer):
    groups = GroupFactory.create_batch(2)

    # The cooperative's second history row: the one its branches write.
    unchanged(lambda: form(officer, groups), history_of(Cooperative, 2))


# Making a leader -------------------------------------------------------------------------


def test_making_a_leader_leaves_nothing_when_the_new_leaders_history_fails(officer, leader, member):
    # The old leader is demoted and the new one saved; the new leader's history row fails.
    unchanged(
        lambda: member_services.member_make_leader(member=member, user=officer),
        history_of(Member, 2),
    )


def test_making_a_leader_leaves_nothing_when_the_old_leaders_history_fails(officer, leader, member):
    unchanged(
        lambda: member_services.member_make_leader(member=member, user=officer),
        history_of(Member, 1),
    )


# Transfer --------------------------------------------------------------------------------


def test_a_transfer_leaves_nothing_when_the_new_memberships_history_fails(officer, member):
    target = GroupFactory()

    unchanged(
        lambda: member_services.member_transfer(
            member=member, user=officer, to_group=target, on_date=DAY
        ),
        history_of(Member, 2),
    )


# A member leaves -------------------------------------------------------------------------


def test_a_departure_leaves_nothing_when_its_history_fails(officer, leader):
    # The row is updated (left_on set), then its history row fails.
    unchanged(
        lambda: member_services.member_leave(member=leader, user=officer, left_on=DAY),
        history_of(Member, 1),
    )


# A group joins or leaves a cooperative ---------------------------------------------------


def test_joining_leaves_nothing_when_the_memberships_history_fails(officer, group):
    cooperative = CooperativeFactory()

    unchanged(
        lambda: cooperative_services.group_join_cooperative(
            user=officer, group=group, cooperative=cooperative, joined_on=DAY
        ),
        history_of(CooperativeMembership, 1),
    )


def test_leaving_leaves_nothing_when_clearing_the_director_fails(officer, leader):
    cooperative = CooperativeFactory()
    membership = CooperativeMembershipFactory(cooperative=cooperative, group=leader.group)
    CooperativeMembershipFactory(cooperative=cooperative)
    cooperative.director = leader
    cooperative.save()

    # The membership is closed, then the cooperative loses its director: that save fails.
    unchanged(
        lambda: cooperative_services.group_leave_cooperative(
            user=officer, membership=membership, left_on=DAY
        ),
        failing(Cooperative, "save", 1),
    )


def test_leaving_leaves_nothing_when_the_cooperatives_history_fails(officer, leader):
    cooperative = CooperativeFactory()
    membership = CooperativeMembershipFactory(cooperative=cooperative, group=leader.group)
    cooperative.director = leader
    cooperative.save()

    unchanged(
        lambda: cooperative_services.group_leave_cooperative(
            user=officer, membership=membership, left_on=DAY
        ),
        history_of(Cooperative, 1),
    )


# Dissolving a cooperative ----------------------------------------------------------------


def test_dissolving_leaves_nothing_when_saving_the_cooperative_fails(officer):
    cooperative = CooperativeFactory()
    for _ in range(2):
        CooperativeMembershipFactory(cooperative=cooperative)
    cooperative.refresh_from_db()
    data = {
        "name": cooperative.name,
        "registration_number": "",
        "status": Cooperative.Status.DISSOLVED,
        "dissolved_on": DAY,
        "director": None,
        "description": "",
    }

    # Both memberships are closed, then saving the cooperative fails.
    unchanged(
        lambda: cooperative_services.cooperative_update(
            cooperative=cooperative,
            user=officer,
            data=data,
            version=cooperative.updated_at.isoformat(),
        ),
        failing(Cooperative, "save", 1),
    )


# The snapshot sees every kind of change ---------------------------------------------------


def test_the_snapshot_sees_a_write_that_was_not_rolled_back(officer, member):
    """Without a transaction the first write stays: the comparison above would catch it."""
    before = snapshot()
    member.skills = "Sewing"
    member.save()
    after = snapshot()
    assert after != before
    assert after["members.HistoricalMember"] != before["members.HistoricalMember"]
