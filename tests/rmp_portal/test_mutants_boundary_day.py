"""The boundary day: a member and a cooperative membership that end exactly on the reporting
date D are no longer current on D. The dashboard figure and the registry list it links to say
the same, and "former members as of D" includes whoever left on D.

Kills the mutation-audit mutants S04 (members.models.MemberQuerySet.current_on, left_on > D
made >=), S05 (cooperatives.selectors.current_memberships, the same) and R01
(members.filters.MemberFilter.filter_status, left_on <= D made <); see docs/testing.md."""

import datetime

import pytest

from members.models import Member
from rmp_portal.dashboards.figures import dashboard, reporting_dates
from tests import factories
from tests.factories import (
    CooperativeFactory,
    CooperativeMembershipFactory,
    GroupFactory,
    MemberFactory,
    district,
)

pytestmark = pytest.mark.django_db

D = datetime.date(2020, 6, 30)
DAY_BEFORE = D - datetime.timedelta(days=1)
ESTABLISHED = datetime.date(2012, 3, 1)


@pytest.fixture
def manager_client(client):
    client.force_login(factories.manager(programme_wide=True, username="boundary-manager"))
    return client


@pytest.fixture
def world():
    """Lola (Devashtich): a current leader, a woman and a man who both left on D; Lola's
    membership of the cooperative Guncha also ended on D."""
    lola = GroupFactory(name="Lola", district=district("Devashtich"), established_on=ESTABLISHED)
    MemberFactory(group=lola, surname="Leader", role=Member.Role.LEADER, joined_on=ESTABLISHED)
    MemberFactory(group=lola, surname="Leftonday", joined_on=ESTABLISHED, left_on=D)
    MemberFactory(
        group=lola, surname="Manleft", sex=Member.Sex.MALE, joined_on=ESTABLISHED, left_on=D
    )
    guncha = CooperativeFactory(name="Guncha", formed_on=datetime.date(2013, 5, 1))
    CooperativeMembershipFactory(
        cooperative=guncha, group=lola, joined_on=datetime.date(2013, 5, 1), left_on=D
    )
    return lola


def listed(client, url) -> list[str]:
    """The registry list at `url`: the rows it shows (a member's surname, a group's name),
    checked against the total the page counts."""
    response = client.get(url)
    assert response.status_code == 200, url
    assert not response.context["filter"].errors, response.context["filter"].errors
    rows = list(response.context["filter"].qs)
    assert response.context["paginator"].count == len(rows)
    return sorted(getattr(row, "surname", None) or row.name for row in rows)


def board_on(day):
    return dashboard(province=None, dates=reporting_dates({"as_of": day.isoformat()}))


def test_a_member_who_left_on_the_reporting_date_is_not_current_that_day(world):
    # S04: the members registry's "current on D" is MemberQuerySet.current_on.
    assert sorted(m.surname for m in Member.objects.current_on(D)) == ["Leader"]
    assert sorted(m.surname for m in Member.objects.current_on(DAY_BEFORE)) == [
        "Leader",
        "Leftonday",
        "Manleft",
    ]


def test_the_current_members_figure_and_its_list_agree_on_the_boundary_day(manager_client, world):
    board = board_on(D)

    assert (board.total.women, board.total.men) == (1, 0)
    assert board.total.with_men == 0  # the man left on D
    assert listed(manager_client, f"/members/?status=current&as_of={D}") == ["Leader"]
    assert listed(manager_client, board.figures["members"].url) == ["Leader"]
    assert listed(manager_client, board.figures["women"].url) == ["Leader"]
    assert listed(manager_client, board.figures["men"].url) == []
    assert listed(manager_client, board.figures["with_men"].url) == []


def test_the_day_before_both_leavers_are_still_counted_and_listed(manager_client, world):
    board = board_on(DAY_BEFORE)

    assert (board.total.women, board.total.men, board.total.with_men) == (2, 1, 1)
    assert listed(manager_client, board.figures["members"].url) == [
        "Leader",
        "Leftonday",
        "Manleft",
    ]
    assert listed(manager_client, board.figures["with_men"].url) == ["Lola"]


def test_former_members_as_of_the_day_they_left_include_them(manager_client, world):
    # R01: "left as of D" is left_on <= D, the complement of "current on D".
    assert listed(manager_client, f"/members/?status=left&as_of={D}") == [
        "Leftonday",
        "Manleft",
    ]
    assert listed(manager_client, f"/members/?status=left&as_of={DAY_BEFORE}") == []


def test_a_group_that_left_its_cooperative_on_the_reporting_date_is_not_in_it(
    manager_client, world
):
    # S05: cooperatives.selectors.current_memberships(D) drives the figure and the filter.
    board = board_on(D)

    assert board.total.in_cooperative == 0
    assert listed(manager_client, f"/groups/?as_of={D}&in_cooperative=yes") == []
    assert listed(manager_client, board.figures["in_cooperative"].url) == []
    assert listed(manager_client, f"/groups/?as_of={D}&in_cooperative=no") == ["Lola"]

    before = board_on(DAY_BEFORE)
    assert before.total.in_cooperative == 1
    assert listed(manager_client, before.figures["in_cooperative"].url) == ["Lola"]


def test_the_cooperatives_registry_shows_no_current_group_on_the_boundary_day(
    manager_client, world
):
    response = manager_client.get(f"/cooperatives/?as_of={D}")
    (guncha,) = response.context["filter"].qs
    assert (guncha.current_groups, guncha.current_women, guncha.current_men) == (0, 0, 0)

    response = manager_client.get(f"/cooperatives/?as_of={DAY_BEFORE}")
    (guncha,) = response.context["filter"].qs
    assert (guncha.current_groups, guncha.current_women, guncha.current_men) == (1, 2, 1)
