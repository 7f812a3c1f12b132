"""The demo's initiatives and support (rmp_portal.devdata.initiatives, run by `load_demo_data`):
Guncha's two operating branches, the nine projects of the 2014 grant round, support of every
kind, and the dashboards' links on them.

The demo is loaded once for the module (in a transaction rolled back at the end, as in
tests/rmp_portal/test_demo_data.py); each test runs in its own savepoint."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, Max

from initiatives.models import InitiativeStatusChange, JointInitiative, SupportActivity
from members.models import Member
from rmp_portal.devdata import initiatives as demo
from tests.initiatives.drilldown import mismatches

pytestmark = pytest.mark.django_db

ROUND_DISTRICTS = {"Isfara", "Konibodom", "Asht", "Bobojon Ghafurov", "Devashtich"}


@pytest.fixture(scope="module")
def demo_db(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo_data", force=True, stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def manager_client(demo_db, client):
    client.force_login(get_user_model().objects.get(username="manager"))
    return client


def test_guncha_runs_two_operating_initiatives(demo_db):
    guncha = JointInitiative.objects.filter(cooperative__name="Guncha")

    assert guncha.count() == 2
    assert set(guncha.values_list("status", flat=True)) == {"operating"}
    lemons = guncha.get(activity_type__name="Lemon cultivation")
    dairy = guncha.get(activity_type__name="Dairy processing")
    assert "Lemon" in lemons.title
    assert "kefir" in dairy.products.lower() and "ice cream" in dairy.products
    assert "own label" in dairy.title and "local shops" in dairy.products
    for initiative in (lemons, dairy):
        groups = set(initiative.participants.values_list("group__name", flat=True))
        assert groups and all(name.startswith("Guncha-") for name in groups)
        assert not initiative.participants.filter(left_on__isnull=False).exists()


def test_the_2014_grant_round_funded_nine_projects_in_five_districts(demo_db):
    grants = JointInitiative.objects.filter(grant_date__year=2014)

    assert grants.count() == 9
    assert set(grants.values_list("group__district__name", flat=True)) == ROUND_DISTRICTS
    assert not grants.filter(group__isnull=True).exists()
    assert set(grants.values_list("grant_donor", flat=True)) == {demo.ROUND_2014_DONOR}
    bought = " ".join(grants.values_list("grant_purchases", flat=True)).lower()
    for thing in ("tractor", "greenhouse", "fruit dryer", "kernel crusher", "hives"):
        assert thing in bought, thing
    assert all(g.grant_amount > 0 for g in grants)


def test_initiatives_are_in_every_status_and_their_history_is_dated(demo_db):
    statuses = dict(JointInitiative.objects.values_list("status").annotate(n=Count("pk")))

    assert set(statuses) == {"idea", "planned", "operating", "suspended", "closed"}
    assert statuses["operating"] > statuses["closed"]
    for initiative in JointInitiative.objects.prefetch_related("status_changes"):
        changes = sorted(initiative.status_changes.all(), key=lambda c: (c.changed_on, c.pk))
        assert changes[0].changed_on == initiative.started_on
        assert changes[-1].status == initiative.status
    assert JointInitiative.objects.filter(cooperative__isnull=False).count() >= 6


def test_support_of_every_kind_by_every_deliverer(demo_db):
    activities = SupportActivity.objects.all()

    assert activities.count() >= 150
    assert set(activities.values_list("kind", flat=True)) == {"economic", "social", "legal"}
    assert set(activities.values_list("delivered_by", flat=True)) == {
        "iom",
        "un_women",
        "wbg",
        "partner_ngo",
    }
    assert activities.filter(recipient="cooperative").exists()
    several = activities.annotate(n=Count("groups")).filter(n__gt=1)
    assert several.exists()
    for activity in activities.prefetch_related("groups__district"):
        districts = {g.district_id for g in activity.groups.all()}
        assert len(districts) <= 1  # a district's groups together
        assert activity.topic.kind == activity.kind
    assert activities.aggregate(Max("held_on"))["held_on__max"].year >= 2025


def test_participants_were_members_of_the_owner(demo_db):
    for initiative in JointInitiative.objects.filter(group__isnull=False):
        groups = set(initiative.participants.values_list("group_id", flat=True))
        assert groups <= {initiative.group_id}


def test_running_it_twice_changes_nothing(demo_db):
    before = (
        JointInitiative.objects.count(),
        InitiativeStatusChange.objects.count(),
        SupportActivity.objects.count(),
        JointInitiative.history.count(),
    )

    call_command("load_demo_data", force=True, stdout=io.StringIO())
    built_again = demo.build(admin=get_user_model().objects.get(username="admin"))

    assert built_again is False
    assert (
        JointInitiative.objects.count(),
        InitiativeStatusChange.objects.count(),
        SupportActivity.objects.count(),
        JointInitiative.history.count(),
    ) == before


def test_it_is_deterministic(demo_db):
    def fingerprint():
        initiatives = JointInitiative.objects.order_by("pk").values_list(
            "title", "group__code", "cooperative__name", "started_on", "status", "grant_amount"
        )
        support = SupportActivity.objects.order_by("pk").values_list(
            "held_on", "kind", "topic__name", "delivered_by", "women", "men"
        )
        participants = Member.objects.filter(initiatives__isnull=False).order_by("pk")
        return list(initiatives), list(support), list(participants.values_list("pk", flat=True))

    first = fingerprint()
    with transaction.atomic():
        SupportActivity.objects.all().delete()
        JointInitiative.objects.all().delete()
        demo.build(admin=get_user_model().objects.get(username="admin"))
        second = fingerprint()
        transaction.set_rollback(True)

    assert first == second


def test_the_history_is_the_demo_loaders(demo_db):
    records = JointInitiative.history.all()

    assert records.exists()
    assert set(records.values_list("history_change_reason", flat=True)) == {demo.CHANGE_REASON}
    assert set(records.values_list("history_user__username", flat=True)) == {"admin"}


@pytest.mark.parametrize(
    "url", ["/", "/?as_of=2014-12-31", "/provinces/SU/", "/provinces/RA/?as_of=2016-06-30"]
)
def test_every_figure_of_the_section_lists_exactly_its_records(manager_client, url):
    checked, wrong = mismatches(manager_client, url)

    assert checked > 40
    assert wrong == []


def test_the_programme_page_shows_the_grant_round(manager_client):
    section = manager_client.get("/?as_of=2014-12-31").context["section"]

    round_total = sum(
        JointInitiative.objects.filter(grant_date__year=2014).values_list("grant_amount", flat=True)
    )
    earlier = sum(
        JointInitiative.objects.filter(grant_date__year__lt=2014).values_list(
            "grant_amount", flat=True
        )
    )
    assert section.grant_amount.value == round_total + earlier
    assert section.operating.value >= 2
