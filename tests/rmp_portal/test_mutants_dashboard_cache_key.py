"""Each cached dashboard is kept under its own key: the area, the reporting date, the period
and whether it links (rmp_portal.dashboards.figures.dashboard). With the cache on, asking for
one never returns another's figures.

Written against the survivors of `make mutation` in rmp_portal/dashboards/figures.py
(docs/testing.md). The cache is only used outside transactions, so this test commits, as
tests/rmp_portal/test_dashboard_cache.py does."""

import datetime

import pytest
from django.core.cache import cache

from groups.models import Province
from rmp_portal.dashboards.figures import dashboard, reporting_dates
from tests.factories import GroupFactory, MemberFactory, district

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

D = datetime.date


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def test_every_dashboard_is_cached_under_its_own_key():
    for name, established in (("Devashtich", D(2012, 3, 1)), ("Rasht", D(2014, 3, 1))):
        group = GroupFactory(district=district(name), established_on=established)
        MemberFactory(group=group, joined_on=established)
    sughd = Province.objects.get(code="SU")

    def groups(province=None, linkable=True, **query):
        board = dashboard(province=province, dates=reporting_dates(query), linkable=linkable)
        return board.total.groups, board.total.new_groups, board.figures["groups"].url

    for _ in range(2):  # computed, then read from the cache
        assert groups() == (2, 0, "/groups/?as_of=" + reporting_dates({}).as_of.isoformat())
        assert groups(province=sughd)[0] == 1
        assert groups(as_of="2013-01-01")[0] == 1
        assert groups(as_of="2015-01-01", period_start="2014-01-01")[:2] == (2, 1)
        # the same end, a later start: the group of March 2014 is not new in it
        assert groups(as_of="2015-01-01", period_start="2014-06-01")[:2] == (2, 0)
        assert groups(as_of="2015-01-01", period_start="2014-01-01", period_end="2014-02-01")[
            :2
        ] == (2, 0)
        assert groups(as_of="2015-01-01")[:2] == (2, 1)
        assert groups(linkable=False)[2] is None


def test_a_cached_dashboard_carries_the_notices_of_the_request_that_reads_it():
    GroupFactory(district=district("Devashtich"), established_on=D(2012, 3, 1))
    first = reporting_dates({"as_of": "nonsense"})  # today's figures, with a notice
    second = reporting_dates({})

    assert dashboard(province=None, dates=first).dates.notices == first.notices != ()
    assert dashboard(province=None, dates=second).dates is second
