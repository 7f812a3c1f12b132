"""Writes of initiatives and support activities. Each is one transaction: the rules are
checked first, and if anything fails nothing is saved."""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cooperatives.models import Cooperative
from cooperatives.selectors import cooperatives_editable
from groups.models import SelfHelpGroup
from groups.selectors import groups_editable
from initiatives import selectors
from initiatives.models import InitiativeStatusChange, JointInitiative, SupportActivity
from members.models import Member
from rmp_portal.core.concurrency import check_version

INITIATIVE_FIELDS = (
    "title",
    "activity_type",
    "started_on",
    "products",
    "grant_amount",
    "grant_donor",
    "grant_date",
    "grant_purchases",
    "partners",
    "notes",
)
SUPPORT_FIELDS = (
    "held_on",
    "kind",
    "topic",
    "delivered_by",
    "partner_name",
    "cooperative",
    "women",
    "men",
    "notes",
)

Owner = SelfHelpGroup | Cooperative


def _day(value: datetime.date) -> str:
    return date_format(value, "SHORT_DATE_FORMAT")


def _names(objects: Iterable) -> str:
    return ", ".join(str(o) for o in objects)


# Initiatives ------------------------------------------------------------------------------


def _may_edit_owner(user, owner: Owner) -> bool:
    if isinstance(owner, SelfHelpGroup):
        return groups_editable(user).filter(pk=owner.pk).exists()
    return cooperatives_editable(user).filter(pk=owner.pk).exists()


def participant_errors(
    *, owner: Owner, participants: Iterable[Member], already: Iterable[int] = ()
) -> list[str]:
    """Participants must be current members of the owner's group (a cooperative: of its
    current groups). Those already taking part stay, even if they have left since."""
    allowed = set(selectors.participant_candidates(owner).values_list("pk", flat=True))
    allowed |= set(already)
    wrong = [m for m in participants if m.pk not in allowed]
    if not wrong:
        return []
    if isinstance(owner, SelfHelpGroup):
        message = _(
            "Participants must be current members of the group %(owner)s; these are not: %(names)s."
        )
    else:
        message = _(
            "Participants must be current members of the current groups of the cooperative "
            "%(owner)s; these are not: %(names)s."
        )
    return [message % {"owner": owner, "names": _names(wrong)}]


@transaction.atomic
def initiative_create(*, user, owner: Owner, data: dict) -> JointInitiative:
    """A new initiative of a group or a cooperative the user may change; its status is
    recorded from the day it started."""
    if not _may_edit_owner(user, owner):
        raise ValidationError(_("You can only add initiatives of your districts' groups."))
    if owner.status == "dissolved":
        raise ValidationError(_("A dissolved group or cooperative cannot start an initiative."))
    initiative = JointInitiative(**{f: data[f] for f in INITIATIVE_FIELDS if f in data})
    if isinstance(owner, SelfHelpGroup):
        initiative.group = owner
    else:
        initiative.cooperative = owner
    initiative.status = data.get("status") or JointInitiative.Status.IDEA
    initiative.created_by = initiative.updated_by = user
    initiative.full_clean()
    participants = list(data.get("participants", []))
    errors = participant_errors(owner=owner, participants=participants)
    if errors:
        raise ValidationError({"participants": errors})
    initiative.save()
    initiative.participants.set(participants)
    InitiativeStatusChange.objects.create(
        initiative=initiative,
        status=initiative.status,
        changed_on=initiative.started_on,
        recorded_by=user,
    )
    return initiative


@transaction.atomic
def initiative_update(
    *, initiative: JointInitiative, user, data: dict, version: str | None
) -> JointInitiative:
    """Save the edit unless someone saved the initiative since the form was loaded (raises
    StaleEdit, nothing written). The owner and the status are not edited here (the status
    changes through initiative_change_status, dated)."""
    submitted = {f: data[f] for f in INITIATIVE_FIELDS if f in data}
    if "participants" in data:
        submitted["participants"] = list(data["participants"])
    check_version(instance=initiative, version=version, submitted=submitted)
    already = set(initiative.participants.values_list("pk", flat=True))
    for name, value in submitted.items():
        if name != "participants":
            setattr(initiative, name, value)
    initiative.updated_by = user
    initiative.full_clean()
    if "participants" in submitted:
        errors = participant_errors(
            owner=initiative.owner, participants=submitted["participants"], already=already
        )
        if errors:
            raise ValidationError({"participants": errors})
    _move_first_status_change(initiative)
    initiative.save()
    if "participants" in submitted:
        initiative.participants.set(submitted["participants"])
    return initiative


def _move_first_status_change(initiative: JointInitiative) -> None:
    """The first status is dated the day the initiative started: it follows a new start
    date, which may not pass a later change."""
    changes = list(initiative.status_changes.order_by("changed_on", "pk")[:2])
    if not changes or changes[0].changed_on == initiative.started_on:
        return
    if len(changes) > 1 and initiative.started_on > changes[1].changed_on:
        raise ValidationError(
            {
                "started_on": _(
                    "The status changed on %(date)s: the initiative must have started by then."
                )
                % {"date": _day(changes[1].changed_on)}
            }
        )
    changes[0].changed_on = initiative.started_on
    changes[0].save(update_fields=["changed_on"])


@transaction.atomic
def initiative_change_status(
    *, user, initiative: JointInitiative, status: str, changed_on: datetime.date, note: str = ""
) -> InitiativeStatusChange:
    """A new status from a date on: not before the last change, not in the future. The
    change row and the initiative's status are written together."""
    initiative = (
        JointInitiative.objects.select_for_update(of=("self",))
        .select_related("group", "cooperative")
        .get(pk=initiative.pk)
    )
    if not selectors.initiatives_editable(user).filter(pk=initiative.pk).exists():
        raise ValidationError(_("You can only change initiatives of your districts."))
    errors = []
    if status not in JointInitiative.Status.values:
        errors.append(_("Choose a status from the list."))
    elif status == initiative.status:
        errors.append(
            _("The initiative is already %(status)s.") % {"status": initiative.get_status_display()}
        )
    if changed_on > timezone.localdate():
        errors.append(_("The date of a status change cannot be in the future."))
    if changed_on < initiative.started_on:
        errors.append(
            _("The initiative started on %(date)s: its status cannot change before that.")
            % {"date": _day(initiative.started_on)}
        )
    last = initiative.status_changes.order_by("-changed_on", "-pk").first()
    if last is not None and changed_on < last.changed_on:
        errors.append(
            _("The status last changed on %(date)s: a new change cannot be dated earlier.")
            % {"date": _day(last.changed_on)}
        )
    if errors:
        raise ValidationError(errors)
    change = InitiativeStatusChange(
        initiative=initiative, status=status, changed_on=changed_on, note=note, recorded_by=user
    )
    change.full_clean()
    change.save()
    initiative.status = status
    initiative.updated_by = user
    initiative.save()
    return change


# Support activities ---------------------------------------------------------------------


def recipient_errors(
    *, user, groups: list[SelfHelpGroup], cooperative: Cooperative | None, held_on
) -> dict[str, list[str]]:
    """Exactly one kind of recipient: groups of one province, or one cooperative, all of
    which the user may change, and existing on the day."""
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if groups and cooperative is not None:
        add(
            "cooperative",
            _("Support goes to groups or to a cooperative: choose one of the two, not both."),
        )
    elif not groups and cooperative is None:
        add("groups", _("Choose the groups, or the cooperative, that received the support."))
    provinces = {g.district.province for g in groups}
    if len(provinces) > 1:
        add(
            "groups",
            _("The groups must all be in one province; these are in %(provinces)s.")
            % {"provinces": ", ".join(sorted(str(p) for p in provinces))},
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
    if cooperative is not None and not _may_edit_owner(user, cooperative):
        add("cooperative", _("You can only choose a cooperative of your districts."))
    if held_on:
        young = [g for g in groups if g.established_on > held_on]
        if young:
            add(
                "held_on",
                _("Not yet established on that date: %(groups)s.") % {"groups": _names(young)},
            )
        if cooperative is not None and cooperative.formed_on > held_on:
            add(
                "held_on",
                _("The cooperative was formed on %(date)s, after that date.")
                % {"date": _day(cooperative.formed_on)},
            )
    return errors


def _apply_support(activity: SupportActivity, *, user, data: dict) -> list[SelfHelpGroup]:
    groups = list(data.get("groups") or [])
    cooperative = data.get("cooperative")
    for name in SUPPORT_FIELDS:
        if name in data:
            setattr(activity, name, data[name])
    activity.recipient = (
        SupportActivity.Recipient.COOPERATIVE
        if cooperative is not None and not groups
        else SupportActivity.Recipient.GROUPS
    )
    activity.updated_by = user
    errors = recipient_errors(
        user=user, groups=groups, cooperative=cooperative, held_on=data.get("held_on")
    )
    try:
        activity.full_clean()
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            for message in messages:
                if message not in errors.get(name, []):
                    errors.setdefault(name, []).append(message)
    if errors:
        raise ValidationError(errors)
    return groups


@transaction.atomic
def support_create(*, user, data: dict) -> SupportActivity:
    activity = SupportActivity(created_by=user)
    groups = _apply_support(activity, user=user, data=data)
    activity.save()
    activity.groups.set(groups)
    return activity


@transaction.atomic
def support_update(
    *, activity: SupportActivity, user, data: dict, version: str | None
) -> SupportActivity:
    """Save the edit unless someone saved the activity since the form was loaded (raises
    StaleEdit, nothing written)."""
    submitted = {f: data[f] for f in SUPPORT_FIELDS if f in data}
    submitted["groups"] = list(data.get("groups") or [])
    check_version(instance=activity, version=version, submitted=submitted)
    groups = _apply_support(activity, user=user, data=data)
    activity.save()
    activity.groups.set(groups)
    return activity
