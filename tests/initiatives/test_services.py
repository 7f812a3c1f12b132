"""Writes of initiatives and support: participants belong to the owner, dated status
changes written with the status, support to exactly one kind of recipient of the user's
districts; each all-or-nothing."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from initiatives import services
from initiatives.models import InitiativeStatusChange, JointInitiative, SupportActivity
from members.models import Member
from rmp_portal.core.concurrency import StaleEdit, version_of
from tests.factories import GroupFactory, MemberFactory
from tests.initiatives.factories import InitiativeFactory, SupportFactory, activity, topic

pytestmark = pytest.mark.django_db

STARTED = datetime.date(2015, 3, 1)


def errors_of(call) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        call()
    error = caught.value
    return error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}


def data(**fields) -> dict:
    values = {
        "title": "Lemon trees",
        "activity_type": activity("Lemon cultivation"),
        "started_on": STARTED,
        "status": "planned",
        "participants": [],
    }
    return values | fields


def members_of(group) -> list[Member]:
    return list(group.members.filter(left_on__isnull=True).order_by("pk"))


# Creating an initiative


def test_it_creates_an_initiative_and_dates_its_first_status(officer, lola):
    chosen = members_of(lola)[:2]

    created = services.initiative_create(
        user=officer, owner=lola, data=data(participants=chosen, grant_amount=None)
    )

    assert created.group == lola and created.cooperative is None
    assert created.created_by == officer
    assert set(created.participants.all()) == set(chosen)
    assert list(created.status_changes.values_list("status", "changed_on")) == [
        ("planned", STARTED)
    ]


def test_it_refuses_a_participant_from_another_group(officer, lola):
    stranger = MemberFactory(surname="Stranger")

    errors = errors_of(
        lambda: services.initiative_create(
            user=officer, owner=lola, data=data(participants=[stranger])
        )
    )

    assert "current members of the group" in " ".join(errors["participants"])
    assert "Stranger" in " ".join(errors["participants"])
    assert not JointInitiative.objects.exists()
    assert not InitiativeStatusChange.objects.exists()


def test_it_refuses_a_participant_who_left_the_group(officer, lola):
    former = lola.members.get(surname="Former")

    errors = errors_of(
        lambda: services.initiative_create(
            user=officer, owner=lola, data=data(participants=[former])
        )
    )

    assert "participants" in errors
    assert not JointInitiative.objects.exists()


def test_a_cooperatives_participants_come_from_its_current_groups(officer, guncha, lola):
    bahor = guncha.memberships.get(group__name="Bahor").group
    nihol_member = Member.objects.get(surname="Niholova")  # her group left Guncha in 2018

    created = services.initiative_create(
        user=officer,
        owner=guncha,
        data=data(
            started_on=datetime.date(2012, 3, 1),
            participants=members_of(lola)[:1] + members_of(bahor),
        ),
    )
    errors = errors_of(
        lambda: services.initiative_create(
            user=officer, owner=guncha, data=data(participants=[nihol_member])
        )
    )

    assert created.cooperative == guncha
    assert created.participants.count() == 2
    assert "current groups of the cooperative Guncha" in " ".join(errors["participants"])


def test_it_refuses_an_owner_outside_the_officers_districts(officer, asht_group):
    errors = errors_of(
        lambda: services.initiative_create(user=officer, owner=asht_group, data=data())
    )

    assert "your districts" in " ".join(errors["__all__"])
    assert not JointInitiative.objects.exists()


def test_it_refuses_a_start_before_the_cooperative_was_formed(officer, guncha):
    errors = errors_of(
        lambda: services.initiative_create(
            user=officer, owner=guncha, data=data(started_on=datetime.date(2011, 1, 1))
        )
    )

    assert "cooperative was formed" in " ".join(errors["started_on"])


# Editing an initiative


def test_it_saves_an_edit_and_keeps_participants_who_have_left_since(officer, lola):
    member = members_of(lola)[0]
    initiative = InitiativeFactory(group=lola, participants=[member])
    member.left_on = datetime.date(2020, 1, 1)
    member.save()
    newcomer = members_of(lola)[0]

    services.initiative_update(
        initiative=initiative,
        user=officer,
        data={"title": "Bigger lemons", "participants": [member, newcomer]},
        version=version_of(initiative),
    )

    initiative.refresh_from_db()
    assert initiative.title == "Bigger lemons"
    assert set(initiative.participants.all()) == {member, newcomer}


def test_it_refuses_a_stale_edit_and_saves_nothing(officer, lola):
    initiative = InitiativeFactory(group=lola, title="Lemons")
    loaded = version_of(initiative)
    JointInitiative.objects.filter(pk=initiative.pk).update(
        title="Lemon trees", updated_at=timezone.now() + datetime.timedelta(seconds=5)
    )

    with pytest.raises(StaleEdit) as caught:
        services.initiative_update(
            initiative=initiative, user=officer, data={"title": "Mine"}, version=loaded
        )

    assert JointInitiative.objects.get().title == "Lemon trees"
    assert caught.value.changes[0]["theirs"] == "Lemon trees"


def test_a_new_start_date_moves_the_first_status_but_not_past_a_later_change(officer, lola):
    initiative = InitiativeFactory(
        group=lola, status="planned", changes=[("operating", datetime.date(2016, 1, 1))]
    )

    services.initiative_update(
        initiative=initiative,
        user=officer,
        data={"started_on": datetime.date(2015, 6, 1)},
        version=version_of(initiative),
    )
    errors = errors_of(
        lambda: services.initiative_update(
            initiative=JointInitiative.objects.get(),
            user=officer,
            data={"started_on": datetime.date(2016, 6, 1)},
            version=version_of(JointInitiative.objects.get()),
        )
    )

    first = initiative.status_changes.order_by("changed_on").first()
    assert first.changed_on == datetime.date(2015, 6, 1)
    assert "the initiative must have started by then" in " ".join(errors["started_on"])
    assert JointInitiative.objects.get().started_on == datetime.date(2015, 6, 1)


def test_a_grant_is_saved_with_its_amount_and_date(officer, lola):
    initiative = InitiativeFactory(group=lola)

    services.initiative_update(
        initiative=initiative,
        user=officer,
        data={
            "grant_amount": Decimal("24600.50"),
            "grant_date": datetime.date(2014, 11, 20),
            "grant_donor": "RMP grant round 2014",
            "grant_purchases": "A greenhouse",
        },
        version=version_of(initiative),
    )

    assert JointInitiative.objects.get().grant_amount == Decimal("24600.50")


# Status changes


def test_it_changes_the_status_and_records_the_date(officer, lola):
    initiative = InitiativeFactory(group=lola, status="planned")

    services.initiative_change_status(
        user=officer,
        initiative=initiative,
        status="operating",
        changed_on=datetime.date(2016, 4, 1),
        note="First harvest",
    )

    initiative.refresh_from_db()
    assert initiative.status == "operating"
    assert list(initiative.status_changes.values_list("status", "changed_on", "note")) == [
        ("planned", STARTED, ""),
        ("operating", datetime.date(2016, 4, 1), "First harvest"),
    ]


@pytest.mark.parametrize(
    ("status", "day", "message"),
    [
        ("operating", datetime.date(2016, 1, 1), "already operating"),
        ("closed", datetime.date(2015, 12, 1), "cannot be dated earlier"),
        ("closed", datetime.date(2015, 1, 1), "cannot change before that"),
        ("closed", timezone.localdate() + datetime.timedelta(days=1), "future"),
        ("dreaming", datetime.date(2017, 1, 1), "Choose a status"),
    ],
)
def test_it_refuses_a_status_change_that_does_not_fit(officer, lola, status, day, message):
    initiative = InitiativeFactory(
        group=lola, status="planned", changes=[("operating", datetime.date(2016, 1, 1))]
    )

    errors = errors_of(
        lambda: services.initiative_change_status(
            user=officer, initiative=initiative, status=status, changed_on=day
        )
    )

    assert message in " ".join(errors["__all__"])
    assert initiative.status_changes.count() == 2
    assert JointInitiative.objects.get().status == "operating"


def test_it_refuses_a_status_change_outside_the_officers_districts(officer, asht_group):
    initiative = InitiativeFactory(group=asht_group)

    errors = errors_of(
        lambda: services.initiative_change_status(
            user=officer,
            initiative=initiative,
            status="closed",
            changed_on=datetime.date(2020, 1, 1),
        )
    )

    assert "your districts" in " ".join(errors["__all__"])


# Support activities


def support_data(**fields) -> dict:
    values = {
        "held_on": datetime.date(2016, 5, 10),
        "kind": "legal",
        "topic": topic("Legal consultation"),
        "delivered_by": "partner_ngo",
        "partner_name": "Legal Aid Centre",
        "groups": [],
        "cooperative": None,
        "women": 12,
        "men": 3,
        "notes": "",
    }
    return values | fields


def test_it_records_support_to_groups_of_one_province(officer, lola):
    other = GroupFactory(name="Bahor")

    activity = services.support_create(user=officer, data=support_data(groups=[lola, other]))

    assert activity.recipient == SupportActivity.Recipient.GROUPS
    assert set(activity.groups.all()) == {lola, other}
    assert (activity.women, activity.men) == (12, 3)


def test_it_records_support_to_a_cooperative(officer, guncha):
    activity = services.support_create(user=officer, data=support_data(cooperative=guncha))

    assert activity.recipient == SupportActivity.Recipient.COOPERATIVE
    assert activity.cooperative == guncha
    assert not activity.groups.exists()


@pytest.mark.parametrize(
    ("recipients", "field", "message"),
    [
        ("both", "cooperative", "not both"),
        ("neither", "groups", "Choose the groups, or the cooperative"),
        ("other district", "groups", "groups of your districts"),
    ],
)
def test_it_refuses_support_without_exactly_one_kind_of_recipient(
    officer, guncha, lola, asht_group, recipients, field, message
):
    chosen = {
        "both": {"groups": [lola], "cooperative": guncha},
        "neither": {},
        "other district": {"groups": [lola, asht_group]},
    }[recipients]

    errors = errors_of(lambda: services.support_create(user=officer, data=support_data(**chosen)))

    assert message in " ".join(errors[field])
    assert not SupportActivity.objects.exists()


def test_it_refuses_groups_of_two_provinces(admin_user, lola, rasht_group):
    errors = errors_of(
        lambda: services.support_create(
            user=admin_user, data=support_data(groups=[lola, rasht_group])
        )
    )

    assert "all be in one province" in " ".join(errors["groups"])


def test_it_refuses_a_topic_of_another_kind(officer, lola):
    errors = errors_of(
        lambda: services.support_create(
            user=officer, data=support_data(groups=[lola], kind="social")
        )
    )

    assert "not of social support" in " ".join(errors["topic"])
    assert not SupportActivity.objects.exists()


def test_it_refuses_support_before_a_group_existed(officer):
    young = GroupFactory(established_on=datetime.date(2016, 6, 1))

    errors = errors_of(
        lambda: services.support_create(user=officer, data=support_data(groups=[young]))
    )

    assert "Not yet established" in " ".join(errors["held_on"])


def test_it_refuses_a_stale_support_edit(officer, lola):
    activity = SupportFactory(groups=[lola])
    loaded = version_of(activity)
    SupportActivity.objects.filter(pk=activity.pk).update(
        women=30, updated_at=timezone.now() + datetime.timedelta(seconds=5)
    )

    with pytest.raises(StaleEdit):
        services.support_update(
            activity=activity,
            user=officer,
            data=support_data(groups=[lola], women=1),
            version=loaded,
        )

    assert SupportActivity.objects.get().women == 30
