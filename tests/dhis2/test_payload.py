"""The dataValueSets payload: DHIS2's format, one org unit per district with a code, and the
dashboards' own figures for the period."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from groups.models import Province
from rmp_portal.dashboards import figures
from rmp_portal.dashboards.initiatives import section
from rmp_portal.dhis2.models import CategoryOptionCombo, DataElement, OrgUnit
from rmp_portal.dhis2.periods import parse_period
from rmp_portal.dhis2.services import build_payload
from tests.dhis2.conftest import ORG_UNITS, other_districts

TODAY = datetime.date(2026, 12, 8)
pytestmark = pytest.mark.django_db


def values_by(payload) -> dict[tuple[str, str, str], int]:
    return {
        (v["orgUnit"], v["dataElement"], v["categoryOptionCombo"]): int(v["value"])
        for v in payload.data["dataValues"]
    }


def dashboard_rows(start: datetime.date, end: datetime.date) -> dict[str, figures.Counts]:
    """The province dashboards' district rows for the same dates, by district name."""
    dates = figures.ReportingDates(as_of=end, period=figures.Period(start, end), is_today=False)
    rows = {}
    for province in Province.objects.all():
        for row in figures.dashboard(province=province, dates=dates, linkable=False).rows:
            rows[row.area.name] = row.counts
    return rows


# Periods ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "start", "end"),
    [
        ("202609", datetime.date(2026, 9, 1), datetime.date(2026, 9, 30)),
        ("202402", datetime.date(2024, 2, 1), datetime.date(2024, 2, 29)),
        ("2026Q3", datetime.date(2026, 7, 1), datetime.date(2026, 9, 30)),
        ("2025q4", datetime.date(2025, 10, 1), datetime.date(2025, 12, 31)),
        ("2026Q1", datetime.date(2026, 1, 1), datetime.date(2026, 3, 31)),
    ],
)
def test_a_month_or_a_quarter_runs_from_its_first_to_its_last_day(code, start, end):
    period = parse_period(code, today=TODAY)
    assert (period.code, period.start, period.end) == (code.upper(), start, end)


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("2026-09", "is not a DHIS2 period"),
        ("202613", "is not a DHIS2 period"),
        ("2026Q5", "is not a DHIS2 period"),
        ("2026Q0", "is not a DHIS2 period"),
        ("2026W3", "is not a DHIS2 period"),
        ("", "is not a DHIS2 period"),
        ("199912", "before 2000"),
        ("2026Q4", "has not ended yet (its last day is 31.12.2026)"),
        ("202612", "has not ended yet"),
        ("2027Q1", "has not ended yet"),
    ],
)
def test_a_malformed_or_unfinished_period_is_refused_with_the_reason(code, message):
    with pytest.raises(ValidationError) as refused:
        parse_period(code, today=TODAY)
    assert message in refused.value.messages[0]


# The payload ------------------------------------------------------------------------------


def test_the_payload_is_dhis2s_data_value_set_with_codes(registry, codes):
    payload = build_payload(period=parse_period("2026Q3"))
    assert set(payload.data) == {"dataValues"}
    for value in payload.data["dataValues"]:
        assert set(value) == {"dataElement", "period", "orgUnit", "categoryOptionCombo", "value"}
        assert value["period"] == "2026Q3"
        assert isinstance(value["value"], str)
    # Two by sex, two without disaggregation, for each of the three districts with a code.
    assert payload.values == 3 * (2 + 1 + 1 + 2)
    assert values_by(payload) == {
        ("OU_DEV", "RMP_MEMBERS", "FEMALE"): 4,
        ("OU_DEV", "RMP_MEMBERS", "MALE"): 1,
        ("OU_DEV", "RMP_GROUPS", "default"): 2,
        ("OU_DEV", "RMP_COOPERATIVES", "default"): 1,
        ("OU_DEV", "RMP_SUPPORT_PARTICIPANTS", "FEMALE"): 24,
        ("OU_DEV", "RMP_SUPPORT_PARTICIPANTS", "MALE"): 6,
        ("OU_ASHT", "RMP_MEMBERS", "FEMALE"): 1,
        ("OU_ASHT", "RMP_MEMBERS", "MALE"): 1,
        ("OU_ASHT", "RMP_GROUPS", "default"): 1,
        ("OU_ASHT", "RMP_COOPERATIVES", "default"): 0,
        ("OU_ASHT", "RMP_SUPPORT_PARTICIPANTS", "FEMALE"): 0,
        ("OU_ASHT", "RMP_SUPPORT_PARTICIPANTS", "MALE"): 0,
        ("OU_RASHT", "RMP_MEMBERS", "FEMALE"): 2,
        ("OU_RASHT", "RMP_MEMBERS", "MALE"): 0,
        ("OU_RASHT", "RMP_GROUPS", "default"): 1,
        ("OU_RASHT", "RMP_COOPERATIVES", "default"): 1,
        ("OU_RASHT", "RMP_SUPPORT_PARTICIPANTS", "FEMALE"): 4,
        ("OU_RASHT", "RMP_SUPPORT_PARTICIPANTS", "MALE"): 0,
    }


@pytest.mark.parametrize(
    ("code", "start", "end"),
    [
        ("2026Q3", datetime.date(2026, 7, 1), datetime.date(2026, 9, 30)),
        ("202608", datetime.date(2026, 8, 1), datetime.date(2026, 8, 31)),
        ("202610", datetime.date(2026, 10, 1), datetime.date(2026, 10, 31)),
    ],
)
def test_members_groups_and_cooperatives_are_the_dashboards_district_figures(
    registry, codes, code, start, end
):
    values = values_by(build_payload(period=parse_period(code)))
    rows = dashboard_rows(start, end)
    compared = 0
    for name, org_unit in ORG_UNITS.items():
        counts = rows[name]
        assert values[(org_unit, "RMP_MEMBERS", "FEMALE")] == counts.women
        assert values[(org_unit, "RMP_MEMBERS", "MALE")] == counts.men
        assert values[(org_unit, "RMP_GROUPS", "default")] == counts.groups
        assert values[(org_unit, "RMP_COOPERATIVES", "default")] == counts.cooperatives
        compared += counts.women + counts.men + counts.groups + counts.cooperatives
    assert compared > 0  # the registry has figures on those dates


def test_support_participants_add_up_to_the_dashboards_quarter(registry, codes):
    """The dashboards count support per province and quarter; the districts' values of a
    quarter add up to that province's figures (each activity in one district)."""
    values = values_by(build_payload(period=parse_period("2026Q3")))
    dates = figures.ReportingDates(
        as_of=datetime.date(2026, 9, 30),
        period=figures.Period(datetime.date(2026, 7, 1), datetime.date(2026, 9, 30)),
        is_today=False,
    )
    for province, org_units in (("SU", ["OU_DEV", "OU_ASHT"]), ("RA", ["OU_RASHT"])):
        board = figures.dashboard(
            province=Province.objects.get(code=province), dates=dates, linkable=False
        )
        quarter = section(board).quarters[0]
        assert (quarter.start, quarter.end) == (dates.period.start, dates.period.end)
        for combo, figure in (("FEMALE", quarter.women), ("MALE", quarter.men)):
            sent = sum(values[(ou, "RMP_SUPPORT_PARTICIPANTS", combo)] for ou in org_units)
            assert sent == figure.value
    assert values[("OU_RASHT", "RMP_SUPPORT_PARTICIPANTS", "FEMALE")] == 4


def test_a_month_counts_only_the_support_held_within_it(registry, codes):
    values = values_by(build_payload(period=parse_period("202607")))
    assert values[("OU_DEV", "RMP_SUPPORT_PARTICIPANTS", "FEMALE")] == 12
    assert values[("OU_DEV", "RMP_SUPPORT_PARTICIPANTS", "MALE")] == 2
    assert values[("OU_RASHT", "RMP_SUPPORT_PARTICIPANTS", "FEMALE")] == 0


def test_districts_without_a_code_are_left_out_and_named(registry, codes):
    payload = build_payload(period=parse_period("2026Q3"))
    assert {v["orgUnit"] for v in payload.data["dataValues"]} == set(ORG_UNITS.values())
    assert payload.left_out and sorted(payload.left_out) == other_districts()
    assert "Left out, no DHIS2 org unit code: " in payload.notices()[0]
    assert "Isfara" in payload.notices()[0] and "Devashtich" not in payload.notices()[0]


def test_an_empty_code_sends_nothing_for_that_district(registry, codes):
    OrgUnit.objects.filter(code="OU_ASHT").update(code="")
    payload = build_payload(period=parse_period("2026Q3"))
    assert "OU_ASHT" not in {v["orgUnit"] for v in payload.data["dataValues"]}
    assert "Asht" in payload.left_out


def test_codes_set_in_admin_are_the_ones_sent(registry, codes):
    DataElement.objects.filter(figure="groups").update(code="SHG_COUNT")
    CategoryOptionCombo.objects.filter(kind="female").update(code="F")
    values = values_by(build_payload(period=parse_period("2026Q3")))
    assert values[("OU_DEV", "SHG_COUNT", "default")] == 2
    assert values[("OU_DEV", "RMP_MEMBERS", "F")] == 4
    assert ("OU_DEV", "RMP_GROUPS", "default") not in values


def test_a_figure_without_a_code_is_not_sent_and_said(registry, codes):
    DataElement.objects.filter(figure="support_participants").update(code="")
    payload = build_payload(period=parse_period("2026Q3"))
    assert payload.values == 3 * 4
    assert {v["dataElement"] for v in payload.data["dataValues"]} == {
        "RMP_MEMBERS",
        "RMP_GROUPS",
        "RMP_COOPERATIVES",
    }
    assert "Not sent, no DHIS2 code: Support participants, by sex." in payload.notices()


def test_the_migration_seeds_the_default_codes(db):
    assert dict(DataElement.objects.values_list("figure", "code")) == {
        "members": "RMP_MEMBERS",
        "groups": "RMP_GROUPS",
        "cooperatives": "RMP_COOPERATIVES",
        "support_participants": "RMP_SUPPORT_PARTICIPANTS",
    }
    assert dict(CategoryOptionCombo.objects.values_list("kind", "code")) == {
        "female": "FEMALE",
        "male": "MALE",
        "default": "default",
    }
    # Every district has its row, with no code until an admin gives one.
    assert OrgUnit.objects.count() > 0
    assert set(OrgUnit.objects.values_list("code", flat=True)) == {""}
