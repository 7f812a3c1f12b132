"""`manage.py generate_scale_data`: synthetic national-scale data, checked at a small size.

Runs on SQLite and, with DATABASE_URL set, on PostgreSQL (the COPY path): every row goes
through the database's constraints and triggers, so a run that succeeds there shows they
hold; the checks below count the rest from the database."""

import datetime
import hashlib
import io
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count, F, Max, Min, Q
from django.utils import timezone

from cooperatives.models import Cooperative, CooperativeMembership
from groups.models import District, GroupCodeCounter, SelfHelpGroup
from initiatives.models import InitiativeStatusChange, JointInitiative, SupportActivity
from members.models import Member
from rmp_portal.core.text import phone_key, search_key
from rmp_portal.devdata import scale
from rmp_portal.devdata.demo import read_names, surname_for
from tests.factories import GroupFactory

pytestmark = pytest.mark.django_db

GROUPS = 200
MEMBERS = 2000
CYRILLIC = re.compile("[\u0400-\u04ff]")


def generate(**options) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    options = {"groups": GROUPS, "members": MEMBERS, **options}
    call_command("generate_scale_data", stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def generated():
    return generate()


def test_counts_as_requested(generated):
    out, err = generated
    assert SelfHelpGroup.objects.count() == GROUPS
    assert Member.objects.count() == MEMBERS
    assert Cooperative.objects.count() == GROUPS // 20
    assert "Generated 200 groups" in out
    # Progress lines on stderr, ending with the totals.
    assert re.search(r"members .*\b2,000/2,000 … +\d+\.\d s", err)
    assert re.search(r"groups .*\b200/200 … ", err)


def test_initiatives_and_support_activities(generated):
    out, err = generated
    assert JointInitiative.objects.count() == GROUPS // 2
    assert SupportActivity.objects.count() == GROUPS
    assert "100 joint initiatives, 200 support activities" in out
    assert re.search(r"support .*\b200/200 … ", err)
    initiatives = JointInitiative.objects.all()
    by_coop = initiatives.filter(cooperative__isnull=False).count()
    assert 0 < by_coop < initiatives.count() / 2
    # Started after the owner was formed, never in the future; in one of the owner's trades.
    assert not initiatives.filter(started_on__lt=F("group__established_on")).exists()
    assert not initiatives.filter(started_on__lt=F("cooperative__formed_on")).exists()
    assert not initiatives.filter(started_on__gte=timezone.localdate()).exists()
    for initiative in initiatives.select_related("group", "cooperative"):
        owner = initiative.group or initiative.cooperative
        trades = owner.activities if initiative.group else owner.branches
        assert trades.filter(pk=initiative.activity_type_id).exists()
        initiative.full_clean()  # the model's own rules (grant complete, dates)
        # Participants are people of the owner group.
        assert not initiative.participants.exclude(group=initiative.group_id).exists()
        # The latest dated status change is the status of today; the first is the start.
        changes = list(initiative.status_changes.order_by("changed_on", "id"))
        assert changes[0].changed_on == initiative.started_on
        assert changes[-1].status == initiative.status
    assert (
        JointInitiative.participants.through.objects.count()
        >= initiatives.filter(group__isnull=False).count()
    )
    assert InitiativeStatusChange.objects.count() >= initiatives.count()
    assert initiatives.filter(grant_amount__isnull=False).exists()
    for activity in SupportActivity.objects.select_related("topic").prefetch_related("groups"):
        activity.full_clean()
        assert activity.topic.kind == activity.kind
        assert activity.women + activity.men > 0
        if activity.recipient == "groups":
            districts = {g.district_id for g in activity.groups.all()}
            assert len(districts) == 1
            assert all(activity.held_on >= g.established_on for g in activity.groups.all())
        else:
            assert not activity.groups.exists()
            assert activity.held_on >= activity.cooperative.formed_on


def test_every_group_not_dissolved_has_one_current_woman_leader(generated):
    leaders = Member.objects.current().filter(role=Member.Role.LEADER)
    groups = SelfHelpGroup.objects.annotate(
        leaders=Count("members", filter=Q(members__in=leaders)),
        women_leaders=Count("members", filter=Q(members__in=leaders.filter(sex="F"))),
    )
    active = groups.filter(status=SelfHelpGroup.Status.ACTIVE)
    assert active.count() > GROUPS * 0.8
    assert not active.exclude(leaders=1).exists()
    assert not active.exclude(women_leaders=1).exists()
    assert not groups.exclude(status="dissolved").exclude(leaders=1).exists()
    assert not Member.objects.filter(role="leader", sex="M").exists()


def test_shares_look_like_the_programme(generated):
    members = Member.objects.all()
    men = members.filter(sex="M").count() / MEMBERS
    former = members.filter(left_on__isnull=False).count() / MEMBERS
    assert 0.01 < men < 0.045
    assert 0.035 < former < 0.09
    cyrillic = [m for m in members.values_list("surname", flat=True) if CYRILLIC.search(m)]
    assert 0.08 < len(cyrillic) / MEMBERS < 0.22
    statuses = dict(SelfHelpGroup.objects.values_list("status").annotate(n=Count("id")))
    assert statuses["active"] > statuses.get("inactive", 0) > 0
    # The districts are skewed: the largest holds several times the average.
    per_district = SelfHelpGroup.objects.values("district").annotate(n=Count("id"))
    assert max(row["n"] for row in per_district) > 3 * GROUPS / District.objects.count()
    assert SelfHelpGroup.activities.through.objects.count() >= GROUPS
    per_group = SelfHelpGroup.objects.annotate(n=Count("activities")).aggregate(
        low=Min("n"), high=Max("n")
    )
    assert per_group == {"low": 1, "high": 3}


def test_dates_are_consistent(generated):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    groups = SelfHelpGroup.objects.aggregate(
        first=Min("established_on"), last=Max("established_on")
    )
    assert groups["first"] >= datetime.date(2010, 1, 1)
    assert groups["last"] <= yesterday
    dissolved = SelfHelpGroup.objects.filter(status="dissolved")
    assert not dissolved.filter(
        Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=yesterday)
    ).exists()
    assert not dissolved.filter(dissolved_on__lt=F("established_on")).exists()
    assert not SelfHelpGroup.objects.exclude(status="dissolved").filter(dissolved_on__isnull=False)
    # Members of a dissolved group all left, on the day at the latest.
    assert not Member.objects.filter(group__status="dissolved", left_on__isnull=True).exists()
    assert not Member.objects.filter(left_on__gt=F("group__dissolved_on")).exists()
    assert not Member.objects.filter(left_on__lt=F("joined_on")).exists()
    assert not Member.objects.filter(Q(joined_on__gt=yesterday) | Q(left_on__gt=yesterday))
    assert not Member.objects.filter(joined_on__lt=F("group__established_on")).exists()


def test_cooperatives(generated):
    coops = Cooperative.objects.annotate(
        groups=Count("memberships"),
        provinces=Count("memberships__group__district__province", distinct=True),
    )
    assert {c.groups for c in coops} <= set(range(2, 7))
    assert all(c.provinces == 1 for c in coops)
    for coop in coops.select_related("district"):
        assert coop.memberships.filter(group__district__province=coop.district.province_id)
    memberships = CooperativeMembership.objects.all()
    assert not memberships.filter(left_on__lt=F("joined_on")).exists()
    assert not memberships.filter(joined_on__lt=F("cooperative__formed_on")).exists()
    assert not memberships.filter(joined_on__lt=F("group__established_on")).exists()
    # A group is in at most one cooperative (here: ever), some memberships are closed.
    assert memberships.values("group").distinct().count() == memberships.count()
    assert memberships.filter(left_on__isnull=False).exists()
    for coop in Cooperative.objects.filter(status="dissolved"):
        assert not coop.memberships.filter(left_on__isnull=True).exists()
    # The director, when there is one, is a current member of one of its current groups.
    directed = Cooperative.objects.exclude(director=None)
    assert directed.exists()
    for coop in directed:
        assert Member.objects.current().filter(
            pk=coop.director_id,
            group__cooperative_memberships__cooperative=coop,
            group__cooperative_memberships__left_on__isnull=True,
        )
        coop.full_clean()
    registered = Cooperative.objects.exclude(registration_number="")
    assert registered.values("registration_number").distinct().count() == registered.count()


def test_search_keys_are_what_save_would_store(generated):
    for group in SelfHelpGroup.objects.all():
        assert group.search_key == search_key(group.code, group.name, group.village)
    for member in Member.objects.all():
        assert member.search_key == search_key(member.surname, member.given_name, member.patronymic)
        assert member.phone_digits == phone_key(member.phone)
    assert Member.objects.exclude(phone="").count() > MEMBERS / 2


def test_a_cyrillic_member_is_found_by_the_latin_spelling(generated):
    names = read_names()
    latin = {scale.to_cyrillic(surname_for(n, "F")): surname_for(n, "F") for n in names["surname"]}
    member = next(
        m for m in Member.objects.filter(sex="F").order_by("id") if CYRILLIC.search(m.surname)
    )
    found = Member.objects.filter(search_key__contains=search_key(latin[member.surname]))
    assert member in found
    # And the other way round, whole names: the key of the Latin spelling finds it.
    query = search_key(latin[member.surname], member.given_name)
    assert query.split()[0] in member.search_key


@pytest.mark.parametrize("kind", ["female_given", "male_given", "surname"])
def test_cyrillic_spelling_has_the_same_search_key(kind):
    for name in read_names()[kind]:
        cyrillic = scale.to_cyrillic(name)
        assert CYRILLIC.search(cyrillic) and not re.search("[a-z]", cyrillic, re.I)
        assert search_key(cyrillic) == search_key(name), (name, cyrillic)
        for sex in "FM":
            assert search_key(scale.to_cyrillic(surname_for(name, sex))) == search_key(
                surname_for(name, sex)
            )
    assert scale.to_cyrillic("Rukhsora") == "Рухсора"
    assert scale.to_cyrillic("Qurbonova") == "Қурбонова"
    assert scale.to_cyrillic("Bakhtiyor") == "Бахтиёр"


def test_codes_unique_and_counters_moved_past_them(generated):
    codes = list(SelfHelpGroup.objects.values_list("code", "district__province__code"))
    assert len({code for code, _province in codes}) == GROUPS
    for province in {p for _code, p in codes}:
        numbers = [int(c.split("-")[1]) for c, p in codes if p == province]
        assert all(re.fullmatch(rf"{province}-\d{{4,}}", c) for c, p in codes if p == province)
        assert sorted(numbers) == list(range(1, len(numbers) + 1))
        counter = GroupCodeCounter.objects.get(province__code=province)
        assert counter.last_number == max(numbers)
    # Codes follow the order of establishment, as registration would give them out.
    first = SelfHelpGroup.objects.order_by("established_on", "id").first()
    assert first.code.endswith("-0001")
    # A group registered afterwards through the ORM gets the next number.
    district = SelfHelpGroup.objects.values_list("district__name", flat=True).first()
    group = GroupFactory(district=District.objects.get(name=district))
    province = group.district.province.code
    highest = max(int(c.split("-")[1]) for c, p in codes if p == province)
    assert group.code == f"{province}-{highest + 1:04d}"
    # And a member added through the ORM gets a fresh id.
    member = Member.objects.create(
        group=group, surname="Nazarova", given_name="Zebo", sex="F", joined_on=group.established_on
    )
    assert member.pk > Member.objects.exclude(pk=member.pk).aggregate(m=Max("id"))["m"]


def checksum() -> str:
    """The generated content, without ids (which PostgreSQL sequences move on even when a
    transaction is rolled back); foreign keys by code or name."""
    digest = hashlib.sha256()
    querysets = [
        SelfHelpGroup.objects.order_by("code").values_list(
            "code", "name", "district__name", "jamoat__name", "village", "established_on",
            "dissolved_on", "status", "notes", "search_key", "created_at", "updated_at",
        ),
        SelfHelpGroup.activities.through.objects.order_by(
            "selfhelpgroup__code", "activitytype__name"
        ).values_list("selfhelpgroup__code", "activitytype__name"),
        Member.objects.order_by("id").values_list(
            "group__code", "surname", "given_name", "patronymic", "sex", "birth_year", "phone",
            "role", "joined_on", "left_on", "head_of_household", "migration_link", "skills",
            "search_key", "phone_digits", "created_at", "updated_at",
        ),
        Cooperative.objects.order_by("id", "branches__name").values_list(
            "name", "registration_number", "district__name", "formed_on", "dissolved_on",
            "status", "description", "director__group__code", "director__role",
            "branches__name",
        ),
        CooperativeMembership.objects.order_by("id").values_list(
            "cooperative__name", "group__code", "joined_on", "left_on"
        ),
        JointInitiative.objects.order_by("id", "participants__id").values_list(
            "title", "group__code", "cooperative__name", "activity_type__name", "started_on",
            "status", "products", "grant_amount", "grant_date", "grant_donor", "search_key",
            "participants__surname", "participants__joined_on",
        ),
        InitiativeStatusChange.objects.order_by("id").values_list(
            "initiative__title", "status", "changed_on"
        ),
        SupportActivity.objects.order_by("id", "groups__code").values_list(
            "held_on", "kind", "topic__name", "delivered_by", "partner_name", "recipient",
            "cooperative__name", "women", "men", "groups__code",
        ),
    ]  # fmt: skip
    for queryset in querysets:
        for row in queryset:
            digest.update(repr(row).encode())
    return digest.hexdigest()


def generate_and_roll_back(**options) -> str:
    with transaction.atomic():
        generate(**options)
        value = checksum()
        transaction.set_rollback(True)
    return value


def test_deterministic():
    as_of = datetime.date(2025, 6, 30)
    first = generate_and_roll_back(seed=7, as_of=as_of)
    # The batch size changes how rows are written, never which.
    assert generate_and_roll_back(seed=7, as_of=as_of, batch_size=333) == first
    assert generate_and_roll_back(seed=8, as_of=as_of) != first
    generate(seed=7, as_of=as_of)
    assert checksum() == first
    assert SelfHelpGroup.objects.aggregate(m=Max("established_on"))["m"] < as_of


def test_refuses_a_database_with_other_data():
    group = GroupFactory(notes="A real group")
    with pytest.raises(CommandError, match="not generated"):
        generate()
    assert SelfHelpGroup.objects.count() == 1
    # --force writes next to it, leaving it as it was.
    generate(force=True)
    assert SelfHelpGroup.objects.count() == GROUPS + 1
    group.refresh_from_db()
    assert group.notes == "A real group"
    assert group.code.endswith("-0001")


def test_refuses_to_run_twice_unless_forced(generated):
    with pytest.raises(CommandError, match="already holds 200 generated"):
        generate()
    generate(force=True, groups=50, members=500, cooperatives=2)
    assert SelfHelpGroup.objects.count() == GROUPS + 50
    assert Member.objects.count() == MEMBERS + 500
    assert SelfHelpGroup.objects.values("code").distinct().count() == GROUPS + 50
    phones = Member.objects.exclude(phone_digits="").values_list("phone_digits", flat=True)
    assert len(set(phones)) > 0.99 * len(phones)


def test_refuses_impossible_sizes():
    with pytest.raises(CommandError, match="at least one member"):
        generate(groups=10, members=9)
    with pytest.raises(CommandError, match="cooperatives"):
        generate(groups=10, members=100, cooperatives=6)
    assert not SelfHelpGroup.objects.exists()


def test_tiny_sizes():
    generate(groups=1, members=1, cooperatives=0)
    member = Member.objects.get()
    assert (member.role, member.sex) == ("leader", "F")
