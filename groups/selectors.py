"""Reads of groups: scoped through rmp_portal.access, annotated once for the registry."""

import datetime

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Concat

from cooperatives.models import CooperativeMembership
from groups.models import SelfHelpGroup
from members.models import Member
from rmp_portal import access


def current_members(as_of: datetime.date | None = None) -> QuerySet[Member]:
    return Member.objects.current() if as_of is None else Member.objects.current_on(as_of)


def count_of(queryset: QuerySet, group_field: str = "group") -> Coalesce:
    """A correlated COUNT per row: computed only for the rows a page shows, unlike a
    GROUP BY over every matching group. It counts the group column itself (never NULL
    here), so an index on (group, ...) answers it without reading the table."""
    counted = (
        queryset.filter(**{group_field: OuterRef("pk")})
        .order_by()
        .values(group_field)
        .annotate(n=Count(group_field))
        .values("n")[:1]
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def current_leaders(as_of: datetime.date | None = None) -> QuerySet[Member]:
    leaders = Member.objects.filter(role=Member.Role.LEADER)
    return leaders.current() if as_of is None else leaders.current_on(as_of)


def current_memberships(as_of: datetime.date | None = None) -> QuerySet[CooperativeMembership]:
    if as_of is None:
        return CooperativeMembership.objects.filter(left_on__isnull=True)
    return CooperativeMembership.objects.filter(joined_on__lte=as_of).filter(
        Q(left_on__isnull=True) | Q(left_on__gt=as_of)
    )


def existing_on(queryset: QuerySet[SelfHelpGroup], as_of: datetime.date) -> QuerySet:
    """Groups that existed on a date: established by then and not yet dissolved."""
    return queryset.filter(established_on__lte=as_of).filter(
        Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=as_of)
    )


def group_registry(*, user, as_of: datetime.date | None = None) -> QuerySet[SelfHelpGroup]:
    """Groups the user may read, with what the registry shows: current women and men, the
    leader's name and the current cooperative, each computed in the same query."""
    members = current_members(as_of)
    leader = (
        current_leaders(as_of)
        .filter(group=OuterRef("pk"))
        .annotate(display=Concat("surname", Value(" "), "given_name"))
    )
    membership = current_memberships(as_of).filter(group=OuterRef("pk"))
    return (
        access.groups_visible(user)
        .select_related("district__province", "jamoat")
        .annotate(
            current_women=count_of(members.filter(sex=Member.Sex.FEMALE)),
            current_men=count_of(members.filter(sex=Member.Sex.MALE)),
            leader_name=Subquery(leader.values("display")[:1]),
            leader_id=Subquery(leader.values("pk")[:1]),
            cooperative_name=Subquery(membership.values("cooperative__name")[:1]),
            cooperative_id=Subquery(membership.values("cooperative_id")[:1]),
        )
    )


def group_detail(*, user, code: str) -> SelfHelpGroup:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(
        access.groups_visible(user).select_related("district__province", "jamoat"), code=code
    )


def has_current_leader(as_of: datetime.date | None = None):
    return Exists(current_leaders(as_of).filter(group=OuterRef("pk")))
