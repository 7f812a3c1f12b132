"""Writes of members. Each is one transaction; validation runs before anything is saved, and a
database refusal caused by someone else's simultaneous change comes back as a message."""

import datetime
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groups.models import SelfHelpGroup
from groups.selectors import groups_editable
from members.models import Member
from rmp_portal.core.concurrency import check_version

EDITABLE_FIELDS = (
    "surname",
    "given_name",
    "patronymic",
    "sex",
    "birth_year",
    "phone",
    "role",
    "joined_on",
    "head_of_household",
    "migration_link",
    "skills",
)
# What a transfer copies to the new membership: the person, not the role or dates.
PERSON_FIELDS = (
    "surname",
    "given_name",
    "patronymic",
    "sex",
    "birth_year",
    "phone",
    "head_of_household",
    "migration_link",
    "skills",
)

RACE_MESSAGE = _(
    "Someone else changed this group's members at the same moment, so nothing was saved. "
    "Reload the page and try again."
)


@contextmanager
def _refused_as_message() -> Iterator[None]:
    """The database's constraints are the last word (a second leader saved by someone else
    between our check and our write); turn their refusal into a message."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as error:
        raise ValidationError(RACE_MESSAGE) from error


def _save(member: Member, user) -> None:
    member.updated_by = user
    member._history_user = user  # who, in the change history, also outside a request
    member.full_clean()
    member.save()


def _locked(member: Member) -> Member:
    return Member.objects.select_for_update().select_related("group").get(pk=member.pk)


@transaction.atomic
def member_create(*, user, data: dict) -> Member:
    if not groups_editable(user).filter(pk=data["group"].pk).exists():
        raise ValidationError({"group": _("You cannot add members to this group.")})
    member = Member(group=data["group"], **{f: data[f] for f in EDITABLE_FIELDS if f in data})
    member.created_by = user
    with _refused_as_message():
        _save(member, user)
    return member


@transaction.atomic
def member_update(*, member: Member, user, data: dict, version: str | None) -> Member:
    """Save the edit unless someone else saved the member since the form was loaded
    (raises StaleEdit, and nothing is written)."""
    submitted = {f: data[f] for f in EDITABLE_FIELDS if f in data}
    check_version(instance=member, version=version, submitted=submitted)
    for name, value in submitted.items():
        setattr(member, name, value)
    with _refused_as_message():
        _save(member, user)
    return member


@transaction.atomic
def member_leave(*, member: Member, user, left_on: datetime.date) -> Member:
    """Record that the member left on `left_on`. The record stays; a leader who leaves
    leaves her group without a leader until another member is made leader."""
    member = _locked(member)
    if member.left_on is not None:
        raise ValidationError(_("This member already left the group."))
    if left_on > timezone.localdate():
        raise ValidationError({"left_on": _("The date of leaving cannot be in the future.")})
    if left_on < member.joined_on:
        raise ValidationError({"left_on": _("A member cannot leave before the date they joined.")})
    member.left_on = left_on
    with _refused_as_message():
        _save(member, user)
    return member


@transaction.atomic
def member_make_leader(*, member: Member, user) -> tuple[Member, list[Member]]:
    """Make a current woman member the leader; the current leader, if any, becomes an
    ordinary member in the same transaction. Returns the leader and whoever was demoted."""
    member = _locked(member)
    if member.left_on is not None:
        raise ValidationError(_("A former member cannot be made leader."))
    if member.sex == Member.Sex.MALE:
        raise ValidationError(_("Self-help groups are led by women: a man cannot be made leader."))
    if member.role == Member.Role.LEADER:
        raise ValidationError(_("This member is already the leader."))
    previous = list(
        Member.objects.select_for_update()
        .filter(group_id=member.group_id, role=Member.Role.LEADER)
        .current()
        .order_by("pk")
    )
    with _refused_as_message():
        for leader in previous:
            leader.role = Member.Role.MEMBER
            _save(leader, user)
        member.role = Member.Role.LEADER
        _save(member, user)
    return member, previous


@transaction.atomic
def member_transfer(
    *, member: Member, user, to_group: SelfHelpGroup, on_date: datetime.date
) -> Member:
    """Move a member to another group on `on_date`: this membership ends that day and a new
    one, as an ordinary member, starts in `to_group` (linked by `transferred_from`). A leader
    who moves leaves her old group without a leader."""
    member = _locked(member)
    errors: dict[str, list] = {}
    if member.left_on is not None:
        raise ValidationError(_("A former member cannot be transferred."))
    if to_group.pk == member.group_id:
        errors.setdefault("to_group", []).append(_("The member is already in this group."))
    elif not groups_editable(user).filter(pk=to_group.pk).exists():
        errors.setdefault("to_group", []).append(_("You cannot add members to this group."))
    elif to_group.status == SelfHelpGroup.Status.DISSOLVED:
        errors.setdefault("to_group", []).append(_("This group is dissolved."))
    elif on_date < to_group.established_on:
        errors.setdefault("on_date", []).append(
            _("The group %(code)s was established only on %(date)s.")
            % {"code": to_group.code, "date": to_group.established_on.isoformat()}
        )
    if on_date > timezone.localdate():
        errors.setdefault("on_date", []).append(_("The date cannot be in the future."))
    elif on_date < member.joined_on:
        errors.setdefault("on_date", []).append(
            _("The member joined only on %(date)s.") % {"date": member.joined_on.isoformat()}
        )
    if errors:
        raise ValidationError(errors)
    moved = Member(
        group=to_group,
        role=Member.Role.MEMBER,
        joined_on=on_date,
        transferred_from=member,
        created_by=user,
        **{f: getattr(member, f) for f in PERSON_FIELDS},
    )
    with _refused_as_message():
        member.left_on = on_date
        _save(member, user)
        _save(moved, user)
    return moved
