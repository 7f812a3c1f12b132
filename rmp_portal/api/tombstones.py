"""Records a caller synced before and may no longer read: deleted, or moved out of their
scope (a group moved to another province's district, say), since a moment.

Read from the change history (django-simple-history), which keeps a row for every change and
deletion (`history_type='-'`) of groups, members, cooperatives, initiatives and support
activities. A record is a tombstone for the caller when:

- it has a history row at or after `updated_since` (it changed or was deleted then);
- some history row of it lies in the caller's scope (the caller could have read it once:
  no tombstone reveals a record the caller never could see);
- it is not among the records the caller may read now (the resource's own selector).

`reason` is "deleted" when the record is gone, else "out_of_scope". A change of the caller's
own scope (an officer given other districts) leaves no history: resync from scratch then."""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Case, CharField, Max, Min, Q, QuerySet, Value, When

from cooperatives.models import Cooperative
from cooperatives.selectors import cooperatives_visible
from groups.models import SelfHelpGroup
from groups.selectors import groups_visible
from initiatives.models import JointInitiative, SupportActivity
from initiatives.selectors import initiatives_visible, support_visible
from members.models import Member
from members.selectors import members_visible
from rmp_portal.core import access


@dataclass(frozen=True)
class Tracked:
    model: type
    visible: Callable[[object], QuerySet]
    # Paths from a history row to a province id: in scope if any of them is readable.
    province_paths: tuple[str, ...]


RESOURCES = {
    "groups": Tracked(SelfHelpGroup, groups_visible, ("district__province_id",)),
    "members": Tracked(Member, members_visible, ("group__district__province_id",)),
    "cooperatives": Tracked(Cooperative, cooperatives_visible, ("district__province_id",)),
    "initiatives": Tracked(
        JointInitiative,
        initiatives_visible,
        ("group__district__province_id", "cooperative__district__province_id"),
    ),
    "support": Tracked(
        SupportActivity,
        support_visible,
        (
            "cooperative__district__province_id",
            "historicalsupportactivity_groups__selfhelpgroup__district__province_id",
        ),
    ),
}


def _seen(history: QuerySet, scope: access.Scope, paths: tuple[str, ...]) -> Q | None:
    """History rows' records the scope could read once; None: every record."""
    if scope.read_province_ids is None:
        return None
    seen = Q(pk__in=[])
    for path in paths:
        seen |= Q(id__in=access.by_province(history, scope, path).values("id"))
    return seen


def tombstones(*, user, resource: str, since) -> QuerySet:
    """One row per record: {"id", "resource", "removed_at", "reason"}, to order and page."""
    tracked = RESOURCES[resource]
    history = tracked.model.history.model.objects.all()
    rows = history.filter(history_date__gte=since)
    seen = _seen(history, access.scope_for(user), tracked.province_paths)
    if seen is not None:
        rows = rows.filter(seen)
    return (
        rows.exclude(id__in=tracked.visible(user).values("id"))
        .order_by()
        .values("id")
        .annotate(
            resource=Value(resource, output_field=CharField()),
            removed_at=Max("history_date"),
            reason=Min(
                Case(
                    When(history_type="-", then=Value("deleted")),
                    default=Value("out_of_scope"),
                    output_field=CharField(),
                )
            ),
        )
    )
