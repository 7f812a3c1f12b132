"""Reads of cooperatives: scoped through rmp_portal.core.access, annotated once for the registry.

Headcounts are correlated subqueries (computed only for the rows a page shows), so a page
costs the same number of queries whatever the number of cooperatives, groups or members."""

import datetime

from django.db.models import (
    Case,
    CharField,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Concat
from django.shortcuts import get_object_or_404

from cooperatives.models import Cooperative, CooperativeMembership
from groups.models import ActivityType, SelfHelpGroup
from groups.selectors import count_of, groups_editable
from members.models import Member
from members.selectors import current_members
from rmp_portal.core import access


def cooperatives_visible(user) -> QuerySet[Cooperative]:
    return access.by_province(
        Cooperative.objects.all(), access.scope_for(user), "district__province_id"
    )


def cooperatives_editable(user) -> QuerySet[Cooperative]:
    return access.by_district(Cooperative.objects.all(), access.scope_for(user), "district_id")


def current_memberships(as_of: datetime.date | None = None) -> QuerySet[CooperativeMembership]:
    if as_of is None:
        return CooperativeMembership.objects.filter(left_on__isnull=True)
    return CooperativeMembership.objects.filter(joined_on__lte=as_of).filter(
        Q(left_on__isnull=True) | Q(left_on__gt=as_of)
    )


# ---- what the groups registry shows and filters of a group's cooperative -------------------
# (registered with groups.selectors in CooperativesConfig.ready())


def group_row_annotations(as_of: datetime.date | None) -> dict:
    """The group's current cooperative (name and id), as of a date."""
    membership = current_memberships(as_of).filter(group=OuterRef("pk"))
    return {
        "cooperative_name": Subquery(membership.values("cooperative__name")[:1]),
        "cooperative_id": Subquery(membership.values("cooperative_id")[:1]),
    }


def group_in_cooperative(as_of: datetime.date | None = None, cooperative=None) -> Exists:
    """The group is in a cooperative (or in `cooperative`) on the date."""
    memberships = current_memberships(as_of).filter(group=OuterRef("pk"))
    if cooperative is not None:
        memberships = memberships.filter(cooperative=cooperative)
    return Exists(memberships)


def _count(queryset: QuerySet) -> Coalesce:
    """COUNT(*) of a correlated queryset, as one scalar subquery."""
    counted = queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def members_of_current_groups(as_of: datetime.date | None = None) -> QuerySet[Member]:
    """Members current on the date whose group was in the outer cooperative on that date."""
    in_cooperative = current_memberships(as_of).filter(
        group=OuterRef("group"), cooperative=OuterRef(OuterRef("pk"))
    )
    return current_members(as_of).filter(Exists(in_cooperative))


def existing_cooperatives_on(queryset: QuerySet[Cooperative], as_of: datetime.date) -> QuerySet:
    """Cooperatives that existed on a date: formed by then and not yet dissolved."""
    return queryset.filter(formed_on__lte=as_of).filter(
        Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=as_of)
    )


def cooperative_registry(*, user, as_of: datetime.date | None = None) -> QuerySet[Cooperative]:
    """Cooperatives the user may read, with their current groups, women and men (as of a date
    if given), the first branch name (for sorting) and the director's name."""
    members = members_of_current_groups(as_of)
    first_branch = ActivityType.objects.filter(cooperatives=OuterRef("pk")).order_by("name")
    return (
        cooperatives_visible(user)
        .select_related("district__province", "director")
        .prefetch_related("branches")
        .annotate(
            current_groups=count_of(current_memberships(as_of), "cooperative"),
            current_women=_count(members.filter(sex=Member.Sex.FEMALE)),
            current_men=_count(members.filter(sex=Member.Sex.MALE)),
            # Empty rather than NULL, so rows without sort the same (first) on every database.
            first_branch=Coalesce(Subquery(first_branch.values("name")[:1]), Value("")),
            director_name=Case(
                When(director__isnull=True, then=Value("")),
                default=Concat("director__surname", Value(" "), "director__given_name"),
                output_field=CharField(),
            ),
        )
    )


def cooperative_detail(*, user, pk: int) -> Cooperative:
    """A cooperative the user may read (404 otherwise)."""
    return get_object_or_404(
        cooperatives_visible(user).select_related("district__province", "director__group"),
        pk=pk,
    )


def cooperative_memberships(*, cooperative: Cooperative) -> QuerySet[CooperativeMembership]:
    """Every membership of the cooperative, current first, each with its group's current
    women and men."""
    members = current_members().filter(group=OuterRef("group"))
    return (
        CooperativeMembership.objects.filter(cooperative=cooperative)
        .select_related("group__district")
        .annotate(
            current_women=_count(members.filter(sex=Member.Sex.FEMALE)),
            current_men=_count(members.filter(sex=Member.Sex.MALE)),
        )
        .order_by(F("left_on").desc(nulls_first=True), "group__code", "pk")
    )


def groups_free_to_join(*, user) -> QuerySet[SelfHelpGroup]:
    """Active groups the user may change that are in no cooperative today."""
    in_cooperative = CooperativeMembership.objects.filter(
        group=OuterRef("pk"), left_on__isnull=True
    )
    return (
        groups_editable(user)
        .filter(status=SelfHelpGroup.Status.ACTIVE)
        .exclude(Exists(in_cooperative))
        .select_related("district__province")
        .order_by("district__province__code", "district__name", "code")
    )


def cooperatives_open_to(*, user, group: SelfHelpGroup) -> QuerySet[Cooperative]:
    """Cooperatives a group may join: not dissolved, in the group's province, readable."""
    return (
        cooperatives_visible(user)
        .filter(district__province_id=group.district.province_id)
        .exclude(status=Cooperative.Status.DISSOLVED)
        .select_related("district")
        .order_by("name", "pk")
    )


def director_candidates(groups: QuerySet[SelfHelpGroup]) -> QuerySet[Member]:
    """Current members of the given groups, who may direct a cooperative they are in.

    The groups' ids are read first: as one nested query, PostgreSQL without fresh statistics
    (just after a bulk load) could pick a nested-loop plan that took tens of seconds."""
    group_ids = list(groups.order_by().values_list("pk", flat=True))
    return (
        Member.objects.current()
        .filter(group_id__in=group_ids)
        .select_related("group")
        .order_by("group__code", "surname", "given_name", "pk")
    )


def current_director_candidates(*, cooperative: Cooperative) -> QuerySet[Member]:
    """Current members of the cooperative's current groups."""
    groups = SelfHelpGroup.objects.filter(
        cooperative_memberships__cooperative=cooperative,
        cooperative_memberships__left_on__isnull=True,
    )
    return director_candidates(groups)


def memberships_changeable(user) -> QuerySet[CooperativeMembership]:
    """Memberships the user may close: of a group or of a cooperative in their districts."""
    scope = access.scope_for(user)
    memberships = CooperativeMembership.objects.select_related(
        "group__district", "cooperative__district"
    )
    if scope.is_admin:
        return memberships
    return memberships.filter(
        Q(group__district_id__in=scope.edit_district_ids)
        | Q(cooperative__district_id__in=scope.edit_district_ids)
    )
