"""The "Initiatives and support" section of the programme and province dashboards.

Counted the way the /initiatives/ and /support/ registries count the lists the figures link
to, for a reporting date D:

- initiatives: started on or before D, by their status on D (the last status change on or
  before D) and by activity type -- /initiatives/?as_of=D[&status=...][&activity_type=...];
- grants: received on or before D, counted and summed in TJS by province (programme page) or
  district (province page) of the initiative's owner -- /initiatives/?granted_before=D;
- support activities: held on or before D, by kind, with their women and men participants
  -- /support/?as_of=D&kind=...; and for each of the last eight quarters up to D, held in
  that quarter (up to D) -- /support/?held_after=...&held_before=....

An area of an initiative is that of its owner (a group's district, a cooperative's home
district); a support activity is in the province of its recipients (one province: a rule).

The whole section is one SQL query (the two registers' GROUP BYs in a UNION ALL): the
dashboards keep a fixed, small budget of queries per page.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, ExtractQuarter, ExtractYear
from django.utils.translation import gettext_lazy as _

from groups.models import ActivityType
from initiatives.models import InitiativeStatus, JointInitiative, SupportActivity, SupportKind
from initiatives.selectors import status_on
from rmp_portal.dashboards.figures import Figure, registry_url

QUARTERS_SHOWN = 8
COLUMNS = ("src", "key", "act", "act_name", "act_ru", "act_tg", "area", "year", "quarter")


@dataclass
class ActivityRow:
    name: str
    total: Figure
    operating: Figure


@dataclass
class GrantRow:
    area: object
    grants: Figure
    amount: Figure


@dataclass
class KindRow:
    kind: str
    label: str
    activities: Figure
    women: Figure
    men: Figure


@dataclass
class QuarterRow:
    label: str
    start: datetime.date
    end: datetime.date
    kinds: list[Figure]
    total: Figure
    women: Figure
    men: Figure


@dataclass
class Section:
    linkable: bool
    initiatives: Figure
    operating: Figure
    statuses: list[tuple[str, str, Figure]] = field(default_factory=list)
    activities: list[ActivityRow] = field(default_factory=list)
    grant_rows: list[GrantRow] = field(default_factory=list)
    grants: Figure | None = None
    grant_amount: Figure | None = None
    support: Figure | None = None
    women: Figure | None = None
    men: Figure | None = None
    kinds: list[KindRow] = field(default_factory=list)
    quarters: list[QuarterRow] = field(default_factory=list)
    kind_labels: list[str] = field(default_factory=list)
    area_label: str = ""
    by_province: bool = True

    @property
    def participants(self) -> int:
        return self.women.value + self.men.value


def _initiative_rows(as_of: datetime.date, province):
    initiatives = JointInitiative.objects.filter(
        Q(started_on__lte=as_of) | Q(grant_date__lte=as_of)
    )
    path = "district__province_id"
    if province is not None:
        initiatives = initiatives.filter(
            Q(group__district__province=province) | Q(cooperative__district__province=province)
        )
        path = "district_id"
    started, granted = Q(started_on__lte=as_of), Q(grant_date__lte=as_of)
    return (
        initiatives.order_by()
        .annotate(
            src=Value("i"),
            key=status_on(as_of),
            act=F("activity_type_id"),
            act_name=F("activity_type__name"),
            act_ru=F("activity_type__name_ru"),
            act_tg=F("activity_type__name_tg"),
            area=Coalesce(f"group__{path}", f"cooperative__{path}"),
            year=Value(None, output_field=IntegerField()),
            quarter=Value(None, output_field=IntegerField()),
        )
        .values(*COLUMNS)
        .annotate(
            n=Count("pk", filter=started),
            grants=Count("pk", filter=granted),
            amount=Sum("grant_amount", filter=granted),
            women=Value(0, output_field=IntegerField()),
            men=Value(0, output_field=IntegerField()),
        )
    )


def _support_rows(as_of: datetime.date, province):
    activities = SupportActivity.objects.filter(held_on__lte=as_of)
    if province is not None:
        through = SupportActivity.groups.through
        in_province = through.objects.filter(
            supportactivity=OuterRef("pk"), selfhelpgroup__district__province=province
        )
        activities = activities.filter(
            Q(cooperative__district__province=province) | Exists(in_province)
        )
    return (
        activities.order_by()
        .annotate(
            src=Value("s"),
            key=F("kind"),
            act=Value(None, output_field=IntegerField()),
            act_name=Value(""),
            act_ru=Value(""),
            act_tg=Value(""),
            area=Value(None, output_field=IntegerField()),
            year=ExtractYear("held_on"),
            quarter=ExtractQuarter("held_on"),
        )
        .values(*COLUMNS)
        .annotate(
            n=Count("pk"),
            grants=Value(0, output_field=IntegerField()),
            amount=Value(None, output_field=DecimalField(max_digits=14, decimal_places=2)),
            women=Sum("women"),
            men=Sum("men"),
        )
    )


def _quarters(as_of: datetime.date) -> list[tuple[int, int, datetime.date, datetime.date]]:
    """The last QUARTERS_SHOWN quarters up to the reporting date, newest first: (year,
    quarter, first day, last day counted -- the reporting date for its own quarter)."""
    year, quarter = as_of.year, (as_of.month - 1) // 3 + 1
    result = []
    for _step in range(QUARTERS_SHOWN):
        start = datetime.date(year, 3 * quarter - 2, 1)
        next_start = (
            datetime.date(year + 1, 1, 1)
            if quarter == 4
            else datetime.date(year, 3 * quarter + 1, 1)
        )
        end = min(next_start - datetime.timedelta(days=1), as_of)
        result.append((year, quarter, start, end))
        year, quarter = (year - 1, 4) if quarter == 1 else (year, quarter - 1)
    return result


def section(board) -> Section:
    """The figures of the section for a dashboard (rmp_portal.dashboards.Dashboard)."""
    dates, province, linkable = board.dates, board.province, board.linkable
    as_of = dates.as_of
    day = as_of.isoformat()
    total_params: dict = {} if province is None else {"province": province.pk}
    area_param = "province" if province is None else "district"

    def link(registry: str, params: dict) -> str | None:
        return registry_url(registry, {**params, **total_params}) if linkable else None

    rows = list(_initiative_rows(as_of, province).union(_support_rows(as_of, province), all=True))
    initiatives = [r for r in rows if r["src"] == "i"]
    support = [r for r in rows if r["src"] == "s"]

    # Initiatives by status and by activity type.
    by_status: dict[str, int] = defaultdict(int)
    by_activity: dict[int, dict] = {}
    for row in initiatives:
        if not row["n"]:
            continue
        by_status[row["key"]] += row["n"]
        entry = by_activity.setdefault(row["act"], {"row": row, "total": 0, "operating": 0})
        entry["total"] += row["n"]
        if row["key"] == InitiativeStatus.OPERATING:
            entry["operating"] += row["n"]
    as_of_param = {"as_of": day}
    result = Section(
        linkable=linkable,
        initiatives=Figure(
            "initiatives", sum(by_status.values()), link("initiatives", as_of_param)
        ),
        operating=Figure(
            "initiatives-operating",
            by_status[InitiativeStatus.OPERATING],
            link("initiatives", {**as_of_param, "status": InitiativeStatus.OPERATING}),
        ),
        area_label=str(_("Province") if province is None else _("District")),
        by_province=province is None,
    )
    for status, label in InitiativeStatus.choices:
        url = link("initiatives", {**as_of_param, "status": status})
        result.statuses.append(
            (status, label, Figure(f"initiatives-{status}", by_status[status], url))
        )
    for act, entry in sorted(
        by_activity.items(), key=lambda item: (-item[1]["total"], item[1]["row"]["act_name"])
    ):
        names = entry["row"]
        # An unsaved ActivityType only to name it in the user's language.
        name = ActivityType(
            name=names["act_name"], name_ru=names["act_ru"] or "", name_tg=names["act_tg"] or ""
        )
        params = {**as_of_param, "activity_type": act}
        result.activities.append(
            ActivityRow(
                name=name.localized_name,
                total=Figure("initiatives-activity", entry["total"], link("initiatives", params)),
                operating=Figure(
                    "initiatives-activity-operating",
                    entry["operating"],
                    link("initiatives", {**params, "status": InitiativeStatus.OPERATING}),
                ),
            )
        )

    # Grants by area.
    grants: dict[int, list] = defaultdict(lambda: [0, Decimal(0)])
    for row in initiatives:
        if row["grants"]:
            grants[row["area"]][0] += row["grants"]
            grants[row["area"]][1] += row["amount"] or Decimal(0)
    granted = {"granted_before": day}
    for area_row in board.rows:
        area = area_row.area
        if area.pk not in grants:
            continue
        count, amount = grants[area.pk]
        params = {**granted, area_param: area.pk}
        url = link("initiatives", params)
        result.grant_rows.append(
            GrantRow(area, Figure("grants", count, url), Figure("grants-amount", amount, url))
        )
    url = link("initiatives", granted)
    result.grants = Figure("grants", sum(g[0] for g in grants.values()), url)
    result.grant_amount = Figure(
        "grants-amount", sum((g[1] for g in grants.values()), Decimal(0)), url
    )

    # Support activities by kind, and by quarter.
    kinds = {kind: [0, 0, 0] for kind in SupportKind.values}
    quarter_counts: dict[tuple, list] = defaultdict(lambda: [0, 0, 0])
    for row in support:
        for totals in (
            kinds[row["key"]],
            quarter_counts[(row["year"], row["quarter"], row["key"])],
        ):
            totals[0] += row["n"]
            totals[1] += row["women"] or 0
            totals[2] += row["men"] or 0
    url = link("support", as_of_param)
    result.support = Figure("support", sum(k[0] for k in kinds.values()), url)
    result.women = Figure("support-women", sum(k[1] for k in kinds.values()), url)
    result.men = Figure("support-men", sum(k[2] for k in kinds.values()), url)
    for kind, label in SupportKind.choices:
        n, women, men = kinds[kind]
        url = link("support", {**as_of_param, "kind": kind})
        result.kinds.append(
            KindRow(
                kind,
                label,
                Figure(f"support-{kind}", n, url),
                Figure("support-women", women, url),
                Figure("support-men", men, url),
            )
        )
    result.kind_labels = [label for _kind, label in SupportKind.choices]
    for year, quarter, start, end in _quarters(as_of):
        held = {"held_after": start.isoformat(), "held_before": end.isoformat()}
        cells, totals = [], [0, 0, 0]
        for kind in SupportKind.values:
            counts = quarter_counts.get((year, quarter, kind), [0, 0, 0])
            totals = [a + b for a, b in zip(totals, counts, strict=True)]
            cells.append(
                Figure(f"support-{kind}", counts[0], link("support", {**held, "kind": kind}))
            )
        url = link("support", held)
        result.quarters.append(
            QuarterRow(
                label=_("%(year)s Q%(quarter)s") % {"year": year, "quarter": quarter},
                start=start,
                end=end,
                kinds=cells,
                total=Figure("support", totals[0], url),
                women=Figure("support-women", totals[1], url),
                men=Figure("support-men", totals[2], url),
            )
        )
    return result
