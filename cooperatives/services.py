"""Writes of cooperatives and of their groups' memberships. Each is one transaction: the rules
are checked first, and if anything fails (a rule, or the database refusing a row another
user wrote in between) nothing is saved."""

import datetime
from collections.abc import Iterable
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cooperatives.models import Cooperative, CooperativeMembership
from groups.models import ActivityType, District, SelfHelpGroup
from groups.selectors import groups_editable
from members.models import Member
from rmp_portal.core import access
from rmp_portal.core.concurrency import check_version

FORMING_STATUSES = (Cooperative.Status.FORMING, Cooperative.Status.REGISTERED)
EDITABLE_FIELDS = (
    "name",
    "registration_number",
    "status",
    "dissolved_on",
    "director",
    "description",
)


def _names(groups: Iterable[SelfHelpGroup]) -> str:
    return ", ".join(str(g) for g in groups)


def _day(value: datetime.date) -> str:
    return date_format(value, "SHORT_DATE_FORMAT")


def _lock_groups(ids: Iterable[int]) -> list[SelfHelpGroup]:
    # Locking the groups makes two forms claiming one group run one after the other on
    # PostgreSQL; the second then sees the first one's membership and is refused.
    return list(
        SelfHelpGroup.objects.select_for_update(of=("self",))
        .filter(pk__in=sorted(set(ids)))
        .select_related("district__province")
        .order_by("pk")
    )


def _in_a_cooperative(groups: list[SelfHelpGroup]) -> list[SelfHelpGroup]:
    """The groups in a cooperative now (a current membership, left_on empty). A group whose
    membership ended is free: the partial unique constraint "one current cooperative per
    group" allows a new membership beside the ended ones."""
    taken = set(
        CooperativeMembership.objects.filter(group__in=groups, left_on__isnull=True).values_list(
            "group_id", flat=True
        )
    )
    return [g for g in groups if g.pk in taken]


def _last_left(groups: list[SelfHelpGroup]) -> tuple[SelfHelpGroup, datetime.date] | None:
    """The group that left a cooperative last, and when (None: none of them ever left one)."""
    latest = (
        CooperativeMembership.objects.filter(group__in=groups, left_on__isnull=False)
        .order_by("-left_on", "group_id")
        .values_list("group_id", "left_on")
        .first()
    )
    if latest is None:
        return None
    group_id, left_on = latest
    return next(g for g in groups if g.pk == group_id), left_on


def forming_errors(
    *,
    user,
    groups: list[SelfHelpGroup],
    district: District | None,
    formed_on: datetime.date | None,
    director: Member | None,
) -> dict[str, list[str]]:
    """What stops these groups forming a cooperative, by form field (empty: nothing)."""
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if len(groups) < 2:
        add("groups", _("Choose at least two groups: a cooperative joins several groups."))
    provinces = {g.district.province for g in groups}
    if len(provinces) > 1:
        add(
            "groups",
            _("The groups must all be in one province; these are in %(provinces)s.")
            % {"provinces": ", ".join(sorted(str(p) for p in provinces))},
        )
    inactive = [g for g in groups if g.status != SelfHelpGroup.Status.ACTIVE]
    if inactive:
        add(
            "groups",
            _("Only active groups can form a cooperative: %(groups)s.")
            % {"groups": _names(inactive)},
        )
    editable = set(
        groups_editable(user).filter(pk__in=[g.pk for g in groups]).values_list("pk", flat=True)
    )
    outside = [g for g in groups if g.pk not in editable]
    if outside:
        add(
            "groups",
            _("You can only choose groups of your districts: %(groups)s.")
            % {"groups": _names(outside)},
        )
    taken = _in_a_cooperative(groups)
    if taken:
        add(
            "groups",
            _("Already in a cooperative: %(groups)s. A group must leave it first.")
            % {"groups": _names(taken)},
        )
    if district is not None:
        if not access.scope_for(user).may_edit_district(district.pk):
            add("district", _("Choose one of your districts as the home district."))
        elif len(provinces) == 1 and district.province_id != next(iter(provinces)).pk:
            add(
                "district",
                _("The home district must be in the groups' province (%(province)s).")
                % {"province": next(iter(provinces))},
            )
    if formed_on is not None and groups:
        youngest = max(groups, key=lambda g: g.established_on)
        if formed_on < youngest.established_on:
            add(
                "formed_on",
                _(
                    "A cooperative cannot be formed before its groups: %(group)s was "
                    "established on %(date)s."
                )
                % {"group": youngest, "date": _day(youngest.established_on)},
            )
        # As when joining: a group is in one cooperative on any date, so the new membership
        # starts no earlier than the day it left the previous one.
        last_left = _last_left(groups)
        if last_left is not None and formed_on < last_left[1]:
            group, left_on = last_left
            message = _(
                "The group left its previous cooperative on %(date)s: it can join another "
                "from then."
            ) % {"date": _day(left_on)}
            add("formed_on", f"{group}: {message}")
    if director is not None and (
        director.left_on is not None or director.group_id not in {g.pk for g in groups}
    ):
        add("director", _("The director must be a current member of one of the chosen groups."))
    return errors


def _add_membership(
    *, cooperative: Cooperative, group: SelfHelpGroup, joined_on: datetime.date
) -> CooperativeMembership:
    membership = CooperativeMembership(cooperative=cooperative, group=group, joined_on=joined_on)
    taken = ValidationError(
        {
            "groups": _("This group has just joined another cooperative: %(group)s.")
            % {"group": group}
        }
    )
    try:
        membership.full_clean()
    except ValidationError as error:
        # Its only rule about a new current membership: the group is in no other cooperative.
        raise taken from error
    try:
        with transaction.atomic():
            membership.save()
    except IntegrityError as error:
        # Another user's transaction claimed the group after the check (the partial unique
        # constraint "one current cooperative per group" refused this row).
        raise taken from error
    return membership


def _save_cooperative(cooperative: Cooperative) -> None:
    try:
        with transaction.atomic():
            cooperative.save()
    except IntegrityError as error:
        # The only unique rule a cooperative has; someone took the number meanwhile.
        raise ValidationError(
            {"registration_number": _("Another cooperative already has this registration number.")}
        ) from error


@transaction.atomic
def cooperative_form(
    *,
    user,
    groups: Iterable[SelfHelpGroup],
    name: str,
    district: District,
    formed_on: datetime.date,
    status: str = Cooperative.Status.FORMING,
    registration_number: str = "",
    branches: Iterable[ActivityType] = (),
    director: Member | None = None,
    description: str = "",
) -> Cooperative:
    """Form a cooperative of two or more active groups of one province that are in no
    cooperative: the cooperative and every group's membership (joined on formed_on)."""
    locked = _lock_groups(g.pk for g in groups)
    errors = forming_errors(
        user=user, groups=locked, district=district, formed_on=formed_on, director=director
    )
    if status not in FORMING_STATUSES:
        errors.setdefault("status", []).append(
            _("A new cooperative is either forming or registered.")
        )
    if errors:
        raise ValidationError(errors)
    cooperative = Cooperative(
        name=name,
        registration_number=registration_number,
        district=district,
        formed_on=formed_on,
        status=status,
        description=description,
        created_by=user,
        updated_by=user,
    )
    cooperative.full_clean()
    _save_cooperative(cooperative)
    cooperative.branches.set(branches)
    for group in locked:
        _add_membership(cooperative=cooperative, group=group, joined_on=formed_on)
    if director is not None:
        # The model checks the director against the cooperative's current groups, which
        # exist only now.
        cooperative.director = director
        cooperative.full_clean()
        cooperative.save()
    return cooperative


@transaction.atomic
def cooperative_update(
    *, cooperative: Cooperative, user, data: dict, version: str | None
) -> Cooperative:
    """Save the edit unless someone saved the cooperative since the form was loaded (raises
    StaleEdit, nothing written). Dissolving it closes its groups' memberships on the day of
    dissolution and clears the director, so the groups are free to join another."""
    submitted = {f: data[f] for f in EDITABLE_FIELDS if f in data}
    if "branches" in data:
        submitted["branches"] = list(data["branches"])
    check_version(instance=cooperative, version=version, submitted=submitted)
    for name, value in submitted.items():
        if name != "branches":
            setattr(cooperative, name, value)
    cooperative.updated_by = user
    dissolved = cooperative.status == Cooperative.Status.DISSOLVED
    if dissolved and not cooperative.dissolved_on:
        raise ValidationError({"dissolved_on": _("Give the date the cooperative was dissolved.")})
    if not dissolved and cooperative.dissolved_on:
        raise ValidationError(
            {"dissolved_on": _("Only a dissolved cooperative has a date of dissolution.")}
        )
    if cooperative.dissolved_on and cooperative.dissolved_on > timezone.localdate():
        raise ValidationError(
            {"dissolved_on": _("The date of dissolution cannot be in the future.")}
        )
    if dissolved:
        _close_memberships(cooperative, cooperative.dissolved_on)
        cooperative.director = None
    cooperative.full_clean()
    _save_cooperative(cooperative)
    if "branches" in submitted:
        cooperative.branches.set(submitted["branches"])
    return cooperative


def _close_memberships(cooperative: Cooperative, day: datetime.date) -> None:
    current = CooperativeMembership.objects.select_for_update(of=("self",)).filter(
        cooperative=cooperative, left_on__isnull=True
    )
    for membership in current.select_related("group"):
        if membership.joined_on > day:
            raise ValidationError(
                {
                    "dissolved_on": _(
                        "%(group)s joined on %(date)s, after this date of dissolution."
                    )
                    % {"group": membership.group, "date": _day(membership.joined_on)}
                }
            )
        membership.left_on = day
        membership.full_clean()
        membership.save()


@transaction.atomic
def group_join_cooperative(
    *, user, group: SelfHelpGroup, cooperative: Cooperative, joined_on: datetime.date
) -> CooperativeMembership:
    """A group joins a cooperative of its province that is not dissolved; the group must be
    active and in no cooperative."""
    group = _lock_groups([group.pk])[0]
    # Locked so that a dissolution saved meanwhile is seen (or waits for this join).
    cooperative = (
        Cooperative.objects.select_for_update(of=("self",))
        .select_related("district")
        .get(pk=cooperative.pk)
    )
    errors: list[str] = []
    if not groups_editable(user).filter(pk=group.pk).exists():
        errors.append(_("You can only change groups of your districts."))
    if cooperative.status == Cooperative.Status.DISSOLVED:
        errors.append(
            _("%(cooperative)s is dissolved: a group cannot join it.")
            % {"cooperative": cooperative}
        )
    if cooperative.district.province_id != group.district.province_id:
        errors.append(
            _("A group can only join a cooperative of its own province (%(province)s).")
            % {"province": group.district.province}
        )
    if group.status != SelfHelpGroup.Status.ACTIVE:
        errors.append(_("Only an active group can join a cooperative."))
    current = (
        group.cooperative_memberships.filter(left_on__isnull=True)
        .select_related("cooperative")
        .first()
    )
    if current is not None:
        errors.append(
            _("This group is already in the cooperative %(cooperative)s: it must leave it first.")
            % {"cooperative": current.cooperative}
        )
    errors += _joining_date_errors(group, cooperative, joined_on)
    if errors:
        raise ValidationError(errors)
    return _add_membership(cooperative=cooperative, group=group, joined_on=joined_on)


def _joining_date_errors(
    group: SelfHelpGroup, cooperative: Cooperative, joined_on: datetime.date
) -> list[str]:
    errors = []
    if joined_on > timezone.localdate():
        errors.append(_("The date of joining cannot be in the future."))
    if joined_on < cooperative.formed_on:
        errors.append(
            _("%(cooperative)s was formed on %(date)s: a group cannot join it earlier.")
            % {"cooperative": cooperative, "date": _day(cooperative.formed_on)}
        )
    if joined_on < group.established_on:
        errors.append(
            _("The group was established on %(date)s: it cannot join a cooperative earlier.")
            % {"date": _day(group.established_on)}
        )
    last_left = (
        group.cooperative_memberships.filter(left_on__isnull=False)
        .order_by("-left_on")
        .values_list("left_on", flat=True)
        .first()
    )
    if last_left and joined_on < last_left:
        errors.append(
            _("The group left its previous cooperative on %(date)s: it can join another from then.")
            % {"date": _day(last_left)}
        )
    return errors


class LeaveResult(NamedTuple):
    membership: CooperativeMembership
    director_cleared: bool


@transaction.atomic
def group_leave_cooperative(
    *, user, membership: CooperativeMembership, left_on: datetime.date
) -> LeaveResult:
    """The group leaves the cooperative (the membership is kept, dated). If the director is
    a member of that group she no longer qualifies, so the cooperative's director is cleared
    (and the caller tells the user)."""
    membership = (
        CooperativeMembership.objects.select_for_update(of=("self",))
        .select_related("group", "cooperative")
        .get(pk=membership.pk)
    )
    if membership.left_on is not None:
        raise ValidationError(
            _("This group already left the cooperative on %(date)s.")
            % {"date": _day(membership.left_on)}
        )
    if left_on > timezone.localdate():
        raise ValidationError(_("The date of leaving cannot be in the future."))
    membership.left_on = left_on
    membership.full_clean()
    membership.save()
    cooperative = (
        Cooperative.objects.select_for_update(of=("self",))
        .select_related("director")
        .get(pk=membership.cooperative_id)
    )
    if cooperative.director is not None and cooperative.director.group_id == membership.group_id:
        cooperative.director = None
        cooperative.updated_by = user
        cooperative.save(update_fields=["director", "updated_by", "updated_at"])
        return LeaveResult(membership, director_cleared=True)
    return LeaveResult(membership, director_cleared=False)
