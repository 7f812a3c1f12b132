"""Reads of groups: scoped through rmp_portal.core.access, annotated once for the registry."""

import datetime
from collections.abc import Callable

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from groups.models import District, Province, SelfHelpGroup
from rmp_portal.core import access

# ---- scope: what a user may read and change (rmp_portal.core.access) ----------------------


def groups_visible(user) -> QuerySet[SelfHelpGroup]:
    return access.by_province(
        SelfHelpGroup.objects.all(), access.scope_for(user), "district__province_id"
    )


def groups_editable(user) -> QuerySet[SelfHelpGroup]:
    return access.by_district(SelfHelpGroup.objects.all(), access.scope_for(user), "district_id")


def districts_editable(user) -> QuerySet[District]:
    return access.by_district(
        District.objects.select_related("province"), access.scope_for(user), "id"
    )


def districts_visible(user) -> QuerySet[District]:
    return access.by_province(
        District.objects.select_related("province"), access.scope_for(user), "province_id"
    )


def provinces_visible(user) -> QuerySet[Province]:
    return access.by_province(Province.objects.all(), access.scope_for(user), "id")


def dashboard_provinces(user) -> QuerySet[Province]:
    return access.by_dashboard_province(Province.objects.all(), access.scope_for(user), "id")


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


def existing_on(queryset: QuerySet[SelfHelpGroup], as_of: datetime.date) -> QuerySet:
    """Groups that existed on a date: established by then and not yet dissolved."""
    return queryset.filter(established_on__lte=as_of).filter(
        Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=as_of)
    )


# ---- what the apps above add to a group's registry row ------------------------------------
#
# The groups registry shows each group's current women and men, its leader and its current
# cooperative, and filters and searches on them. Those records belong to members and
# cooperatives, which sit above groups: they register the annotations and conditions in their
# AppConfig.ready() (members.apps, cooperatives.apps), so this app names neither.

# Each maker takes the reporting date (None: today) and returns {annotation name: expression}.
_ROW_ANNOTATIONS: list[Callable[[datetime.date | None], dict]] = []
# Conditions on a group (expressions usable in filter()), by name.
_CONDITIONS: dict[str, Callable[..., Exists]] = {}
# Querysets of choices for the registry's filters that list a higher app's records, by name.
_CHOICES: dict[str, Callable[[object], QuerySet]] = {}


def register_row_annotations(maker: Callable[[datetime.date | None], dict]) -> None:
    if maker not in _ROW_ANNOTATIONS:
        _ROW_ANNOTATIONS.append(maker)


def register_condition(name: str, maker: Callable[..., Exists]) -> None:
    """`maker(as_of, ...)` returns an expression true for the groups that meet `name`."""
    _CONDITIONS[name] = maker


def register_choices(name: str, queryset_for: Callable[[object], QuerySet]) -> None:
    """`queryset_for(user)` lists the records a filter named `name` offers the user."""
    _CHOICES[name] = queryset_for


def group_condition(name: str, *args, **kwargs) -> Exists:
    """The registered condition `name` (e.g. "has_men", "has_leader", "in_cooperative")."""
    return _CONDITIONS[name](*args, **kwargs)


def choices_for(name: str, user) -> QuerySet:
    return _CHOICES[name](user)


def group_registry(*, user, as_of: datetime.date | None = None) -> QuerySet[SelfHelpGroup]:
    """Groups the user may read, with what the registry shows (current women and men, the
    leader's name and the current cooperative, as registered above), each computed in the
    same query."""
    annotations = {}
    for maker in _ROW_ANNOTATIONS:
        annotations.update(maker(as_of))
    return (
        groups_visible(user).select_related("district__province", "jamoat").annotate(**annotations)
    )


def group_detail(*, user, code: str) -> SelfHelpGroup:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(
        groups_visible(user).select_related("district__province", "jamoat"), code=code
    )
