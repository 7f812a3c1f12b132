"""Reads of an officer's home ("My work"): the groups they look after, and what they changed.

Everything here is scoped through the apps' selectors (rmp_portal.core.access): the groups are
those the user may edit (`groups_editable`), the changes those of records the user may still
read. The page costs the same queries however many groups or changes there are: one COUNT and
one page of groups (their member counts are correlated subqueries), and one query per kind of
record for the changes."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from heapq import merge
from itertools import islice

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cooperatives.models import Cooperative
from cooperatives.selectors import cooperatives_visible
from groups.filters import search_groups
from groups.models import SelfHelpGroup
from groups.selectors import count_of, groups_editable, groups_visible
from members.models import Member
from members.selectors import current_members, members_visible
from rmp_portal.core import access

GROUPS_SHOWN = 20  # the rest are one tap away, in the registry
CHANGES_SHOWN = 10

# django-simple-history's history_type: what happened to the record.
ACTIONS = {"+": _("added"), "~": _("changed"), "-": _("deleted")}


def my_groups(*, user, search: str = "") -> QuerySet[SelfHelpGroup]:
    """The groups the user may edit (a field officer: their districts' groups), the most
    recently changed first (the group itself or one of its members: where the officer was
    just working), with their district and current number of members; narrowed by the
    groups registry's search (groups.filters.search_groups)."""
    member_changed = (
        Member.objects.filter(group=OuterRef("pk")).order_by("-updated_at").values("updated_at")
    )
    queryset = (
        groups_editable(user)
        .select_related("district")
        .annotate(
            current_members=count_of(current_members()),
            last_changed=Greatest(
                "updated_at", Coalesce(Subquery(member_changed[:1]), "updated_at")
            ),
        )
        .order_by("-last_changed", "-pk")
    )
    return search_groups(queryset, search) if search.strip() else queryset


@dataclass(frozen=True)
class Change:
    """One change the user made to a group, member or cooperative."""

    kind: object  # "Group", "Member", "Cooperative" (translated)
    name: str
    url: str | None  # None: the record was deleted
    action: object  # "added", "changed", "deleted" (translated)
    history_type: str  # "+", "~", "-"
    when: datetime.datetime


@dataclass(frozen=True)
class _Kind:
    model: type
    label: object
    visible: Callable[[object], QuerySet]  # user -> the records of this kind they may read
    province_path: str  # from a historical row to its province id (for a deleted record)
    fields: tuple[str, ...]  # what the historical rows are read for, besides the change
    name: Callable[[dict], str]
    url: Callable[[dict], str]


_KINDS = (
    _Kind(
        SelfHelpGroup,
        _("Group"),
        groups_visible,
        "district__province_id",
        ("code", "name"),
        name=lambda row: f"{row['code']} {row['name']}",
        url=lambda row: reverse("groups:detail", args=[row["code"]]),
    ),
    _Kind(
        Member,
        _("Member"),
        members_visible,
        "group__district__province_id",
        ("surname", "given_name"),
        # As change lists name a member: without the patronymic (personal data).
        name=lambda row: f"{row['surname']} {row['given_name']}",
        url=lambda row: reverse("members:detail", args=[row["id"]]),
    ),
    _Kind(
        Cooperative,
        _("Cooperative"),
        cooperatives_visible,
        "district__province_id",
        ("name",),
        name=lambda row: row["name"],
        url=lambda row: reverse("cooperatives:detail", args=[row["id"]]),
    ),
)


def _history_of(kind: _Kind, *, user, limit: int) -> QuerySet:
    """The user's newest `limit` changes to records of `kind` that they may still read: the
    record exists and is in their scope, or it was deleted in a province they read."""
    scope = access.scope_for(user)
    still_visible = Exists(kind.visible(user).filter(pk=OuterRef("id")))
    deleted = Q(history_type="-")
    if scope.read_province_ids is not None:
        deleted &= Q(**{f"{kind.province_path}__in": sorted(scope.read_province_ids)})
    return (
        kind.model.history.filter(history_user=user)
        .filter(still_visible | deleted)
        .order_by("-history_date", "-history_id")
        .values("id", "history_id", "history_date", "history_type", *kind.fields)[:limit]
    )


def my_changes(*, user, limit: int = CHANGES_SHOWN) -> list[Change]:
    """The user's newest `limit` changes to groups, members and cooperatives (from their
    change histories), newest first, each naming its record; only records the user may still
    read (a record since moved out of their scope is left out). One query per kind."""
    streams = []
    for kind in _KINDS:
        streams.append(
            [
                Change(
                    kind=kind.label,
                    name=kind.name(row),
                    url=None if row["history_type"] == "-" else kind.url(row),
                    action=ACTIONS.get(row["history_type"], row["history_type"]),
                    history_type=row["history_type"],
                    when=row["history_date"],
                )
                for row in _history_of(kind, user=user, limit=limit)
            ]
        )
    newest_first = merge(*streams, key=lambda c: c.when, reverse=True)
    return list(islice(newest_first, limit))
