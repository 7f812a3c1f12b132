"""Data quality: records that break a rule of the programme which the database cannot hold
at every moment (a group needs a leader and members, a cooperative two groups), or that look
like typing mistakes (an impossible age, a departure in the future, a phone number that is
not one, one person registered in two groups).

Everything is counted in the database, within the reader's scope (rmp_portal.core.access): the
counts take one query, the rows shown one query per line, however many records there are.
Everyone with a role reads this: managers their provinces (programme-wide: all), admins
everything, and field officers -- who fix the records -- their own districts only (the
records they may change), not the rest of their province. Those are all records whose
personal data (a birth year, a phone number) the reader sees, so the page shows them.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import (
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Concat, StrIndex, Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cooperatives.models import Cooperative, CooperativeMembership
from cooperatives.selectors import cooperatives_editable, cooperatives_visible
from groups.models import Province, SelfHelpGroup
from groups.selectors import groups_editable, groups_visible, provinces_visible
from members.models import MAX_AGE, MIN_AGE, Member
from members.selectors import members_editable, members_visible
from rmp_portal.core import access
from rmp_portal.core.phones import invalid_phone

MIN_GROUP_MEMBERS = 3
MIN_COOPERATIVE_GROUPS = 2
# Rows listed per line; the count above them is always the full one.
ROWS = 100
ROLES = ("admin", "manager", "field_officer")


def may_read(user) -> bool:
    return access.scope_for(user).role in ROLES


def by_district(user) -> bool:
    """Whether the user's report covers their districts (field officers) rather than the
    provinces they read."""
    return access.scope_for(user).role == "field_officer"


@dataclass(frozen=True)
class Scope:
    """What one report covers: the reader's records (a field officer's: those of their
    districts; everyone else's: those of the provinces they read), optionally one province's."""

    groups: QuerySet
    members: QuerySet
    cooperatives: QuerySet
    today: datetime.date

    @classmethod
    def of(cls, user, province: Province | None = None) -> "Scope":
        if by_district(user):
            groups = groups_editable(user)
            members = members_editable(user)
            cooperatives = cooperatives_editable(user)
        else:
            groups = groups_visible(user)
            members = members_visible(user)
            cooperatives = cooperatives_visible(user)
        if province is not None:
            groups = groups.filter(district__province=province)
            members = members.filter(group__district__province=province)
            cooperatives = cooperatives.filter(district__province=province)
        return cls(groups, members, cooperatives, timezone.localdate())


@dataclass
class Line:
    key: str
    title: str
    description: str
    kind: str  # what a row is: "group", "member", "cooperative" or "person"
    count: int = 0
    rows: list = field(default_factory=list)

    @property
    def more(self) -> int:
        return max(self.count - len(self.rows), 0)


LINES = [
    Line(
        "no_leader",
        _("Active groups without a current leader"),
        _("Every group is led by a woman: make one of its current members leader."),
        "group",
    ),
    Line(
        "small_groups",
        _("Active groups with fewer than three current members"),
        _("A self-help group has at least three members."),
        "group",
    ),
    Line(
        "small_cooperatives",
        _("Cooperatives with fewer than two current groups"),
        _("A cooperative joins several groups; those not dissolved are listed."),
        "cooperative",
    ),
    Line(
        "ages",
        _("Current members younger than 14 or older than 100"),
        _("By birth year and this year: probably a mistyped birth year."),
        "member",
    ),
    Line(
        "future_departures",
        _("Members with a date of leaving in the future"),
        _("A departure is recorded when it happens: correct the date."),
        "member",
    ),
    Line(
        "phones",
        _("Members with a phone number that is not valid"),
        _(
            "Saved before phone numbers were checked: correct the number on the member's page "
            "(a Tajik mobile number is +992 and nine digits) or remove it."
        ),
        "member",
    ),
    Line(
        "duplicates",
        _("Possible duplicate people"),
        _(
            "The same surname and given name (in either script, -ov/-ova alike) and birth "
            "year, current members of two or more groups."
        ),
        "person",
    ),
]


# The records of each line ----------------------------------------------------------------


def _active(groups: QuerySet) -> QuerySet:
    return groups.filter(status=SelfHelpGroup.Status.ACTIVE)


def _current_count(outer: str, queryset: QuerySet) -> Coalesce:
    counted = (
        queryset.filter(**{outer: OuterRef("pk")})
        .order_by()
        .values(outer)
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _groups(scope: Scope) -> QuerySet:
    leader = Member.objects.current().filter(group=OuterRef("pk"), role=Member.Role.LEADER)
    return _active(scope.groups).annotate(
        has_leader=Exists(leader),
        current_members=_current_count("group", Member.objects.current()),
    )


def groups_without_leader(scope: Scope) -> QuerySet:
    return _groups(scope).filter(has_leader=False)


def small_groups(scope: Scope) -> QuerySet:
    return _groups(scope).filter(current_members__lt=MIN_GROUP_MEMBERS)


def small_cooperatives(scope: Scope) -> QuerySet:
    current = CooperativeMembership.objects.filter(left_on__isnull=True)
    return (
        scope.cooperatives.exclude(status=Cooperative.Status.DISSOLVED)
        .annotate(current_groups=_current_count("cooperative", current))
        .filter(current_groups__lt=MIN_COOPERATIVE_GROUPS)
    )


def _age_condition(today: datetime.date) -> Q:
    # The rule of Member.clean(): MIN_AGE <= this year - birth year <= MAX_AGE.
    return Q(birth_year__gt=today.year - MIN_AGE) | Q(birth_year__lt=today.year - MAX_AGE)


def implausible_ages(scope: Scope) -> QuerySet:
    return scope.members.current().filter(_age_condition(scope.today))


def future_departures(scope: Scope) -> QuerySet:
    return scope.members.filter(left_on__gt=scope.today)


def invalid_phones(scope: Scope) -> QuerySet:
    """Members, current or former, whose stored phone is not a valid number in the one format
    (rmp_portal.core.phones.invalid_phone): numbers saved before they were checked."""
    return scope.members.filter(invalid_phone("phone"))


def _name_key():
    """The first two words of the member's search key: the surname and given name folded
    (Latin, -ov/-ova alike), without the patronymic that search_key ends with.

    search_key(surname, given_name, patronymic) is search_key(surname, given_name) followed
    by the patronymic's words, so two people with the same folded surname and given name
    always share these two words: no duplicate is missed. A surname or given name of two
    words makes the key coarser (a pair too many to check, never one too few)."""
    text = Concat(F("search_key"), Value(" "), output_field=TextField())
    first_space = StrIndex(text, Value(" "))
    rest = Substr(text, first_space + 1)
    return Substr(text, 1, first_space + StrIndex(rest, Value(" ")) - 1)


def _people(scope: Scope) -> QuerySet:
    """Current members with a birth year, each with the key of the person they are."""
    return (
        scope.members.current()
        .filter(birth_year__isnull=False)
        .annotate(
            person=Concat(
                _name_key(),
                Value("|"),
                Cast("birth_year", CharField()),
                output_field=TextField(),
            )
        )
    )


def duplicate_people(scope: Scope) -> QuerySet:
    """One row per possible duplicate person: the key, in two or more groups."""
    return (
        _people(scope)
        .order_by()
        .values("person")
        .annotate(groups=Count("group", distinct=True))
        .filter(groups__gte=2)
    )


@dataclass(frozen=True)
class Person:
    surname: str
    given_name: str
    birth_year: int
    memberships: list


def _duplicate_rows(scope: Scope, limit: int) -> list[Person]:
    keys = duplicate_people(scope).order_by("person").values("person")[:limit]
    members = (
        _people(scope)
        .filter(person__in=Subquery(keys))
        .select_related("group")
        .order_by("person", "group__code", "pk")
    )
    by_person = defaultdict(list)
    for member in members:
        by_person[member.person].append(member)
    return [Person(m[0].surname, m[0].given_name, m[0].birth_year, m) for m in by_person.values()]


# The report ------------------------------------------------------------------------------


def counts(scope: Scope) -> dict[str, int]:
    """Each line's count, all in one statement (the dashboards show their total)."""
    return count_all(
        {
            "no_leader": groups_without_leader(scope),
            "small_groups": small_groups(scope),
            "small_cooperatives": small_cooperatives(scope),
            "ages": implausible_ages(scope),
            "future_departures": future_departures(scope),
            "phones": invalid_phones(scope),
            "duplicates": duplicate_people(scope),
        }
    )


def count_all(querysets: dict[str, QuerySet]) -> dict[str, int]:
    """The number of rows of each queryset, in one query: SELECT (SELECT COUNT(*) FROM
    (...)), ... -- the SQL Django compiles for each, with its parameters, so nothing from the
    request is ever written into the statement."""
    parts, params = [], []
    for n, queryset in enumerate(querysets.values()):
        if queryset._fields is None:  # rows of a model: only the key is needed
            queryset = queryset.values("pk")
        sql, part_params = queryset.order_by().query.sql_with_params()
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS q{n})")  # noqa: S608 - Django's SQL
        params.extend(part_params)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        row = cursor.fetchone()
    return dict(zip(querysets, row, strict=True))


def total(scope: Scope) -> int:
    return sum(counts(scope).values())


def report(scope: Scope, *, rows: int | None = None) -> list[Line]:
    """Every line with its count and its first `rows` (default ROWS) records."""
    rows = ROWS if rows is None else rows
    numbers = counts(scope)
    lines = [
        Line(line.key, line.title, line.description, line.kind, count=numbers[line.key])
        for line in LINES
    ]
    finders = {
        "no_leader": lambda: (
            groups_without_leader(scope).select_related("district").order_by("code")
        ),
        "small_groups": lambda: small_groups(scope).select_related("district").order_by("code"),
        "small_cooperatives": lambda: (
            small_cooperatives(scope).select_related("district").order_by("name", "pk")
        ),
        "ages": lambda: (
            implausible_ages(scope)
            .annotate(age=Value(scope.today.year) - F("birth_year"))
            .select_related("group")
            .order_by("birth_year", "surname", "pk")
        ),
        "future_departures": lambda: (
            future_departures(scope).select_related("group").order_by("left_on", "surname", "pk")
        ),
        "phones": lambda: (
            invalid_phones(scope).select_related("group").order_by("group__code", "surname", "pk")
        ),
    }
    for line in lines:
        if line.key == "duplicates":
            line.rows = _duplicate_rows(scope, rows)
        else:
            line.rows = list(finders[line.key]()[:rows])
    return lines


def provinces(user) -> Iterable[Province]:
    return provinces_visible(user).order_by("code")
