"""Reads of initiatives and support activities, scoped through rmp_portal.core.access.

Where a record is (README, "Who may do what"):

- an initiative is in the district of its owner: the group's district, or the cooperative's
  home district. Whoever may read (change) that group or cooperative may read (change) the
  initiative;
- a support activity is in the district of its recipient. Several recipient groups are all
  in one province (a rule of the service), so it is read by whoever reads that province: it is
  visible when any of its groups (or its cooperative) is visible. Changing it needs all of
  them: an officer may edit it only if every recipient group is in her districts, so nobody
  changes a record about groups she may not change.
"""

import datetime

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from cooperatives.models import Cooperative
from cooperatives.selectors import cooperatives_editable, cooperatives_visible, current_memberships
from groups.models import SelfHelpGroup
from groups.selectors import groups_editable, groups_visible
from initiatives.models import InitiativeStatusChange, JointInitiative, SupportActivity
from members.models import Member
from rmp_portal.core import access

# Scope ------------------------------------------------------------------------------------


def initiatives_visible(user) -> QuerySet[JointInitiative]:
    scope = access.scope_for(user)
    if scope.read_province_ids is None:
        return JointInitiative.objects.all()
    return JointInitiative.objects.filter(
        Q(group__in=groups_visible(user)) | Q(cooperative__in=cooperatives_visible(user))
    )


def initiatives_editable(user) -> QuerySet[JointInitiative]:
    if access.scope_for(user).is_admin:
        return JointInitiative.objects.all()
    return JointInitiative.objects.filter(
        Q(group__in=groups_editable(user)) | Q(cooperative__in=cooperatives_editable(user))
    )


def _recipient_groups(groups: QuerySet[SelfHelpGroup]) -> QuerySet:
    through = SupportActivity.groups.through
    return through.objects.filter(supportactivity=OuterRef("pk"), selfhelpgroup__in=groups)


def support_visible(user) -> QuerySet[SupportActivity]:
    scope = access.scope_for(user)
    if scope.read_province_ids is None:
        return SupportActivity.objects.all()
    return SupportActivity.objects.filter(
        Q(cooperative__in=cooperatives_visible(user))
        | Exists(_recipient_groups(groups_visible(user)))
    )


def support_editable(user) -> QuerySet[SupportActivity]:
    if access.scope_for(user).is_admin:
        return SupportActivity.objects.all()
    through = SupportActivity.groups.through
    outside = through.objects.filter(supportactivity=OuterRef("pk")).exclude(
        selfhelpgroup__in=groups_editable(user)
    )
    return SupportActivity.objects.filter(
        Q(cooperative__in=cooperatives_editable(user))
        | (
            Q(recipient=SupportActivity.Recipient.GROUPS)
            & Exists(through.objects.filter(supportactivity=OuterRef("pk")))
            & ~Exists(outside)
        )
    )


# Status on a date -----------------------------------------------------------------------


def status_on(as_of: datetime.date) -> Subquery:
    """The status of the outer initiative on a date: its last change on or before it (NULL
    before the initiative started)."""
    last = (
        InitiativeStatusChange.objects.filter(initiative=OuterRef("pk"), changed_on__lte=as_of)
        .order_by("-changed_on", "-pk")
        .values("status")[:1]
    )
    return Subquery(last)


def started_by(queryset: QuerySet[JointInitiative], as_of: datetime.date) -> QuerySet:
    return queryset.filter(started_on__lte=as_of)


# Registries -----------------------------------------------------------------------------


def _participant_count():
    through = JointInitiative.participants.through
    counted = (
        through.objects.filter(jointinitiative=OuterRef("pk"))
        .order_by()
        .values("jointinitiative")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def initiative_registry(*, user, as_of: datetime.date | None = None) -> QuerySet:
    """Initiatives the user may read, with their owner, district, the status shown (as of
    the date if given, else today's) and the number of participants."""
    return (
        initiatives_visible(user)
        .select_related(
            "group__district__province",
            "cooperative__district__province",
            "activity_type",
        )
        .annotate(
            status_shown=status_on(as_of) if as_of else F("status"),
            owner_name=Coalesce("group__name", "cooperative__name"),
            owner_district_name=Coalesce("group__district__name", "cooperative__district__name"),
            owner_district=Coalesce("group__district_id", "cooperative__district_id"),
            owner_province_code=Coalesce(
                "group__district__province__code", "cooperative__district__province__code"
            ),
            participant_count=_participant_count(),
        )
    )


def _first_group_district():
    first = (
        SupportActivity.groups.through.objects.filter(supportactivity=OuterRef("pk"))
        .order_by("selfhelpgroup__code")
        .values("selfhelpgroup__district_id")[:1]
    )
    return Subquery(first, output_field=IntegerField())


def support_district() -> Coalesce:
    """The district a support activity is shown and counted in: its cooperative's, else its
    first recipient group's by registry code (the support registry's district, the DHIS2
    export's org unit)."""
    return Coalesce("cooperative__district_id", _first_group_district())


def _first_group_code():
    first = (
        SupportActivity.groups.through.objects.filter(supportactivity=OuterRef("pk"))
        .order_by("selfhelpgroup__code")
        .values("selfhelpgroup__code")[:1]
    )
    return Subquery(first)


def support_registry(*, user, as_of: datetime.date | None = None) -> QuerySet:
    """Support activities the user may read, with their topic, recipients (groups prefetched
    with their districts: one query per page) and the recipient shown first (for sorting)."""
    groups = SelfHelpGroup.objects.select_related("district__province").order_by("code")
    queryset = support_visible(user)
    if as_of:
        queryset = queryset.filter(held_on__lte=as_of)
    return (
        queryset.select_related("topic", "cooperative__district__province")
        .prefetch_related(Prefetch("groups", queryset=groups))
        .annotate(
            recipient_sort=Coalesce("cooperative__name", _first_group_code()),
            area_district=support_district(),
        )
    )


def initiative_detail(*, user, pk: int) -> JointInitiative:
    return get_object_or_404(
        initiatives_visible(user).select_related(
            "group__district__province",
            "cooperative__district__province",
            "activity_type",
            "created_by",
            "updated_by",
        ),
        pk=pk,
    )


def support_detail(*, user, pk: int) -> SupportActivity:
    return get_object_or_404(
        support_visible(user).select_related("topic", "cooperative__district__province"),
        pk=pk,
    )


# Owners and participants ----------------------------------------------------------------


def owner_groups(owner: SelfHelpGroup | Cooperative) -> QuerySet[SelfHelpGroup]:
    """The groups whose members may take part in an owner's initiatives: the group itself,
    or the cooperative's current groups."""
    if isinstance(owner, SelfHelpGroup):
        return SelfHelpGroup.objects.filter(pk=owner.pk)
    return SelfHelpGroup.objects.filter(
        Exists(current_memberships().filter(group=OuterRef("pk"), cooperative=owner))
    )


def participant_candidates(owner: SelfHelpGroup | Cooperative) -> QuerySet[Member]:
    """Current members of the owner's group(s).

    The group ids are read first (a handful): nested in the members query, PostgreSQL without
    fresh statistics could re-run the subquery for every member."""
    group_ids = list(owner_groups(owner).values_list("pk", flat=True))
    return (
        Member.objects.current()
        .filter(group_id__in=group_ids)
        .select_related("group")
        .order_by("group__code", "surname", "given_name", "pk")
    )


def editable_owner(user, *, group_code: str = "", cooperative_pk: str = ""):
    """The group or cooperative named in a query string, if the user may change it."""
    if "\x00" in group_code:  # PostgreSQL refuses NUL in a parameter: no such code
        return None
    if group_code:
        return (
            groups_editable(user)
            .select_related("district__province")
            .filter(code=group_code[:12])
            .first()
        )
    if cooperative_pk.isdigit() and len(cooperative_pk) < 18:
        return (
            cooperatives_editable(user)
            .select_related("district__province")
            .filter(pk=int(cooperative_pk))
            .first()
        )
    return None


def initiatives_of(*, owner: SelfHelpGroup | Cooperative) -> QuerySet[JointInitiative]:
    field = "group" if isinstance(owner, SelfHelpGroup) else "cooperative"
    return (
        JointInitiative.objects.filter(**{field: owner})
        .select_related("activity_type")
        .order_by("-started_on", "-pk")
    )


def support_to(*, owner: SelfHelpGroup | Cooperative) -> QuerySet[SupportActivity]:
    field = "groups" if isinstance(owner, SelfHelpGroup) else "cooperative"
    return (
        SupportActivity.objects.filter(**{field: owner})
        .select_related("topic")
        .order_by("-held_on", "-pk")
    )
