"""Forming a cooperative from a group that left another one: only a current membership
blocks it; the ended membership is kept, dated. The new one cannot start before the group
left the previous one (a group is in one cooperative at a time, on every date).

Kills the mutation-audit mutant C03 (cooperatives.services._in_a_cooperative counting ended
memberships too); see docs/testing.md."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from cooperatives import services
from cooperatives.models import Cooperative, CooperativeMembership
from tests.factories import (
    CooperativeFactory,
    CooperativeMembershipFactory,
    GroupFactory,
    district,
)

pytestmark = pytest.mark.django_db

LEFT = datetime.date(2014, 12, 31)
FORMED = datetime.date(2015, 6, 1)


@pytest.fixture
def former():
    """A Devashtich group that was in the cooperative Shirin from 2013 to the end of 2014."""
    membership = CooperativeMembershipFactory(
        cooperative=CooperativeFactory(name="Shirin"),
        joined_on=datetime.date(2013, 5, 1),
        left_on=LEFT,
    )
    return membership.group


def form(officer, groups, formed_on=FORMED):
    return services.cooperative_form(
        user=officer,
        groups=groups,
        name="Guncha",
        district=district("Devashtich"),
        formed_on=formed_on,
        status=Cooperative.Status.REGISTERED,
    )


def test_a_group_that_left_its_cooperative_can_form_a_new_one(officer, former):
    other = GroupFactory()

    cooperative = form(officer, [former, other])

    current = CooperativeMembership.objects.filter(group=former, left_on__isnull=True).get()
    assert current.cooperative == cooperative and current.joined_on == FORMED
    assert CooperativeMembership.objects.get(group=former, left_on=LEFT).cooperative.name == (
        "Shirin"
    )
    assert {m.group for m in cooperative.memberships.all()} == {former, other}


def test_a_group_still_in_a_cooperative_is_refused(officer, former):
    taken = CooperativeMembershipFactory(cooperative=CooperativeFactory(name="Shirin")).group

    with pytest.raises(ValidationError) as caught:
        form(officer, [former, taken])

    message = " ".join(caught.value.message_dict["groups"])
    assert "Already in a cooperative" in message
    assert taken.code in message and former.code not in message
    assert not Cooperative.objects.filter(name="Guncha").exists()


def test_a_new_cooperative_cannot_be_formed_before_the_group_left_the_old_one(officer, former):
    with pytest.raises(ValidationError) as caught:
        form(officer, [former, GroupFactory()], formed_on=LEFT - datetime.timedelta(days=1))

    message = " ".join(caught.value.message_dict["formed_on"])
    assert "left its previous cooperative on 12/31/2014" in message and former.code in message
    assert not Cooperative.objects.filter(name="Guncha").exists()
    # From the day it left, it may.
    assert form(officer, [former, GroupFactory()], formed_on=LEFT).formed_on == LEFT


def test_the_forming_page_offers_and_forms_with_a_group_that_left(client, officer, former):
    other = GroupFactory()
    client.force_login(officer)

    offered = client.get("/cooperatives/new/").context["form"].fields["groups"].queryset
    assert set(offered) == {former, other}
    response = client.post(
        "/cooperatives/new/",
        {
            "groups": [former.pk, other.pk],
            "name": "Guncha",
            "registration_number": "",
            "district": district("Devashtich").pk,
            "formed_on": FORMED.isoformat(),
            "status": "registered",
            "description": "",
        },
    )

    cooperative = Cooperative.objects.get(name="Guncha")
    assert response.status_code == 302
    assert response.url == f"/cooperatives/{cooperative.pk}/"
    page = client.get(f"/groups/{former.code}/").content.decode()
    assert "Guncha" in page
