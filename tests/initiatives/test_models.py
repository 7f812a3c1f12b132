"""The rules of initiatives and support activities, in the database (constraints) and in
clean() (the message a user reads)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from initiatives.models import JointInitiative, SupportActivity, SupportTopic
from tests.factories import CooperativeFactory, GroupFactory
from tests.initiatives.factories import InitiativeFactory, SupportFactory, activity, topic

pytestmark = pytest.mark.django_db


def update_raises(model, pk, **values) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.filter(pk=pk).update(**values)


def messages(instance) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        instance.full_clean()
    return caught.value.message_dict


def initiative(**fields) -> JointInitiative:
    values = {
        "title": "Lemon trees",
        "activity_type": activity("Lemon cultivation"),
        "started_on": datetime.date(2015, 3, 1),
        "status": "planned",
    }
    return JointInitiative(**(values | fields))


# Exactly one owner


def test_it_refuses_an_initiative_without_owner_in_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        initiative().save()


def test_it_refuses_an_initiative_of_a_group_and_a_cooperative_in_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        initiative(group=GroupFactory(), cooperative=CooperativeFactory()).save()


def test_it_explains_that_an_initiative_has_exactly_one_owner():
    both = initiative(group=GroupFactory(), cooperative=CooperativeFactory())

    errors = messages(both)

    assert "exactly one of the two" in " ".join(errors["group"])
    assert "exactly one of the two" in " ".join(messages(initiative())["group"])
    assert "__all__" not in errors  # not the constraint's generic message


def test_an_initiative_of_a_group_or_of_a_cooperative_is_valid():
    initiative(group=GroupFactory()).full_clean()
    initiative(cooperative=CooperativeFactory()).full_clean()


# Dates and grant


def test_it_refuses_a_start_before_the_owner_existed_or_in_the_future():
    group = GroupFactory(established_on=datetime.date(2014, 6, 1))
    early = initiative(group=group, started_on=datetime.date(2014, 1, 1))
    future = initiative(group=group, started_on=datetime.date.today() + datetime.timedelta(days=2))

    assert "cannot start earlier" in " ".join(messages(early)["started_on"])
    assert "future" in " ".join(messages(future)["started_on"])


def test_it_refuses_a_negative_grant_in_the_database():
    record = InitiativeFactory(grant_amount=Decimal(100), grant_date=datetime.date(2016, 1, 1))

    update_raises(JointInitiative, record.pk, grant_amount=Decimal(-1))


def test_it_refuses_grant_details_without_an_amount_and_date_in_the_database():
    record = InitiativeFactory()

    update_raises(JointInitiative, record.pk, grant_donor="UN Women")
    update_raises(JointInitiative, record.pk, grant_amount=Decimal(500))


def test_it_explains_what_a_grant_needs():
    group = GroupFactory()
    negative = initiative(
        group=group, grant_amount=Decimal(-5), grant_date=datetime.date(2016, 1, 1)
    )
    no_date = initiative(group=group, grant_amount=Decimal(500))
    no_amount = initiative(group=group, grant_donor="IOM")

    assert "A grant cannot be negative." in messages(negative)["grant_amount"]
    assert "date the grant was received" in " ".join(messages(no_date)["grant_date"])
    assert "amount" in " ".join(messages(no_amount)["grant_amount"])


def test_it_refuses_an_unknown_status_in_the_database():
    record = InitiativeFactory()

    update_raises(JointInitiative, record.pk, status="dreaming")


# Support activities


def test_it_refuses_negative_numbers_of_women_or_men_in_the_database():
    record = SupportFactory()

    update_raises(SupportActivity, record.pk, women=-1)
    update_raises(SupportActivity, record.pk, men=-3)


def test_it_explains_that_participants_are_not_negative():
    record = SupportFactory()
    record.women = -2

    assert "women" in messages(record)


def test_it_explains_that_the_topic_must_be_of_the_activitys_kind():
    record = SupportFactory.build(kind="social", topic=topic("Legal consultation"))

    errors = messages(record)

    assert "topic of legal support, not of social support" in " ".join(errors["topic"])


def test_a_partner_ngo_is_named_and_only_a_partner_ngo():
    record = SupportFactory()

    update_raises(SupportActivity, record.pk, delivered_by="partner_ngo")
    update_raises(SupportActivity, record.pk, partner_name="Madadgor")
    unnamed = SupportFactory.build(delivered_by="partner_ngo")
    assert "name of the partner NGO" in " ".join(messages(unnamed)["partner_name"])


def test_it_refuses_a_cooperative_recipient_of_support_to_groups_in_the_database():
    record = SupportFactory()

    update_raises(SupportActivity, record.pk, cooperative=CooperativeFactory())
    update_raises(SupportActivity, record.pk, recipient="cooperative")


def test_a_cooperative_recipient_needs_its_cooperative():
    record = SupportFactory.build(recipient="cooperative")

    assert "cooperative" in messages(record)


# Reference data


def test_the_topics_of_each_kind_are_seeded_with_their_translations():
    seeded = {
        kind: set(SupportTopic.objects.filter(kind=kind).values_list("name", flat=True))
        for kind in ("economic", "social", "legal")
    }

    assert seeded["economic"] >= {"Business training", "Grant", "Equipment", "Micro-loan referral"}
    assert seeded["social"] >= {"Psychosocial counselling", "Health", "Family"}
    assert seeded["legal"] >= {"Legal consultation", "Documents", "Migrants' rights"}
    assert not SupportTopic.objects.filter(name_ru="").exists()
    assert not SupportTopic.objects.filter(name_tg="").exists()
    assert topic("Legal consultation").search_key  # found by its Russian name too
