"""cooperatives.services, exactly: the full text of each refusal, the boundary days (a date
equal to the limit is accepted), and dissolving closes only this cooperative's current
memberships.

Written against the survivors of `make mutation` in cooperatives/services.py
(docs/testing.md)."""

import datetime
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from cooperatives import services
from cooperatives.models import Cooperative, CooperativeMembership
from rmp_portal.core.concurrency import version_of
from tests.factories import (
    CooperativeFactory,
    CooperativeMembershipFactory,
    GroupFactory,
    MemberFactory,
    district,
    field_officer,
)

pytestmark = pytest.mark.django_db

D = datetime.date
ESTABLISHED = D(2012, 3, 1)
FORMED = D(2015, 6, 1)


def us(day: D) -> str:
    return day.strftime("%m/%d/%Y")  # SHORT_DATE_FORMAT in English


def form(user, groups, **fields):
    values = {
        "name": "Guncha",
        "district": district("Devashtich"),
        "formed_on": FORMED,
        "status": Cooperative.Status.REGISTERED,
    }
    return services.cooperative_form(user=user, groups=groups, **(values | fields))


def refusal(call) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value.message_dict


def messages(call) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value.messages


def join(user, group, cooperative, joined_on):
    return services.group_join_cooperative(
        user=user, group=group, cooperative=cooperative, joined_on=joined_on
    )


@pytest.fixture
def offset_ids():
    """Groups and memberships that exist first, so that the ids of the groups a test makes
    and of their memberships differ."""
    for _ in range(3):
        GroupFactory()
    CooperativeMembershipFactory.create_batch(4)


# Forming: every refusal, word for word


def test_forming_of_one_group_is_refused_in_full(officer):
    assert refusal(lambda: form(officer, [GroupFactory()])) == {
        "groups": ["Choose at least two groups: a cooperative joins several groups."]
    }


def test_groups_of_two_provinces_are_named_in_full():
    both = field_officer("Devashtich", "Rasht", username="both")
    groups = [GroupFactory(), GroupFactory(district=district("Rasht"))]

    errors = refusal(lambda: form(both, groups))

    assert errors["groups"] == [
        "The groups must all be in one province; these are in Rasht Valley, Sughd Province."
    ]


def test_inactive_and_outside_groups_are_listed_in_full(officer):
    inactive = GroupFactory(name="Sleepy", status="inactive")
    asht = GroupFactory(name="Far", district=district("Asht"))
    other = GroupFactory(name="Lola")

    errors = refusal(lambda: form(officer, [other, inactive, asht]))

    assert errors["groups"] == [
        f"Only active groups can form a cooperative: {inactive.code} Sleepy.",
        f"You can only choose groups of your districts: {asht.code} Far.",
    ]


def test_groups_in_a_cooperative_are_listed_comma_separated(officer, offset_ids):
    first = CooperativeMembershipFactory(group=GroupFactory(name="One")).group
    second = CooperativeMembershipFactory(group=GroupFactory(name="Two")).group
    free = GroupFactory(name="Free")
    assert {first.pk, second.pk} != set(
        CooperativeMembership.objects.filter(group__in=[first, second]).values_list("pk", flat=True)
    )

    errors = refusal(lambda: form(officer, [first, free, second]))

    assert errors["groups"] == [
        f"Already in a cooperative: {first.code} One, {second.code} Two. "
        "A group must leave it first."
    ]


def test_only_the_chosen_groups_current_memberships_block(officer, offset_ids):
    groups = [GroupFactory(), GroupFactory()]

    cooperative = form(officer, groups)

    assert cooperative.memberships.count() == 2


def test_a_home_district_outside_the_users_districts_is_refused_in_full(officer):
    errors = refusal(lambda: form(officer, GroupFactory.create_batch(2), district=district("Asht")))

    assert errors["district"] == ["Choose one of your districts as the home district."]


def test_a_home_district_of_another_province_is_refused_in_full():
    both = field_officer("Devashtich", "Rasht", username="both")

    errors = refusal(lambda: form(both, GroupFactory.create_batch(2), district=district("Rasht")))

    assert errors["district"] == [
        "The home district must be in the groups' province (Sughd Province)."
    ]


def test_forming_on_the_day_the_youngest_group_was_established_is_accepted(officer):
    young = GroupFactory(name="Young", established_on=D(2015, 1, 10))

    assert form(officer, [GroupFactory(), young], formed_on=D(2015, 1, 10)).pk
    errors = refusal(
        lambda: form(officer, GroupFactory.create_batch(2) + [young], formed_on=D(2015, 1, 9))
    )
    assert errors["formed_on"] == [
        f"A cooperative cannot be formed before its groups: {young.code} Young was "
        f"established on {us(D(2015, 1, 10))}."
    ]


def test_the_forming_checks_without_a_date_check_no_date(officer):
    groups = GroupFactory.create_batch(2)

    assert (
        services.forming_errors(
            user=officer, groups=groups, district=None, formed_on=None, director=None
        )
        == {}
    )


def test_a_director_from_outside_is_refused_in_full(officer):
    groups = GroupFactory.create_batch(2)

    errors = refusal(lambda: form(officer, groups, director=MemberFactory()))

    assert errors["director"] == [
        "The director must be a current member of one of the chosen groups."
    ]


def test_the_last_group_to_leave_a_cooperative_sets_the_earliest_forming_date(officer, offset_ids):
    early = CooperativeMembershipFactory(
        group=GroupFactory(name="Early"), left_on=D(2014, 1, 1)
    ).group
    late = CooperativeMembershipFactory(
        group=GroupFactory(name="Late"), left_on=D(2016, 1, 1)
    ).group
    # Another group, not chosen, that left later still: it does not count.
    CooperativeMembershipFactory(left_on=D(2019, 1, 1))

    errors = refusal(lambda: form(officer, [early, late], formed_on=D(2015, 6, 1)))

    assert errors["formed_on"] == [
        f"{late.code} Late: The group left its previous cooperative on {us(D(2016, 1, 1))}: "
        "it can join another from then."
    ]
    assert form(officer, [early, late], formed_on=D(2016, 1, 1)).formed_on == D(2016, 1, 1)


def test_a_group_that_never_left_a_cooperative_has_no_last_leaving_date():
    assert services._last_left([GroupFactory()]) is None


def test_a_group_claimed_meanwhile_is_named_in_full(officer):
    groups = GroupFactory.create_batch(2, name="Lola")

    def refused(self, *args, **kwargs):
        raise IntegrityError("coop_membership_one_current_per_group")

    with mock.patch.object(CooperativeMembership, "save", refused):
        errors = refusal(lambda: form(officer, groups))

    assert errors["groups"] == [
        f"This group has just joined another cooperative: {groups[0].code} Lola."
    ]


def test_the_locked_groups_come_with_their_district_and_province(django_assert_num_queries):
    groups = GroupFactory.create_batch(2)

    with django_assert_num_queries(1):
        locked = services._lock_groups([g.pk for g in reversed(groups)])
        assert [g.district.province.code for g in locked] == ["SU", "SU"]
    assert [g.pk for g in locked] == sorted(g.pk for g in groups)


def test_a_registration_number_taken_meanwhile_is_named_on_its_field(officer):
    CooperativeFactory(registration_number="77")
    cooperative = CooperativeFactory()
    data = {"registration_number": "77"}

    # As if the other cooperative took the number after this one's checks passed.
    with mock.patch.object(Cooperative, "full_clean", lambda self, *args, **kwargs: None):
        errors = refusal(
            lambda: services.cooperative_update(
                cooperative=cooperative, user=officer, data=data, version=version_of(cooperative)
            )
        )

    assert errors == {
        "registration_number": ["Another cooperative already has this registration number."]
    }


# Dissolving


def test_dissolving_closes_only_this_cooperatives_current_memberships(officer):
    cooperative = CooperativeFactory(formed_on=D(2013, 5, 1))
    current = CooperativeMembershipFactory(cooperative=cooperative)
    former = CooperativeMembershipFactory(cooperative=cooperative, left_on=D(2016, 3, 1))
    elsewhere = CooperativeMembershipFactory()
    day = D(2020, 1, 1)

    services.cooperative_update(
        cooperative=cooperative,
        user=officer,
        data={"status": "dissolved", "dissolved_on": day},
        version=version_of(cooperative),
    )

    for membership in (current, former, elsewhere):
        membership.refresh_from_db()
    assert current.left_on == day
    assert former.left_on == D(2016, 3, 1)
    assert elsewhere.left_on is None


def test_dissolving_on_the_day_a_group_joined_is_accepted(officer):
    cooperative = CooperativeFactory(formed_on=D(2013, 5, 1))
    membership = CooperativeMembershipFactory(cooperative=cooperative, joined_on=D(2019, 1, 1))

    services.cooperative_update(
        cooperative=cooperative,
        user=officer,
        data={"status": "dissolved", "dissolved_on": D(2019, 1, 1)},
        version=version_of(cooperative),
    )

    membership.refresh_from_db()
    assert membership.left_on == D(2019, 1, 1)


def test_dissolving_before_a_group_joined_names_it_in_full(officer):
    cooperative = CooperativeFactory(formed_on=D(2013, 5, 1))
    late = CooperativeMembershipFactory(
        cooperative=cooperative, group=GroupFactory(name="Late"), joined_on=D(2019, 1, 1)
    )

    errors = refusal(
        lambda: services.cooperative_update(
            cooperative=cooperative,
            user=officer,
            data={"status": "dissolved", "dissolved_on": D(2018, 12, 31)},
            version=version_of(cooperative),
        )
    )

    assert errors == {
        "dissolved_on": [
            f"{late.group.code} Late joined on {us(D(2019, 1, 1))}, after this date of dissolution."
        ]
    }


# Joining: the limits are inclusive, the refusals in full


def test_a_group_joins_on_the_day_of_each_limit(officer):
    group = GroupFactory(established_on=D(2014, 4, 1))
    CooperativeMembershipFactory(group=group, joined_on=D(2014, 4, 1), left_on=D(2016, 2, 1))

    on_left = join(officer, group, CooperativeFactory(formed_on=D(2013, 1, 1)), D(2016, 2, 1))
    assert on_left.joined_on == D(2016, 2, 1)

    formed = CooperativeFactory(formed_on=D(2017, 3, 1))
    other = GroupFactory(established_on=D(2012, 1, 1))
    assert join(officer, other, formed, D(2017, 3, 1)).joined_on == D(2017, 3, 1)

    young = GroupFactory(established_on=D(2018, 5, 5))
    assert join(officer, young, formed, D(2018, 5, 5)).joined_on == D(2018, 5, 5)

    today = timezone.localdate()
    assert join(officer, GroupFactory(), formed, today).joined_on == today


def test_joining_refusals_are_given_in_full(officer):
    cooperative = CooperativeFactory(name="Guncha", formed_on=D(2016, 1, 1))
    group = GroupFactory(established_on=D(2015, 6, 1))
    CooperativeMembershipFactory(group=group, joined_on=D(2015, 6, 1), left_on=D(2016, 3, 1))
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    assert messages(lambda: join(officer, group, cooperative, D(2015, 5, 31))) == [
        f"Guncha was formed on {us(D(2016, 1, 1))}: a group cannot join it earlier.",
        f"The group was established on {us(D(2015, 6, 1))}: it cannot join a cooperative earlier.",
        f"The group left its previous cooperative on {us(D(2016, 3, 1))}: it can join another "
        "from then.",
    ]
    assert messages(lambda: join(officer, group, cooperative, tomorrow)) == [
        "The date of joining cannot be in the future."
    ]
