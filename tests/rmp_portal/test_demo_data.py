"""`manage.py load_demo_data`: the published programme figures, counted from the database.

The command runs once for the module (in a transaction rolled back at the end), so the
tests read one loaded registry; each test still runs in its own savepoint."""

import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count, F, Max, Q
from django.test import RequestFactory
from django.utils import timezone

from cooperatives.models import Cooperative, CooperativeMembership
from groups.models import GroupCodeCounter, SelfHelpGroup
from initiatives.models import JointInitiative, SupportActivity
from members.models import Member
from rmp_portal.core.text import phone_key, search_key
from rmp_portal.devdata.demo import CHANGE_REASON, DEMO_PASSWORD
from rmp_portal.models import StaffProfile
from tests.factories import GroupFactory

pytestmark = pytest.mark.django_db

AS_OF = datetime.date(2011, 9, 30)
PHASE_TWO_DISTRICTS = ["Asht", "Konibodom", "Isfara", "Bobojon Ghafurov"]


@pytest.fixture(scope="module")
def demo_output(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        out = io.StringIO()
        call_command("load_demo_data", force=True, stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


@pytest.fixture
def demo(demo_output):
    return demo_output


def current():
    return Member.objects.current()


def counts() -> dict[str, int]:
    models = [
        SelfHelpGroup,
        SelfHelpGroup.activities.through,
        Member,
        Cooperative,
        CooperativeMembership,
        get_user_model(),
        StaffProfile,
    ]
    result = {model._meta.label: model.objects.count() for model in models}
    for model in (SelfHelpGroup, Member, Cooperative, CooperativeMembership):
        result[f"history of {model._meta.label}"] = model.history.count()
    result["code counters"] = sum(GroupCodeCounter.objects.values_list("last_number", flat=True))
    return result


def test_it_loads_482_active_groups_199_in_sughd_and_283_in_the_rasht_valley(demo):
    groups = SelfHelpGroup.objects.all()
    assert groups.count() == 482
    assert groups.filter(status=SelfHelpGroup.Status.ACTIVE).count() == 482
    assert groups.filter(district__province__code="SU").count() == 199
    assert groups.filter(district__province__code="RA").count() == 283
    assert "482 active (199 Sughd, 283 Rasht Valley)" in demo


def test_groups_are_spread_unevenly_over_real_districts(demo):
    per_district = dict(SelfHelpGroup.objects.values_list("district__name").annotate(n=Count("id")))
    assert set(per_district) >= {"Devashtich", "Asht", "Rasht", "Nurobod", "Tojikobod"}
    assert set(per_district) >= {"Lakhsh", "Sangvor", "Konibodom", "Isfara"}
    assert max(per_district.values()) >= 3 * min(per_district.values())


def test_groups_were_formed_2010_to_2015_phase_two_in_summer_2014(demo):
    groups = SelfHelpGroup.objects.all()
    assert not groups.filter(established_on__lt=datetime.date(2010, 1, 1)).exists()
    assert not groups.filter(established_on__gt=datetime.date(2015, 12, 31)).exists()
    phase_two = groups.filter(district__name__in=PHASE_TWO_DISTRICTS)
    assert phase_two.count() > 50
    assert not phase_two.exclude(
        established_on__range=(datetime.date(2014, 6, 1), datetime.date(2014, 9, 30))
    ).exists()


def test_it_has_2884_current_women_and_71_current_men_all_in_sughd(demo):
    assert current().filter(sex=Member.Sex.FEMALE).count() == 2884
    assert current().filter(sex=Member.Sex.MALE).count() == 71
    assert current().filter(sex=Member.Sex.MALE, group__district__province__code="SU").count() == 71
    assert "2,884 women, 71 men" in demo


def test_every_group_has_exactly_one_current_leader_a_woman(demo):
    groups = SelfHelpGroup.objects.annotate(
        leaders=Count("members", filter=Q(members__role="leader", members__left_on=None)),
        women_leaders=Count(
            "members",
            filter=Q(members__role="leader", members__left_on=None, members__sex="F"),
        ),
    )
    assert groups.count() == 482
    assert not groups.exclude(leaders=1).exists()
    assert not groups.exclude(women_leaders=1).exists()


def test_groups_have_deputies_treasurers_and_some_former_members(demo):
    assert current().filter(role=Member.Role.DEPUTY).count() > 300
    assert current().filter(role=Member.Role.TREASURER).count() > 300
    former = Member.objects.filter(left_on__isnull=False)
    assert 100 <= former.count() <= 200
    assert former.filter(role=Member.Role.LEADER).exists()  # a group changed its leader


def test_as_of_30_september_2011_there_were_178_groups_and_1049_members(demo):
    assert SelfHelpGroup.objects.filter(established_on__lte=AS_OF).count() == 178
    then = Member.objects.current_on(AS_OF)
    assert then.count() == 1049
    assert then.filter(left_on__isnull=False).exists()  # some have left since


def test_members_join_on_or_after_their_group_was_established(demo):
    assert not Member.objects.filter(joined_on__lt=F("group__established_on")).exists()
    assert not Member.objects.filter(left_on__lt=F("joined_on")).exists()
    today = timezone.localdate()
    assert not Member.objects.filter(Q(joined_on__gt=today) | Q(left_on__gt=today)).exists()
    leaders = current().filter(role=Member.Role.LEADER)
    founding = leaders.filter(joined_on=F("group__established_on")).count()
    assert founding >= 0.9 * leaders.count()


def test_members_have_realistic_personal_data(demo):
    members = Member.objects.all()
    total = members.count()
    year = timezone.localdate().year
    assert not members.filter(birth_year__gt=year - 14).exists()
    assert not members.filter(birth_year__lt=year - 100).exists()
    with_age = members.filter(birth_year__isnull=False)
    adults = with_age.filter(birth_year__range=(year - 70, year - 18)).count()
    assert 0.7 * total < with_age.count() < total
    assert adults >= 0.9 * with_age.count()
    assert 0.4 * total < members.exclude(phone="").count() < 0.9 * total
    assert 0.1 * total < members.filter(head_of_household=True).count() < 0.7 * total
    assert 0.3 * total < members.exclude(skills="").count() < 0.9 * total
    links = dict(members.values_list("migration_link").annotate(n=Count("id")))
    assert max(links, key=links.get) == Member.MigrationLink.MIGRANT_FAMILY
    assert links[Member.MigrationLink.MIGRANT_FAMILY] > total / 2
    assert len(links) == 4


def test_names_follow_the_reference_spelling(demo):
    women = Member.objects.filter(sex=Member.Sex.FEMALE)
    men = Member.objects.filter(sex=Member.Sex.MALE)
    assert not women.filter(Q(surname__endswith="ov") | Q(surname__endswith="ev")).exists()
    assert women.filter(surname__endswith="ova").exists()
    assert women.filter(surname__endswith="zoda").exists()
    assert not men.filter(Q(surname__endswith="ova") | Q(surname__endswith="eva")).exists()
    assert not women.exclude(patronymic="").exclude(patronymic__endswith="vna").exists()
    assert not men.exclude(patronymic="").exclude(patronymic__endswith="vich").exists()


def test_derived_fields_are_computed_as_save_would(demo):
    for group in SelfHelpGroup.objects.all():
        assert group.search_key == search_key(group.code, group.name, group.village)
    for member in Member.objects.all():
        assert member.search_key == search_key(member.surname, member.given_name, member.patronymic)
        assert member.phone_digits == phone_key(member.phone)


def test_registry_codes_are_numbered_per_province_and_never_reused(demo):
    for code, total in (("SU", 199), ("RA", 283)):
        codes = set(
            SelfHelpGroup.objects.filter(district__province__code=code).values_list(
                "code", flat=True
            )
        )
        assert codes == {f"{code}-{n:04d}" for n in range(1, total + 1)}
        assert GroupCodeCounter.objects.get(province__code=code).last_number == total
    assert GroupFactory().code == "SU-0200"


def test_groups_have_one_to_three_activities_and_some_jamoats_and_villages(demo):
    groups = SelfHelpGroup.objects.annotate(n=Count("activities"))
    assert not groups.exclude(n__range=(1, 3)).exists()
    assert groups.filter(n=3).exists()
    with_jamoat = SelfHelpGroup.objects.filter(jamoat__isnull=False)
    assert with_jamoat.count() > 40
    assert not with_jamoat.exclude(jamoat__district=F("district")).exists()
    assert SelfHelpGroup.objects.exclude(village="").count() > 240


def test_guncha_is_four_ghonchi_groups_with_about_thirty_members(demo):
    guncha = Cooperative.objects.get(name="Guncha")
    assert guncha.district.name == "Devashtich"
    assert guncha.status == Cooperative.Status.REGISTERED
    assert guncha.formed_on.year == 2011
    memberships = guncha.memberships.filter(left_on__isnull=True)
    assert memberships.count() == 4
    groups = SelfHelpGroup.objects.filter(cooperative_memberships__in=memberships)
    assert groups.count() == 4
    assert set(groups.values_list("district__name", "jamoat__name")) == {("Devashtich", "Ghonchi")}
    assert not groups.filter(established_on__gte=guncha.formed_on).exists()
    assert 28 <= current().filter(group__in=groups).count() <= 32
    assert set(guncha.branches.values_list("name", flat=True)) == {
        "Lemon cultivation",
        "Dairy processing",
    }


def test_guncha_is_directed_by_rukhsora_usmonova_aged_42_leader_since_2010(demo):
    guncha = Cooperative.objects.get(name="Guncha")
    director = guncha.director
    assert (director.surname, director.given_name) == ("Usmonova", "Rukhsora")
    assert director.sex == Member.Sex.FEMALE
    assert timezone.localdate().year - director.birth_year == 42
    assert director.left_on is None
    assert director.role == Member.Role.LEADER
    assert director.group.established_on.year == 2010
    assert director.joined_on == director.group.established_on
    assert guncha.memberships.filter(group=director.group, left_on__isnull=True).exists()


def test_akbar_oblokulov_economist_pensioner_is_in_a_guncha_group(demo):
    guncha = Cooperative.objects.get(name="Guncha")
    akbar = Member.objects.get(surname="Oblokulov", given_name="Akbar")
    assert akbar.sex == Member.Sex.MALE
    assert akbar.left_on is None
    assert guncha.memberships.filter(group=akbar.group, left_on__isnull=True).exists()
    assert "economist" in akbar.skills.lower()
    assert "pensioner" in akbar.skills.lower()
    assert timezone.localdate().year - akbar.birth_year >= 65


def test_other_cooperatives_in_both_provinces_with_history(demo):
    others = Cooperative.objects.exclude(name="Guncha")
    assert 6 <= others.count() <= 10
    assert set(others.values_list("district__province__code", flat=True)) == {"SU", "RA"}
    assert set(others.values_list("status", flat=True)) == {"forming", "registered"}
    assert others.filter(director__isnull=False).exists()
    assert others.filter(director__isnull=True).exists()
    for cooperative in Cooperative.objects.all():
        current_groups = cooperative.memberships.filter(left_on__isnull=True)
        assert 2 <= current_groups.count() <= 5, cooperative
        assert not cooperative.memberships.exclude(
            group__district__province=cooperative.district.province
        ).exists()
        assert cooperative.branches.exists()
        if cooperative.director:
            assert cooperative.director.left_on is None
            assert current_groups.filter(group=cooperative.director.group).exists()
    assert CooperativeMembership.objects.filter(left_on__isnull=False).exists()
    # A group is in at most one cooperative at a time.
    assert not (
        CooperativeMembership.objects.filter(left_on__isnull=True)
        .values("group")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .exists()
    )


def test_records_pass_model_validation(demo):
    for group in SelfHelpGroup.objects.select_related("district", "jamoat"):
        group.full_clean()
    for cooperative in Cooperative.objects.all():
        cooperative.full_clean()
    for membership in CooperativeMembership.objects.all():
        membership.full_clean()
    # Every 15th member (full_clean queries the database for each check constraint).
    for member in list(Member.objects.order_by("id"))[::15]:
        member.full_clean()


def test_history_is_recorded_by_the_command(demo):
    admin = get_user_model().objects.get(username="admin")
    for model in (SelfHelpGroup, Member, Cooperative, CooperativeMembership):
        created = model.history.filter(history_type="+")
        assert created.count() == model.objects.count() > 0, model
        assert not created.exclude(history_change_reason=CHANGE_REASON).exists(), model
        assert not created.exclude(history_user=admin).exists(), model
    record = SelfHelpGroup.history.filter(history_type="+").first()
    assert record.activities.count() == record.instance.activities.count() > 0
    assert not SelfHelpGroup.objects.exclude(created_by=admin).exists()


def test_running_it_twice_changes_nothing(demo):
    before = counts()
    out = io.StringIO()
    call_command("load_demo_data", force=True, stdout=out)
    assert counts() == before
    assert "left as it is" in out.getvalue()


def test_it_runs_without_force_when_debug_is_on(demo, settings):
    settings.DEBUG = True
    before = counts()
    call_command("load_demo_data", stdout=io.StringIO())
    assert counts() == before


def test_it_refuses_to_run_without_force_when_debug_is_off(settings):
    settings.DEBUG = False
    before = counts()
    with pytest.raises(CommandError, match="--force"):
        call_command("load_demo_data", stdout=io.StringIO())
    assert counts() == before


def test_it_is_deterministic(demo):
    def fingerprint():
        groups = SelfHelpGroup.objects.order_by("id").values_list(
            "name", "district__name", "jamoat__name", "village", "established_on"
        )
        members = Member.objects.order_by("id").values_list(
            "surname", "given_name", "sex", "birth_year", "phone", "joined_on", "left_on"
        )
        cooperatives = Cooperative.objects.order_by("id").values_list(
            "name", "director__surname", "director__given_name"
        )
        return list(groups), list(members), list(cooperatives)

    first = fingerprint()
    with transaction.atomic():
        SupportActivity.objects.all().delete()  # initiatives and support: see tests/initiatives
        JointInitiative.objects.all().delete()
        CooperativeMembership.objects.all().delete()
        Cooperative.objects.all().delete()
        Member.objects.all().delete()
        SelfHelpGroup.objects.all().delete()
        call_command("load_demo_data", force=True, stdout=io.StringIO())
        second = fingerprint()
        # The codes continue from the counters: none is given out twice.
        assert SelfHelpGroup.objects.aggregate(Max("code"))["code__max"] == "SU-0398"
        transaction.set_rollback(True)
    assert first == second


EXPECTED_ROLES = {
    "manager": ("manager", True, set(), set()),
    "manager-sughd": ("manager", False, {"SU"}, set()),
    "manager-rasht": ("manager", False, {"RA"}, set()),
    "officer-devashtich": ("field_officer", False, set(), {"Devashtich"}),
    "officer-rasht": ("field_officer", False, set(), {"Rasht"}),
}


@pytest.mark.parametrize("username", ["admin", *EXPECTED_ROLES])
def test_demo_accounts_log_in_with_the_demo_password(demo, client, username):
    request = RequestFactory().post("/accounts/login/")
    assert client.login(request=request, username=username, password=DEMO_PASSWORD)
    user = get_user_model().objects.get(username=username)
    if username == "admin":
        assert user.is_superuser and user.is_staff
        return
    assert not user.is_staff
    role, programme_wide, provinces, districts = EXPECTED_ROLES[username]
    profile = user.staff_profile
    assert profile.role == role
    assert profile.programme_wide is programme_wide
    assert set(profile.provinces.values_list("code", flat=True)) == provinces
    assert set(profile.districts.values_list("name", flat=True)) == districts
