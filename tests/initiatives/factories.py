"""factory_boy factories of initiatives and support activities (the registry's own are in
tests/factories.py)."""

import datetime

import factory

from groups.models import ActivityType
from initiatives.models import (
    InitiativeStatusChange,
    JointInitiative,
    SupportActivity,
    SupportTopic,
)
from tests.factories import GroupFactory


def activity(name: str = "Dairy processing") -> ActivityType:
    return ActivityType.objects.get(name=name)


def topic(name: str) -> SupportTopic:
    return SupportTopic.objects.get(name=name)


class InitiativeFactory(factory.django.DjangoModelFactory):
    """An initiative of a group (pass `cooperative=..., group=None` for a cooperative's):
    `status` on the day it started, then `changes=[(status, date), ...]` (the last one is its
    status today)."""

    class Meta:
        model = JointInitiative
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Initiative {n}")
    group = factory.SubFactory(GroupFactory)
    cooperative = None
    activity_type = factory.LazyFunction(activity)
    started_on = datetime.date(2015, 3, 1)
    status = JointInitiative.Status.OPERATING

    @factory.post_generation
    def changes(obj, create, extracted, **kwargs):
        if not create:
            return
        chain = [(obj.status, obj.started_on), *(extracted or [])]
        for status, day in chain:
            InitiativeStatusChange.objects.create(initiative=obj, status=status, changed_on=day)
        if chain[-1][0] != obj.status:
            obj.status = chain[-1][0]
            obj.save()

    @factory.post_generation
    def participants(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.participants.set(extracted)


class SupportFactory(factory.django.DjangoModelFactory):
    """Support to the given `groups` (default: one new group), or to `cooperative=...` with
    `recipient="cooperative"`."""

    class Meta:
        model = SupportActivity
        skip_postgeneration_save = True

    held_on = datetime.date(2016, 5, 10)
    kind = SupportActivity.Kind.ECONOMIC
    topic = factory.LazyAttribute(lambda o: SupportTopic.objects.filter(kind=o.kind).first())
    delivered_by = SupportActivity.DeliveredBy.IOM
    recipient = SupportActivity.Recipient.GROUPS
    women = 10
    men = 0

    @factory.post_generation
    def groups(obj, create, extracted, **kwargs):
        if not create or obj.recipient == SupportActivity.Recipient.COOPERATIVE:
            return
        obj.groups.set(extracted if extracted is not None else [GroupFactory()])
