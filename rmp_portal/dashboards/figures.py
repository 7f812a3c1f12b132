"""Dashboard figures: aggregate SQL over the registry as it stood on a reporting date.

Every figure is counted the way the registry counts the list it links to, and each figure
carries that list's query string (`Figure.url`), so following a link always shows the number
that was clicked. The definitions, for a reporting date D and a period [start, end]:

- groups: established on or before D and not dissolved by D (any status, since a group's
  becoming inactive is not dated) -- /groups/?as_of=D;
- current members: joined on or before D and not left by D (left_on > D is still a member),
  whatever became of their group -- /members/?status=current&as_of=D, as the members
  registry counts them;
- groups with men / with a (woman) leader / in a cooperative: those groups with a current
  man member / a current leader (always a woman: a database rule) / a cooperative
  membership open on D -- /groups/?as_of=D&has_men=yes, needs_leader=no, in_cooperative=yes;
- cooperatives: formed on or before D and not dissolved by D, split by their status --
  /cooperatives/?as_of=D[&status=...];
- new groups, members who joined, members who left: dated within the period, whatever
  happened since -- established_after/_before, joined_after/_before, left_after/_before.

Each dashboard costs the same handful of queries whatever the data size: one GROUP BY per
register (groups, members, cooperatives) with conditional counts, two for the yearly series,
one for activities and one for targets. At national scale (1,000,000 members) those take about
half a second, so the figures are cached until a write changes them (see "Caching" below and
docs/performance.md).
"""

import dataclasses
import datetime
import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.db.models.functions import ExtractYear
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cooperatives.models import Cooperative
from cooperatives.selectors import current_memberships
from groups.models import ActivityType, District, Province, SelfHelpGroup
from members.models import Member
from members.selectors import current_leaders, current_members
from rmp_portal.core.cache import cached
from rmp_portal.models import Target

# The earliest reporting date accepted: nothing in the registry is older.
EARLIEST = datetime.date(2000, 1, 1)


# Reporting date and period ---------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date

    @classmethod
    def year_to(cls, day: datetime.date) -> "Period":
        """The twelve months ending on `day` (inclusive)."""
        try:
            year_before = day.replace(year=day.year - 1)
        except ValueError:  # 29 February
            year_before = day.replace(year=day.year - 1, day=28)
        return cls(year_before + datetime.timedelta(days=1), day)


@dataclass(frozen=True)
class ReportingDates:
    as_of: datetime.date
    period: Period
    is_today: bool
    notices: tuple[str, ...] = ()
    # What the user asked for, echoed in the form (only valid values).
    requested: dict = field(default_factory=dict)


TYPED_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")


def _parse_date(value: str) -> datetime.date | None:
    """A date from the query string: ISO, 2026-11-24 (the figures' links), or as typed in the
    controls, 24.11.2026. Nothing else."""
    if not value:
        return None
    value = value.strip()
    try:
        if typed := TYPED_DATE.fullmatch(value):
            day, month, year = (int(part) for part in typed.groups())
            return datetime.date(year, month, day)
        if len(value) != 10 or value[4] != "-" or value[7] != "-":
            return None
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None


def reporting_dates(query) -> ReportingDates:
    """The reporting date and period from the query string (`as_of`, `period_start`,
    `period_end`); anything malformed or out of range falls back, with a notice."""
    today = timezone.localdate()
    notices: list[str] = []
    requested: dict = {}
    as_of = today
    raw = query.get("as_of")
    if raw:
        parsed = _parse_date(raw)
        if parsed is None or parsed < EARLIEST:
            notices.append(
                _("“%(value)s” is not a reporting date (YYYY-MM-DD, from 2000): today’s figures.")
                % {"value": raw[:20]}
            )
        elif parsed > today:
            notices.append(_("The reporting date cannot be in the future: today’s figures."))
        else:
            as_of = parsed
            requested["as_of"] = parsed
    period = Period.year_to(as_of)
    raw_start, raw_end = query.get("period_start"), query.get("period_end")
    if raw_start or raw_end:
        start = _parse_date(raw_start) if raw_start else period.start
        end = _parse_date(raw_end) if raw_end else as_of
        if start is None or end is None or start < EARLIEST:
            notices.append(_("The period is not valid (YYYY-MM-DD): the last twelve months."))
        elif start > end:
            notices.append(_("The period starts after it ends: the last twelve months."))
        elif end > as_of:
            notices.append(
                _("The period cannot end after the reporting date: the last twelve months.")
            )
        else:
            period = Period(start, end)
            requested.update(period_start=start, period_end=end)
    return ReportingDates(
        as_of=as_of,
        period=period,
        is_today=as_of == today,
        notices=tuple(str(n) for n in notices),
        requested=requested,
    )


# Figures and their drill-down links -----------------------------------------------------


@dataclass(frozen=True)
class Figure:
    key: str
    value: int
    url: str | None = None


def registry_url(registry: str, params: dict) -> str | None:
    """The registry list filtered by `params`; None while that registry does not exist."""
    try:
        path = reverse(f"{registry}:list")
    except NoReverseMatch:
        return None
    return f"{path}?{urlencode(params)}"


def figure_query(key: str, dates: ReportingDates) -> tuple[str, dict]:
    """The registry and query string that list exactly what figure `key` counts."""
    as_of = {"as_of": dates.as_of.isoformat()}
    start, end = dates.period.start.isoformat(), dates.period.end.isoformat()
    queries = {
        "groups": ("groups", as_of),
        "inactive": ("groups", {**as_of, "status": "inactive"}),
        "with_men": ("groups", {**as_of, "has_men": "yes"}),
        "with_leader": ("groups", {**as_of, "needs_leader": "no"}),
        "without_leader": ("groups", {**as_of, "needs_leader": "yes"}),
        "in_cooperative": ("groups", {**as_of, "in_cooperative": "yes"}),
        "new_groups": ("groups", {"established_after": start, "established_before": end}),
        "women": ("members", {**as_of, "status": "current", "sex": "F"}),
        "men": ("members", {**as_of, "status": "current", "sex": "M"}),
        "members": ("members", {**as_of, "status": "current"}),
        "joined": ("members", {"joined_after": start, "joined_before": end}),
        "left": ("members", {"left_after": start, "left_before": end}),
        "cooperatives": ("cooperatives", as_of),
        "forming": ("cooperatives", {**as_of, "status": "forming"}),
        "registered": ("cooperatives", {**as_of, "status": "registered"}),
        "dissolved_since": ("cooperatives", {**as_of, "status": "dissolved"}),
    }
    return queries[key]


# Counts ----------------------------------------------------------------------------------


@dataclass
class Counts:
    groups: int = 0
    inactive: int = 0
    with_men: int = 0
    with_leader: int = 0
    in_cooperative: int = 0
    new_groups: int = 0
    women: int = 0
    men: int = 0
    joined: int = 0
    left: int = 0
    cooperatives: int = 0
    forming: int = 0
    registered: int = 0
    dissolved_since: int = 0

    @property
    def members(self) -> int:
        return self.women + self.men

    @property
    def without_leader(self) -> int:
        return self.groups - self.with_leader

    @property
    def average_size(self) -> float | None:
        return round(self.members / self.groups, 1) if self.groups else None

    @property
    def share_in_cooperatives(self) -> float | None:
        return round(100 * self.in_cooperative / self.groups, 1) if self.groups else None

    @property
    def is_empty(self) -> bool:
        return not any(
            (self.groups, self.members, self.cooperatives, self.new_groups, self.joined, self.left)
        )

    def add(self, other: "Counts") -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def figures(self, dates: ReportingDates, params: dict, linkable: bool) -> dict[str, Figure]:
        """Each count with the link to the registry list it counts (`params` narrow it to
        an area); without links where the user may not read that part of the registry."""
        result = {}
        for key in (*self.__dataclass_fields__, "members", "without_leader"):
            url = None
            if linkable:
                registry, query = figure_query(key, dates)
                url = registry_url(registry, {**query, **params})
            result[key] = Figure(key, getattr(self, key), url)
        return result


@dataclass
class AreaRow:
    """A row of the table: a province (programme page) or a district (province page)."""

    area: Province | District
    params: dict
    counts: Counts = field(default_factory=Counts)
    figures: dict[str, Figure] = field(default_factory=dict)


@dataclass(frozen=True)
class YearRow:
    year: int
    formed: Figure
    at_year_end: Figure


@dataclass(frozen=True)
class ActivityRow:
    activity: ActivityType
    groups: Figure


@dataclass(frozen=True)
class TargetRow:
    province: Province
    label: str
    achieved: Figure
    target: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.achieved.value / self.target) if self.target else None

    @property
    def bar_percent(self) -> int:
        return min(self.percent or 0, 100)


@dataclass
class Dashboard:
    dates: ReportingDates
    province: Province | None
    rows: list[AreaRow]
    total: Counts
    figures: dict[str, Figure]
    years: list[YearRow]
    activities: list[ActivityRow]
    targets: list[TargetRow]
    linkable: bool

    @property
    def shown_rows(self) -> list[AreaRow]:
        """Rows with anything to show (the totals still count every area)."""
        return [row for row in self.rows if not row.counts.is_empty]


def _existing(prefix: str, as_of: datetime.date) -> Q:
    """Groups (through `prefix`) established by `as_of` and not dissolved by then."""
    return Q(**{f"{prefix}established_on__lte": as_of}) & (
        Q(**{f"{prefix}dissolved_on__isnull": True}) | Q(**{f"{prefix}dissolved_on__gt": as_of})
    )


def _group_counts(groups, key: str, dates: ReportingDates) -> dict[int, dict]:
    as_of, period = dates.as_of, dates.period
    exists = _existing("", as_of)
    # `id IN (SELECT group_id ...)`, not a correlated EXISTS: PostgreSQL builds each set once
    # (a hashed subplan) instead of probing the members once per group, 100,000 times.
    men = current_members(as_of).filter(sex=Member.Sex.MALE).values("group_id")
    leader = current_leaders(as_of).values("group_id")
    in_coop = current_memberships(as_of).values("group_id")
    rows = (
        groups.order_by()
        .values(key)
        .annotate(
            groups=Count("pk", filter=exists),
            inactive=Count("pk", filter=exists & Q(status=SelfHelpGroup.Status.INACTIVE)),
            with_men=Count("pk", filter=exists & Q(pk__in=men)),
            with_leader=Count("pk", filter=exists & Q(pk__in=leader)),
            in_cooperative=Count("pk", filter=exists & Q(pk__in=in_coop)),
            new_groups=Count(
                "pk", filter=Q(established_on__gte=period.start, established_on__lte=period.end)
            ),
        )
    )
    return {row.pop(key): row for row in rows}


def _member_counts(members, key: str, dates: ReportingDates) -> dict[int, dict]:
    as_of, period = dates.as_of, dates.period
    current = Q(joined_on__lte=as_of) & (Q(left_on__isnull=True) | Q(left_on__gt=as_of))
    # Counting group_id (never NULL) rather than the id lets PostgreSQL read every column it
    # needs from the index on (group, left_on, sex, joined_on), not the table.
    counted = "group_id"
    rows = (
        members.order_by()
        .values(key)
        .annotate(
            women=Count(counted, filter=current & Q(sex=Member.Sex.FEMALE)),
            men=Count(counted, filter=current & Q(sex=Member.Sex.MALE)),
            joined=Count(counted, filter=Q(joined_on__gte=period.start, joined_on__lte=period.end)),
            left=Count(counted, filter=Q(left_on__gte=period.start, left_on__lte=period.end)),
        )
    )
    return {row.pop(key): row for row in rows}


def _cooperative_counts(cooperatives, key: str, dates: ReportingDates) -> dict[int, dict]:
    as_of = dates.as_of
    status = Cooperative.Status
    rows = (
        cooperatives.filter(formed_on__lte=as_of)
        .filter(Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=as_of))
        .order_by()
        .values(key)
        .annotate(
            cooperatives=Count("pk"),
            forming=Count("pk", filter=Q(status=status.FORMING)),
            registered=Count("pk", filter=Q(status=status.REGISTERED)),
            dissolved_since=Count("pk", filter=Q(status=status.DISSOLVED)),
        )
    )
    return {row.pop(key): row for row in rows}


def _years(groups, dates: ReportingDates, params: dict, linkable: bool) -> list[YearRow]:
    """Groups formed in each year up to the reporting date, and those existing at each
    year's end (formed by then less dissolved by then: a group is dissolved after it was
    established, a database rule)."""
    as_of = dates.as_of
    formed = dict(
        groups.filter(established_on__lte=as_of)
        .order_by()
        .values_list(ExtractYear("established_on"))
        .annotate(n=Count("pk"))
    )
    dissolved = dict(
        groups.filter(dissolved_on__lte=as_of)
        .order_by()
        .values_list(ExtractYear("dissolved_on"))
        .annotate(n=Count("pk"))
    )
    if not formed:
        return []
    rows, running = [], 0
    for year in range(min(formed), as_of.year + 1):
        running += formed.get(year, 0) - dissolved.get(year, 0)
        start = datetime.date(year, 1, 1)
        end = min(datetime.date(year, 12, 31), as_of)
        formed_url = end_url = None
        if linkable:
            query = {"established_after": start.isoformat(), "established_before": end.isoformat()}
            formed_url = registry_url("groups", {**query, **params})
            end_url = registry_url("groups", {"as_of": end.isoformat(), **params})
        rows.append(
            YearRow(
                year=year,
                formed=Figure("formed", formed.get(year, 0), formed_url),
                at_year_end=Figure("at_year_end", running, end_url),
            )
        )
    return rows


def _activities(dates: ReportingDates, province: Province | None, params: dict, linkable: bool):
    condition = _existing("groups__", dates.as_of)
    if province is not None:
        condition &= Q(groups__district__province=province)
    activities = (
        ActivityType.objects.annotate(n=Count("groups", filter=condition))
        .filter(n__gt=0)
        .order_by("-n", "name")
    )
    rows = []
    for activity in activities:
        url = None
        if linkable:
            url = registry_url(
                "groups", {"as_of": dates.as_of.isoformat(), "activity": activity.pk, **params}
            )
        rows.append(ActivityRow(activity, Figure("activity", activity.n, url)))
    return rows


TARGET_METRICS = (
    ("groups", "groups", _("Self-help groups")),
    ("women_members", "women", _("Women members")),
    ("cooperatives", "cooperatives", _("Cooperatives")),
)


def _targets(by_province: dict[int, dict[str, Figure]], year: int) -> list[TargetRow]:
    """Each province's targets for `year` against its figures (`by_province`: a province's
    pk to its figures)."""
    result = []
    for target in Target.objects.filter(year=year, province_id__in=by_province).select_related(
        "province"
    ):
        achieved = by_province[target.province_id]
        for field_name, figure_key, label in TARGET_METRICS:
            value = getattr(target, field_name)
            if value is not None:
                result.append(TargetRow(target.province, label, achieved[figure_key], value))
    return result


def dashboard(
    *, province: Province | None, dates: ReportingDates, linkable: bool = True
) -> Dashboard:
    """The programme dashboard (province None: one row per province) or a province's (one
    row per district). `linkable`: the figures link to the registry (the user may read it).

    The figures depend on nothing else (not on who asks), so they are cached under exactly
    these, the active language and the data version; the request's own `dates` (its
    notices) are put back."""
    period = dates.period
    key = "{}:{}:{}:{}:{}".format(
        province.pk if province else "all",
        dates.as_of.isoformat(),
        period.start.isoformat(),
        period.end.isoformat(),
        int(linkable),
    )
    board = cached(
        f"dashboard:{key}",
        lambda: _dashboard(province=province, dates=dates, linkable=linkable),
        past=not dates.is_today,
    )
    return dataclasses.replace(board, dates=dates)


def _dashboard(*, province: Province | None, dates: ReportingDates, linkable: bool) -> Dashboard:
    groups = SelfHelpGroup.objects.all()
    members = Member.objects.all()
    cooperatives = Cooperative.objects.all()
    if province is None:
        areas = list(Province.objects.order_by("code"))
        key, param = "district__province_id", "province"
        total_params: dict = {}
    else:
        areas = list(District.objects.filter(province=province).order_by("name"))
        key, param = "district_id", "district"
        total_params = {"province": province.pk}
        groups = groups.filter(district__province=province)
        members = members.filter(group__district__province=province)
        cooperatives = cooperatives.filter(district__province=province)

    counted = [
        _group_counts(groups, key, dates),
        _member_counts(members, f"group__{key}", dates),
        _cooperative_counts(cooperatives, key, dates),
    ]
    total = Counts()
    rows = []
    for area in areas:
        counts = Counts()
        for per_area in counted:
            for name, value in per_area.get(area.pk, {}).items():
                setattr(counts, name, value)
        total.add(counts)
        params = {param: area.pk}
        rows.append(AreaRow(area, params, counts, counts.figures(dates, params, linkable)))

    total_figures = total.figures(dates, total_params, linkable)
    if province is None:
        achieved = {row.area.pk: row.figures for row in rows}
    else:
        achieved = {province.pk: total_figures}
    return Dashboard(
        dates=dates,
        province=province,
        rows=rows,
        total=total,
        figures=total_figures,
        years=_years(groups, dates, total_params, linkable),
        activities=_activities(dates, province, total_params, linkable),
        targets=_targets(achieved, dates.as_of.year),
        linkable=linkable,
    )
