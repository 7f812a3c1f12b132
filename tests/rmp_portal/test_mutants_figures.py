"""Dashboard figures, exactly (rmp_portal/dashboards/figures.py): the registry list each
figure links to, the reporting date and period read from the query string with their
notices, the derived figures, the yearly series, activities and targets.

Written against the survivors of `make mutation` in rmp_portal/dashboards/figures.py
(docs/testing.md)."""

import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from groups.models import ActivityType, District, Province, SelfHelpGroup
from members.models import Member
from rmp_portal.dashboards import figures
from rmp_portal.dashboards.figures import (
    Counts,
    Figure,
    Period,
    ReportingDates,
    TargetRow,
    dashboard,
    figure_query,
    registry_url,
    reporting_dates,
)
from rmp_portal.models import Target
from tests.factories import (
    CooperativeFactory,
    CooperativeMembershipFactory,
    GroupFactory,
    MemberFactory,
    district,
)

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = timezone.localdate()


def dates_for(as_of: D, start: D, end: D) -> ReportingDates:
    return ReportingDates(as_of=as_of, period=Period(start, end), is_today=False)


def query_of(url: str) -> tuple[str, dict]:
    parts = urlsplit(url)
    return parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()}


# The registry list behind each figure


def test_every_figure_links_to_exactly_its_registry_query():
    dates = dates_for(D(2016, 6, 30), D(2015, 7, 1), D(2016, 6, 30))
    as_of = {"as_of": "2016-06-30"}
    period_groups = {"established_after": "2015-07-01", "established_before": "2016-06-30"}

    assert {key: figure_query(key, dates) for key in EXPECTED} == {
        "groups": ("groups", as_of),
        "inactive": ("groups", as_of | {"status": "inactive"}),
        "with_men": ("groups", as_of | {"has_men": "yes"}),
        "with_leader": ("groups", as_of | {"needs_leader": "no"}),
        "without_leader": ("groups", as_of | {"needs_leader": "yes"}),
        "in_cooperative": ("groups", as_of | {"in_cooperative": "yes"}),
        "new_groups": ("groups", period_groups),
        "women": ("members", as_of | {"status": "current", "sex": "F"}),
        "men": ("members", as_of | {"status": "current", "sex": "M"}),
        "members": ("members", as_of | {"status": "current"}),
        "joined": ("members", {"joined_after": "2015-07-01", "joined_before": "2016-06-30"}),
        "left": ("members", {"left_after": "2015-07-01", "left_before": "2016-06-30"}),
        "cooperatives": ("cooperatives", as_of),
        "forming": ("cooperatives", as_of | {"status": "forming"}),
        "registered": ("cooperatives", as_of | {"status": "registered"}),
        "dissolved_since": ("cooperatives", as_of | {"status": "dissolved"}),
    }


EXPECTED = [
    "groups",
    "inactive",
    "with_men",
    "with_leader",
    "without_leader",
    "in_cooperative",
    "new_groups",
    "women",
    "men",
    "members",
    "joined",
    "left",
    "cooperatives",
    "forming",
    "registered",
    "dissolved_since",
]


def test_a_registry_url_is_its_list_with_the_query_and_none_without_the_registry():
    assert registry_url("members", {"status": "current", "sex": "F"}) == (
        "/members/?status=current&sex=F"
    )
    assert registry_url("no-such-registry", {"a": 1}) is None


def test_the_figures_carry_their_links_and_the_areas_parameters():
    dates = dates_for(D(2016, 6, 30), D(2015, 7, 1), D(2016, 6, 30))
    counts = Counts(groups=4, with_leader=3, women=5, men=2)

    linked = counts.figures(dates, {"province": 7}, linkable=True)
    plain = counts.figures(dates, {"province": 7}, linkable=False)

    assert set(linked) == set(EXPECTED)
    assert (linked["members"].value, linked["without_leader"].value) == (7, 1)
    assert linked["members"].key == "members"
    assert query_of(linked["women"].url) == (
        "/members/",
        {"as_of": "2016-06-30", "status": "current", "sex": "F", "province": "7"},
    )
    assert {f.url for f in plain.values()} == {None}
    assert plain["women"] == Figure("women", 5, None)


# The reporting date and period from the query string


@pytest.mark.parametrize(
    "raw",
    ["2016-6-30", "2016/06/30", "20160630xx", "2016-02-30", "2016-06-3x", "", "2016-06-300",
     "30.02.2016", "30.06.16", "30-06-2016", "x30.06.2016", "30.06.2016x",
     # ISO week dates, which Python reads but no one types: "-" at [4], not at [7].
     "2016-W26-4", "2016W26-4xx"],
)  # fmt: skip
def test_only_an_iso_or_a_typed_day_first_date_is_a_date(raw):
    assert figures._parse_date(raw) is None


@pytest.mark.parametrize("raw", ["30.06.2016", "30.6.2016", " 30.06.2016 "])
def test_the_controls_take_a_date_typed_day_first(raw):
    assert figures._parse_date(raw) == D(2016, 6, 30)
    assert reporting_dates({"as_of": raw}).as_of == D(2016, 6, 30)


def test_a_date_may_have_spaces_around_it():
    assert figures._parse_date(" 2016-06-30 ") == D(2016, 6, 30)
    assert figures._parse_date(None) is None


def test_no_query_means_today_and_the_twelve_months_to_it():
    dates = reporting_dates({})

    assert dates == ReportingDates(
        as_of=TODAY, period=Period.year_to(TODAY), is_today=True, notices=(), requested={}
    )


def test_a_valid_reporting_date_and_period_are_taken_and_echoed():
    dates = reporting_dates(
        {"as_of": "2016-06-30", "period_start": "2016-01-01", "period_end": "2016-06-30"}
    )

    assert (dates.as_of, dates.period, dates.is_today) == (
        D(2016, 6, 30),
        Period(D(2016, 1, 1), D(2016, 6, 30)),
        False,
    )
    assert dates.requested == {
        "as_of": D(2016, 6, 30),
        "period_start": D(2016, 1, 1),
        "period_end": D(2016, 6, 30),
    }
    assert dates.notices == ()


def test_the_earliest_reporting_date_is_the_first_of_2000():
    assert reporting_dates({"as_of": "2000-01-01"}).as_of == D(2000, 1, 1)
    refused = reporting_dates({"as_of": "1999-12-31"})
    assert refused.as_of == TODAY
    assert refused.notices == (
        "“1999-12-31” is not a reporting date (YYYY-MM-DD, from 2000): today’s figures.",
    )


def test_a_malformed_reporting_date_is_quoted_shortened_in_the_notice():
    dates = reporting_dates({"as_of": "x" * 30})

    assert dates.notices == (
        f"“{'x' * 20}” is not a reporting date (YYYY-MM-DD, from 2000): today’s figures.",
    )
    assert dates.requested == {}


def test_a_future_reporting_date_gives_todays_figures_with_a_notice():
    tomorrow = TODAY + datetime.timedelta(days=1)

    dates = reporting_dates({"as_of": tomorrow.isoformat()})

    assert (dates.as_of, dates.is_today) == (TODAY, True)
    assert dates.notices == ("The reporting date cannot be in the future: today’s figures.",)
    assert reporting_dates({"as_of": TODAY.isoformat()}).requested == {"as_of": TODAY}


def test_half_a_period_is_completed_from_the_reporting_date():
    start_only = reporting_dates({"as_of": "2016-06-30", "period_start": "2016-03-01"})
    end_only = reporting_dates({"as_of": "2016-06-30", "period_end": "2016-05-31"})

    assert start_only.period == Period(D(2016, 3, 1), D(2016, 6, 30))
    assert end_only.period == Period(D(2015, 7, 1), D(2016, 5, 31))
    assert end_only.notices == start_only.notices == ()


@pytest.mark.parametrize(
    ("query", "notice"),
    [
        (
            {"period_start": "2016-13-01"},
            "The period is not valid (YYYY-MM-DD): the last twelve months.",
        ),
        (
            {"period_end": "bad"},
            "The period is not valid (YYYY-MM-DD): the last twelve months.",
        ),
        (
            {"period_start": "1999-12-31", "period_end": "2000-06-30"},
            "The period is not valid (YYYY-MM-DD): the last twelve months.",
        ),
        (
            {"period_start": "2016-05-02", "period_end": "2016-05-01"},
            "The period starts after it ends: the last twelve months.",
        ),
        (
            {"period_start": "2016-05-01", "period_end": "2016-07-01"},
            "The period cannot end after the reporting date: the last twelve months.",
        ),
    ],
)
def test_a_wrong_period_falls_back_to_the_last_twelve_months(query, notice):
    dates = reporting_dates({"as_of": "2016-06-30", **query})

    assert dates.period == Period(D(2015, 7, 1), D(2016, 6, 30))
    assert dates.notices == (notice,)
    assert dates.requested == {"as_of": D(2016, 6, 30)}


def test_a_period_of_one_day_ending_on_the_reporting_date_is_valid():
    dates = reporting_dates(
        {"as_of": "2000-01-01", "period_start": "2000-01-01", "period_end": "2000-01-01"}
    )

    assert dates.period == Period(D(2000, 1, 1), D(2000, 1, 1))
    assert dates.notices == ()


def test_twelve_months_to_a_29_february_start_on_1_march():
    assert Period.year_to(D(2016, 2, 29)) == Period(D(2015, 3, 1), D(2016, 2, 29))
    assert Period.year_to(D(2016, 6, 30)) == Period(D(2015, 7, 1), D(2016, 6, 30))


# Derived figures


def test_derived_figures():
    counts = Counts(groups=3, with_leader=2, in_cooperative=1, women=7, men=1)

    assert (counts.members, counts.without_leader) == (8, 1)
    assert counts.average_size == 2.7
    assert counts.share_in_cooperatives == 33.3
    assert Counts().average_size is None and Counts().share_in_cooperatives is None


@pytest.mark.parametrize(
    "name", ["groups", "women", "men", "cooperatives", "new_groups", "joined", "left"]
)
def test_an_area_with_any_figure_is_not_empty(name):
    assert Counts().is_empty
    assert not Counts(**{name: 1}).is_empty


def test_counts_add_up_field_by_field():
    total = Counts(groups=1, women=2, dissolved_since=3)
    total.add(Counts(groups=10, women=20, dissolved_since=30, left=4))

    assert total == Counts(groups=11, women=22, dissolved_since=33, left=4)


def test_a_target_row_shows_the_share_achieved_and_caps_the_bar():
    figure = Figure("groups", 30)

    assert TargetRow(None, "Groups", figure, 40).percent == 75
    assert TargetRow(None, "Groups", figure, 40).bar_percent == 75
    assert TargetRow(None, "Groups", figure, 20).percent == 150
    assert TargetRow(None, "Groups", figure, 20).bar_percent == 100
    assert TargetRow(None, "Groups", figure, 0).percent is None
    assert TargetRow(None, "Groups", figure, 0).bar_percent == 0


# The dashboards on a small registry


@pytest.fixture
def registry():
    """Devashtich: a group of 2011 with a leader, 2 more women and a man, in a cooperative; a
    group of 2013 dissolved in 2015. Rasht: a group of 2014 without a leader."""
    lola = GroupFactory(district=district("Devashtich"), established_on=D(2011, 4, 1))
    MemberFactory(group=lola, role=Member.Role.LEADER, joined_on=D(2011, 4, 1))
    MemberFactory.create_batch(2, group=lola, joined_on=D(2011, 4, 1))
    MemberFactory(group=lola, sex=Member.Sex.MALE, joined_on=D(2012, 1, 1))
    gone = GroupFactory(
        district=district("Devashtich"),
        established_on=D(2013, 2, 1),
        status=SelfHelpGroup.Status.DISSOLVED,
        dissolved_on=D(2015, 3, 1),
    )
    MemberFactory(group=gone, joined_on=D(2013, 2, 1), left_on=D(2015, 3, 1))
    rasht = GroupFactory(district=district("Rasht"), established_on=D(2014, 5, 1))
    MemberFactory(group=rasht, joined_on=D(2014, 5, 1))
    cooperative = CooperativeFactory(formed_on=D(2012, 6, 1), district=district("Devashtich"))
    CooperativeMembershipFactory(cooperative=cooperative, group=lola, joined_on=D(2012, 6, 1))
    dairy = ActivityType.objects.get(name="Dairy processing")
    lemons = ActivityType.objects.get(name="Lemon cultivation")
    lola.activities.set([dairy, lemons])
    gone.activities.set([dairy])
    rasht.activities.set([lemons])
    return {"lola": lola, "gone": gone, "rasht": rasht, "dairy": dairy, "lemons": lemons}


def board_on(day: D, province=None, linkable=True):
    return dashboard(
        province=province,
        dates=reporting_dates({"as_of": day.isoformat()}),
        linkable=linkable,
    )


def test_the_programme_dashboard_by_province(registry):
    board = board_on(D(2014, 12, 31))

    by_code = {row.area.code: row.counts for row in board.rows}
    assert [row.area.code for row in board.rows] == list(
        Province.objects.order_by("code").values_list("code", flat=True)
    )
    su, ra = by_code["SU"], by_code["RA"]
    assert (su.groups, su.with_leader, su.with_men, su.in_cooperative) == (2, 1, 1, 1)
    assert (su.women, su.men, ra.groups, ra.women, ra.with_leader) == (4, 1, 1, 1, 0)
    assert (board.total.groups, board.total.without_leader, board.total.members) == (3, 2, 6)
    assert [row.area.code for row in board.shown_rows] == ["RA", "SU"]
    su_row = next(row for row in board.rows if row.area.code == "SU")
    assert su_row.params == {"province": su_row.area.pk}
    assert query_of(su_row.figures["groups"].url) == (
        "/groups/",
        {"as_of": "2014-12-31", "province": str(su_row.area.pk)},
    )
    assert query_of(board.figures["groups"].url) == ("/groups/", {"as_of": "2014-12-31"})


def test_the_province_dashboard_by_district(registry):
    sughd = Province.objects.get(code="SU")

    board = board_on(D(2016, 1, 1), province=sughd)

    names = [row.area.name for row in board.rows]
    assert names == sorted(District.objects.filter(province=sughd).values_list("name", flat=True))
    devashtich = next(row for row in board.rows if row.area.name == "Devashtich")
    assert devashtich.params == {"district": devashtich.area.pk}
    assert (devashtich.counts.groups, devashtich.counts.women, devashtich.counts.left) == (1, 3, 1)
    assert (board.total.groups, board.total.cooperatives) == (1, 1)  # Rasht is elsewhere
    assert query_of(board.figures["women"].url)[1] == {
        "as_of": "2016-01-01",
        "status": "current",
        "sex": "F",
        "province": str(sughd.pk),
    }
    assert board.province == sughd and board.linkable


def test_the_yearly_series_counts_groups_formed_and_existing_at_each_years_end(registry):
    board = board_on(D(2016, 6, 30))

    rows = [(r.year, r.formed.value, r.at_year_end.value) for r in board.years]
    assert rows == [
        (2011, 1, 1),
        (2012, 0, 1),
        (2013, 1, 2),
        (2014, 1, 3),
        (2015, 0, 2),
        (2016, 0, 2),
    ]
    last = board.years[-1]
    assert query_of(last.formed.url) == (
        "/groups/",
        {"established_after": "2016-01-01", "established_before": "2016-06-30"},
    )
    assert query_of(last.at_year_end.url) == ("/groups/", {"as_of": "2016-06-30"})
    assert query_of(board.years[0].at_year_end.url) == ("/groups/", {"as_of": "2011-12-31"})
    assert {(r.formed.key, r.at_year_end.key) for r in board.years} == {("formed", "at_year_end")}


def test_the_yearly_series_without_links_and_without_groups(registry):
    board = board_on(D(2016, 6, 30), linkable=False)

    assert {(r.formed.url, r.at_year_end.url) for r in board.years} == {(None, None)}
    assert board_on(D(2010, 6, 30)).years == []


def test_activities_count_the_existing_groups_most_first(registry):
    board = board_on(D(2016, 1, 1))

    assert [(r.activity.name, r.groups.value) for r in board.activities] == [
        ("Lemon cultivation", 2),
        ("Dairy processing", 1),  # the dissolved group no longer counts
    ]
    assert {r.groups.key for r in board.activities} == {"activity"}
    assert query_of(board.activities[1].groups.url) == (
        "/groups/",
        {"as_of": "2016-01-01", "activity": str(registry["dairy"].pk)},
    )
    earlier = board_on(D(2014, 12, 31))
    assert [(r.activity.name, r.groups.value) for r in earlier.activities] == [
        ("Dairy processing", 2),
        ("Lemon cultivation", 2),
    ]
    sughd = board_on(D(2016, 1, 1), province=Province.objects.get(code="SU"), linkable=False)
    assert [(r.activity.name, r.groups.value, r.groups.url) for r in sughd.activities] == [
        ("Dairy processing", 1, None),
        ("Lemon cultivation", 1, None),
    ]


def test_activities_with_as_many_groups_read_in_alphabetical_order(db):
    added_later = ActivityType.objects.create(name="Apiary")  # a higher id than Dairy's
    group = GroupFactory(district=district("Devashtich"), established_on=D(2011, 4, 1))
    group.activities.set([ActivityType.objects.get(name="Dairy processing"), added_later])

    board = board_on(D(2016, 1, 1))

    assert [(r.activity.name, r.groups.value) for r in board.activities] == [
        ("Apiary", 1),
        ("Dairy processing", 1),
    ]


def test_targets_of_the_reporting_year_per_metric(registry):
    sughd = Province.objects.get(code="SU")
    Target.objects.create(province=sughd, year=2014, groups=4, women_members=None, cooperatives=2)
    Target.objects.create(province=sughd, year=2015, groups=99)

    board = board_on(D(2014, 12, 31))

    assert [(str(t.label), t.achieved.value, t.target) for t in board.targets] == [
        ("Self-help groups", 2, 4),
        ("Cooperatives", 1, 2),
    ]
    assert board.targets[0].province == sughd
    province_board = board_on(D(2014, 12, 31), province=sughd)
    assert [(t.achieved.value, t.target) for t in province_board.targets] == [(2, 4), (1, 2)]
    assert query_of(province_board.targets[0].achieved.url)[1] == {
        "as_of": "2014-12-31",
        "province": str(sughd.pk),
    }


def test_each_dashboard_has_its_own_figures(registry):
    sughd = Province.objects.get(code="SU")
    day = D(2014, 12, 31)

    assert board_on(day).total.groups == 3
    assert board_on(day, province=sughd).total.groups == 2
    assert board_on(D(2016, 1, 1)).total.groups == 2
    assert board_on(day, linkable=False).figures["groups"].url is None
    dates = reporting_dates({"as_of": "2014-12-31", "period_start": "2014-01-01"})
    assert dashboard(province=None, dates=dates).total.new_groups == 1
    assert dashboard(province=None, dates=dates).dates is dates


def test_cooperatives_and_inactive_groups_are_counted_by_status():
    sughd = Province.objects.get(code="SU")
    for status, formed in (("forming", D(2014, 1, 1)), ("forming", D(2014, 2, 1))):
        CooperativeFactory(status=status, formed_on=formed)
    CooperativeFactory(status="registered", formed_on=D(2013, 1, 1))
    CooperativeFactory(status="dissolved", formed_on=D(2013, 1, 1), dissolved_on=D(2016, 1, 1))
    CooperativeFactory(status="dissolved", formed_on=D(2013, 1, 1), dissolved_on=D(2014, 6, 1))
    CooperativeFactory(status="forming", formed_on=D(2015, 1, 1))  # not yet formed
    GroupFactory(status=SelfHelpGroup.Status.INACTIVE, established_on=D(2012, 1, 1))
    GroupFactory(status=SelfHelpGroup.Status.INACTIVE, established_on=D(2015, 1, 1))
    GroupFactory(established_on=D(2012, 1, 1))

    total = board_on(D(2014, 12, 31), province=sughd).total

    assert (total.cooperatives, total.forming, total.registered, total.dissolved_since) == (
        4,
        2,
        1,
        1,
    )
    assert (total.groups, total.inactive) == (2, 1)


def test_the_period_figures_count_only_what_is_dated_inside_it():
    group = GroupFactory(established_on=D(2013, 6, 1))
    GroupFactory(established_on=D(2014, 7, 1))  # after the period
    GroupFactory(established_on=D(2012, 12, 31))  # before it
    MemberFactory(group=group, joined_on=D(2013, 6, 1), left_on=D(2013, 12, 31))
    MemberFactory(group=group, joined_on=D(2013, 6, 1), left_on=D(2014, 6, 1))  # left after
    MemberFactory(group=group, joined_on=D(2012, 6, 1), left_on=D(2012, 12, 1))  # both before
    MemberFactory(group=group, joined_on=D(2014, 5, 1))  # joined after

    dates = reporting_dates(
        {"as_of": "2014-12-31", "period_start": "2013-01-01", "period_end": "2013-12-31"}
    )
    total = dashboard(province=None, dates=dates).total

    assert (total.new_groups, total.joined, total.left) == (1, 2, 1)


def test_a_leader_is_counted_on_the_dates_she_led_her_group():
    group = GroupFactory(established_on=D(2012, 1, 1))
    MemberFactory(
        group=group, role=Member.Role.LEADER, joined_on=D(2012, 1, 1), left_on=D(2015, 1, 1)
    )
    later = GroupFactory(established_on=D(2012, 1, 1))
    MemberFactory(group=later, role=Member.Role.LEADER, joined_on=D(2016, 1, 1))

    on_2014 = board_on(D(2014, 12, 31)).total
    on_2016 = board_on(D(2016, 6, 30)).total

    assert (on_2014.with_leader, on_2014.without_leader) == (1, 1)
    assert (on_2016.with_leader, on_2016.without_leader) == (1, 1)
    assert board_on(D(2015, 6, 30)).total.with_leader == 0


def test_past_figures_are_kept_longer_than_todays(monkeypatch):
    """A past reporting date's figures change only with late entries: they are cached as
    `past` (rmp_portal.core.cache.CACHE_SECONDS_PAST), today's for CACHE_SECONDS."""
    seen = []

    def spy(key, compute, *, past=False):
        seen.append((key.split(":")[2], past))
        return compute()

    monkeypatch.setattr(figures, "cached", spy)
    dashboard(province=None, dates=reporting_dates({}))
    dashboard(province=None, dates=reporting_dates({"as_of": "2016-06-30"}))

    assert seen == [(TODAY.isoformat(), False), ("2016-06-30", True)]
