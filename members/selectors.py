"""Reads of members: scoped through rmp_portal.core.access; what each page shows, fetched once."""

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Concat
from django.shortcuts import get_object_or_404

from groups.selectors import count_of
from members.models import Member
from rmp_portal.core import access
from rmp_portal.core.text import phone_key, search_key


def members_visible(user) -> QuerySet[Member]:
    return access.by_province(
        Member.objects.all(), access.scope_for(user), "group__district__province_id"
    )


def members_editable(user) -> QuerySet[Member]:
    return access.by_district(Member.objects.all(), access.scope_for(user), "group__district_id")


# Numbers are written with and without the country (+992) and operator prefixes: the last nine
# digits (a Tajik subscriber number) identify a phone.
PHONE_MATCH_DIGITS = 9
PHONE_MIN_DIGITS = 7


def current_members(as_of: datetime.date | None = None) -> QuerySet[Member]:
    return Member.objects.current() if as_of is None else Member.objects.current_on(as_of)


def current_leaders(as_of: datetime.date | None = None) -> QuerySet[Member]:
    leaders = Member.objects.filter(role=Member.Role.LEADER)
    return leaders.current() if as_of is None else leaders.current_on(as_of)


# ---- what the groups registry shows and filters of a group's members -----------------------
# (registered with groups.selectors in MembersConfig.ready())


def group_row_annotations(as_of: datetime.date | None) -> dict:
    """A group's current women and men and its leader (name and id), as of a date."""
    members = current_members(as_of)
    leader = (
        current_leaders(as_of)
        .filter(group=OuterRef("pk"))
        .annotate(display=Concat("surname", Value(" "), "given_name"))
    )
    return {
        "current_women": count_of(members.filter(sex=Member.Sex.FEMALE)),
        "current_men": count_of(members.filter(sex=Member.Sex.MALE)),
        "leader_name": Subquery(leader.values("display")[:1]),
        "leader_id": Subquery(leader.values("pk")[:1]),
    }


def group_has_men(as_of: datetime.date | None = None) -> Exists:
    return Exists(current_members(as_of).filter(group=OuterRef("pk"), sex=Member.Sex.MALE))


def group_has_leader(as_of: datetime.date | None = None) -> Exists:
    return Exists(current_leaders(as_of).filter(group=OuterRef("pk")))


def group_leader_matches(token: str) -> Exists:
    """The group's current leader's name contains the (folded) search word."""
    return Exists(current_leaders().filter(group=OuterRef("pk"), search_key__contains=token))


def member_registry(*, user, as_of: datetime.date | None = None) -> QuerySet[Member]:
    """Members the user may read; with a reporting date, only those who had joined by then
    (whether they were still members then is the `status` filter's business)."""
    queryset = members_visible(user).select_related("group__district__province")
    if as_of is not None:
        queryset = queryset.filter(joined_on__lte=as_of)
    return queryset


def member_detail(*, user, pk: int) -> Member:
    return get_object_or_404(
        members_visible(user).select_related(
            "group__district__province", "transferred_from__group"
        ),
        pk=pk,
    )


def member_editable(*, user, pk: int) -> Member:
    return get_object_or_404(
        members_editable(user).select_related("group__district__province"), pk=pk
    )


def transfers_to(*, user, member: Member) -> list[Member]:
    """The memberships this one was transferred to, as far as the user may read them."""
    return list(
        members_visible(user)
        .filter(transferred_from=member)
        .select_related("group")
        .order_by("joined_on", "pk")
    )


@dataclass(frozen=True)
class HistoryEvent:
    when: datetime.datetime
    kind: str  # "registered", "role", "left", "returned"
    role: str = ""
    previous_role: str = ""
    date: datetime.date | None = None
    user: str = ""


def member_history(*, member: Member) -> list[HistoryEvent]:
    """The dated changes of role and of leaving, from the change history (simple-history)."""
    roles = dict(Member.Role.choices)
    records = member.history.select_related("history_user").order_by("history_date", "history_id")
    events: list[HistoryEvent] = []
    previous = None
    for record in records:
        who = record.history_user.get_username() if record.history_user else ""
        if previous is None:
            events.append(
                HistoryEvent(
                    record.history_date,
                    "registered",
                    role=roles.get(record.role, record.role),
                    date=record.joined_on,
                    user=who,
                )
            )
        else:
            if record.role != previous.role:
                events.append(
                    HistoryEvent(
                        record.history_date,
                        "role",
                        role=roles.get(record.role, record.role),
                        previous_role=roles.get(previous.role, previous.role),
                        user=who,
                    )
                )
            if record.left_on != previous.left_on:
                kind = "returned" if record.left_on is None else "left"
                events.append(
                    HistoryEvent(record.history_date, kind, date=record.left_on, user=who)
                )
        previous = record
    return events


@dataclass(frozen=True)
class PossibleDuplicate:
    member: Member | None  # None: in a group the user may not read
    personal: bool  # the user may see this member's personal data
    same_name: bool
    same_phone: bool


def possible_duplicates(
    *, user, surname: str, given_name: str, birth_year: int | None, phone: str
) -> list[PossibleDuplicate]:
    """Current members of any group who may be this person: the same surname and given name
    (spelled in either script, -ov/-ova alike) and birth year, or the same phone number.

    A member without a birth year on either side matches on the name alone: a warning too many
    costs one click, a duplicate costs a wrong figure."""
    key = search_key(surname, given_name)
    conditions = Q()
    if key:
        name = Q(search_key=key) | Q(search_key__startswith=key + " ")
        if birth_year is not None:
            name &= Q(birth_year=birth_year) | Q(birth_year__isnull=True)
        conditions |= name
    digits = phone_key(phone)
    if len(digits) >= PHONE_MIN_DIGITS:
        conditions |= Q(phone_digits__endswith=digits[-PHONE_MATCH_DIGITS:])
    if not conditions:
        return []
    matches = list(
        Member.objects.current()
        .filter(conditions)
        .select_related("group__district")
        .order_by("group__code", "pk")[:10]
    )
    visible = set(
        members_visible(user).filter(pk__in=[m.pk for m in matches]).values_list("pk", flat=True)
    )
    scope = access.scope_for(user)
    result = []
    for match in matches:
        same_name = search_key(match.surname, match.given_name) == key
        same_phone = len(digits) >= PHONE_MIN_DIGITS and match.phone_digits.endswith(
            digits[-PHONE_MATCH_DIGITS:]
        )
        result.append(
            PossibleDuplicate(
                member=match if match.pk in visible else None,
                personal=match.pk in visible
                and scope.may_see_personal_data(match.group.district_id),
                same_name=same_name,
                same_phone=same_phone,
            )
        )
    return result
