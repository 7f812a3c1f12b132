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


# ---- personal data (rmp_portal.core.access.PERSONAL_FIELDS) ----------------------------------
# Every answer that depends on a member's phone, birth year or patronymic comes from a
# condition built here, so that it is computed only over the members whose personal data the
# user may see: elsewhere the same question gets the answer it would get without the data.


NOBODY = Q(pk__in=[])


def personal_scope(scope: access.Scope, path: str = "group__district_id") -> Q | None:
    """The members whose personal data `scope` shows (`path` leads to their district);
    None: all of them (admins, programme-wide managers)."""
    ids = scope.personal_district_ids
    return None if ids is None else Q(**{f"{path}__in": ids})


def _split_by_personal_scope(scope: access.Scope, personal: Q, elsewhere: Q) -> Q:
    """`personal` on the members whose personal data the user sees, `elsewhere` on the others
    (an empty Q matches nobody there)."""
    inside = personal_scope(scope)
    if inside is None:
        return personal or NOBODY
    parts = []
    if personal and scope.personal_district_ids:
        parts.append(inside & personal)
    if elsewhere:
        parts.append(elsewhere & ~inside if scope.personal_district_ids else elsewhere)
    if not parts:
        return NOBODY
    return parts[0] if len(parts) == 1 else parts[0] | parts[1]


def with_personal_data(queryset: QuerySet[Member], *, user) -> QuerySet[Member]:
    """`queryset` narrowed to the members whose personal data the user may see (filters on a
    personal field, such as the age band, find nobody elsewhere)."""
    inside = personal_scope(access.scope_for(user))
    return queryset if inside is None else queryset.filter(inside)


def name_search(*, user, tokens: list[str], digits: str = "") -> Q | None:
    """The registry search: members whose name holds every (folded) token, the patronymic
    counting only where the user may see it (`search_key`; elsewhere `name_key`, the name the
    registry shows); or, with `digits`, whose phone holds them, only where the user may see
    phones. None: no condition (an empty search)."""
    if not tokens and not digits:
        return None
    scope = access.scope_for(user)
    full, names = Q(), Q()
    for token in tokens:
        full &= Q(search_key__contains=token)
        names &= Q(name_key__contains=token)
    personal = full
    if digits:
        phone = Q(phone_digits__contains=digits)
        personal = (full | phone) if tokens else phone
    return _split_by_personal_scope(scope, personal, names)


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
    """The group's current leader's name contains the (folded) search word: her surname or
    given name, as the registry shows her (`name_key`); never her patronymic, which is
    personal data this condition cannot scope (it does not know the user)."""
    return Exists(current_leaders().filter(group=OuterRef("pk"), name_key__contains=token))


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
    """Current members of any group who may be this person.

    Where the user may see a member's personal data: the same surname and given name
    (spelled in either script, -ov/-ova alike) and birth year, or the same phone number. A
    member without a birth year on either side matches on the name alone: a warning too many
    costs one click, a duplicate costs a wrong figure.

    Everywhere else the check compares only what the user could read anyway: the surname and
    given name (`name_key`, without the patronymic), never the phone or the birth year, so the
    answer is the same for a real and an invented phone number or year."""
    scope = access.scope_for(user)
    key = search_key(surname, given_name)
    digits = phone_key(phone)
    phone_tail = digits[-PHONE_MATCH_DIGITS:] if len(digits) >= PHONE_MIN_DIGITS else ""
    personal = Q()
    if key:
        name = Q(search_key=key) | Q(search_key__startswith=key + " ")
        if birth_year is not None:
            name &= Q(birth_year=birth_year) | Q(birth_year__isnull=True)
        personal |= name
    if phone_tail:
        personal |= Q(phone_digits__endswith=phone_tail)
    elsewhere = Q(name_key=key) | Q(name_key__startswith=key + " ") if key else Q()
    if not personal:
        return []
    conditions = _split_by_personal_scope(scope, personal, elsewhere)
    matches = list(
        Member.objects.current()
        .filter(conditions)
        .select_related("group__district")
        .order_by("group__code", "pk")[:10]
    )
    result = []
    for match in matches:
        shows_personal = scope.may_see_personal_data(match.group.district_id)
        result.append(
            PossibleDuplicate(
                member=match if scope.may_read_province(match.group.district.province_id) else None,
                personal=shows_personal,
                same_name=search_key(match.surname, match.given_name) == key,
                same_phone=shows_personal
                and bool(phone_tail)
                and match.phone_digits.endswith(phone_tail),
            )
        )
    return result


# What an import's duplicate check reads of each match (a file of 20,000 rows).
DUPLICATE_FIELDS = ("surname", "given_name", "birth_year", "name_key", "group__code",
                    "group__district__province_id")  # fmt: skip


def name_duplicates(
    *, user, people: list[tuple[str, str, int | None, int | None]]
) -> list[list[PossibleDuplicate]]:
    """For each (surname, given name, birth year, group id) of a file being imported: the
    current members of other groups with exactly that surname and given name (folded), and
    the same birth year or none on either side; the birth year is compared only where the
    user may see it (the rule of `possible_duplicates`). One query per thousand names."""
    scope = access.scope_for(user)
    wanted = [(search_key(surname, given), year, group) for surname, given, year, group in people]
    keys = sorted({key for key, _year, _group in wanted} - {""})
    found: dict[str, list[Member]] = {}
    for start in range(0, len(keys), 1000):
        for match in (
            Member.objects.current()
            .filter(name_key__in=keys[start : start + 1000])
            .select_related("group__district")
            .only(*DUPLICATE_FIELDS)
            .order_by("group__code", "pk")
        ):
            found.setdefault(match.name_key, []).append(match)
    result = []
    for key, birth_year, group_id in wanted:
        duplicates = []
        for match in found.get(key, []):
            if match.group_id == group_id:
                continue
            shows_personal = scope.may_see_personal_data(match.group.district_id)
            if (
                shows_personal
                and None not in (birth_year, match.birth_year)
                and birth_year != match.birth_year
            ):
                continue
            visible = scope.may_read_province(match.group.district.province_id)
            duplicates.append(
                PossibleDuplicate(
                    member=match if visible else None,
                    personal=shows_personal,
                    same_name=True,
                    same_phone=False,
                )
            )
        result.append(duplicates)
    return result
