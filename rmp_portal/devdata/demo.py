"""Demo data: the programme as published, for demonstrations, manual testing and benchmarks.

`load()` builds, from one seeded random generator, a registry that matches the programme's
published figures exactly (groups/reference/README.md), counted from the database:

- 482 active self-help groups, 199 in Sughd (SU) and 283 in the Rasht Valley (RA), formed
  2010-2015; the phase-two Sughd districts (Asht, Konibodom, Isfara, Bobojon Ghafurov,
  Khujand) formed theirs in June-September 2014;
- 2,884 current women and 71 current men, all the men in Sughd; every group led by one
  current woman leader; some former members, a few former leaders;
- as of 30 September 2011 (UN Women): 178 groups and 1,049 members current on that day;
- the cooperative "Guncha" of Devashtich (formerly Ghonchi): four groups in the Ghonchi
  township jamoat, about thirty members, lemon cultivation and dairy processing, directed by
  Rukhsora Usmonova (42), with the retired economist Akbar Oblokulov among its members;
  eight more cooperatives in both provinces, one group of which has left its cooperative;
- the demo staff accounts, all with DEMO_PASSWORD.

Rows are bulk-inserted with their simple-history records (change reason "load_demo_data");
the derived fields that `save()` would compute (registry codes, search and name keys, phone digits)
come from the same model methods (GroupCodeCounter.reserve, refresh_derived), which also
move the registry code counters past the codes given out. Village and group names are illustrative.
"""

import csv
import datetime
import random
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from cooperatives.models import Cooperative, CooperativeMembership
from groups.models import (
    ActivityType,
    District,
    GroupCodeCounter,
    Jamoat,
    Province,
    SelfHelpGroup,
)
from members.models import Member
from rmp_portal.devdata import initiatives as initiatives_demo
from rmp_portal.models import StaffProfile

DEMO_PASSWORD = "rmp-demo-2026"  # noqa: S105 (the published demo password)
CHANGE_REASON = "load_demo_data"
SEED = 20150601

# The published figures the data must reproduce.
GROUPS_SUGHD = 199
GROUPS_RASHT = 283
CURRENT_WOMEN = 2884
CURRENT_MEN = 71
AS_OF = datetime.date(2011, 9, 30)
GROUPS_AS_OF = 178
MEMBERS_AS_OF = 1049

NAMES_CSV = Path(__file__).resolve().parent / "reference" / "names.csv"

F = Member.Sex.FEMALE
M = Member.Sex.MALE

# Groups per district: (phase-one groups, phase-two groups). Phase one started in 2010 in
# Ghonchi and the Zarafshon valley and in all five Rasht Valley districts; phase two (2014)
# brought the northern Sughd districts in. The skew follows the programme's reports.
GROUPS_PER_DISTRICT = {
    "SU": {
        "Devashtich": (36, 0),
        "Istaravshan": (24, 0),
        "Shahriston": (14, 0),
        "Panjakent": (9, 0),
        "Spitamen": (9, 0),
        "Zafarobod": (8, 0),
        "Jabbor Rasulov": (6, 0),
        "Mastchoh": (5, 0),
        "Ayni": (4, 0),
        "Asht": (0, 31),
        "Konibodom": (0, 22),
        "Isfara": (0, 17),
        "Bobojon Ghafurov": (0, 10),
        "Khujand": (0, 4),
    },
    "RA": {
        "Rasht": (96, 0),
        "Lakhsh": (58, 0),
        "Nurobod": (51, 0),
        "Tojikobod": (47, 0),
        "Sangvor": (31, 0),
    },
}

PHASE_ONE_START = datetime.date(2010, 3, 1)
PHASE_ONE_SUGHD_END = datetime.date(2013, 12, 20)
RASHT_END = datetime.date(2015, 11, 30)
PHASE_TWO_START = datetime.date(2014, 6, 1)
PHASE_TWO_END = datetime.date(2014, 9, 30)
RECENT = datetime.date(2017, 1, 1)  # members who joined an old group in recent years

# Villages where a district has no jamoats in the reference data (illustrative).
VILLAGES = {
    "Istaravshan": ["Mug", "Kurkat", "Sabriston", "Navbahor", "Obburdon", "Nijoni"],
    "Shahriston": ["Shahriston", "Yangikurgon", "Obshoron", "Dahana"],
    "Panjakent": ["Sarazm", "Rudaki", "Chorvodor", "Khurmi", "Amondara"],
    "Spitamen": ["Nov", "Khavotog", "Ravshan", "Ovchi"],
    "Zafarobod": ["Zafarobod", "Ittifok", "Guliston"],
    "Jabbor Rasulov": ["Proletar", "Kistakuz", "Navobod"],
    "Mastchoh": ["Buston", "Sughdiyon", "Obshoron"],
    "Ayni": ["Ayni", "Varzob", "Rarz", "Fondaryo"],
    "Konibodom": ["Patar", "Mahram", "Navgunbad", "Ittifok", "Lakkon"],
    "Isfara": ["Chorku", "Vorukh", "Shahrak", "Surh", "Lakkon"],
    "Bobojon Ghafurov": ["Unji", "Ovchi-Kalacha", "Khistevarz", "Ispisar"],
    "Khujand": ["Panjshanbe", "Navbahor", "Ravshan"],
    "Rasht": ["Gharm", "Navdonak", "Nimich", "Askalon", "Kalai Surkh", "Obi Garm", "Runov"],
    "Lakhsh": ["Vahdat", "Jirgatol", "Muk", "Jailgan", "Pildon", "Domburachi"],
    "Nurobod": ["Darband", "Hakimi", "Samsolik", "Navobod", "Shulmak"],
    "Tojikobod": ["Tojikobod", "Kalai Labiob", "Shirinchashma", "Nushor", "Qaroshakh"],
    "Sangvor": ["Tavildara", "Sangvor", "Childara", "Saghirdasht"],
}

GROUP_NAMES = [
    "Umed", "Bahor", "Navruz", "Sitora", "Guliston", "Mehr", "Dusti", "Vahdat", "Ittihod",
    "Saodat", "Nur", "Obod", "Ozoda", "Shukufa", "Lola", "Nilufar", "Zebo", "Bonuvon",
    "Modar", "Oila", "Mehrubon", "Bunyod", "Rushd", "Kamol", "Barakat", "Orzu", "Iqbol",
    "Farogat", "Zarrin", "Chashma", "Sadaf", "Gulrukh", "Anor", "Nihol", "Gulsara",
    "Sarvinoz", "Tabassum", "Mehrangez", "Durdona", "Khurshed",
]  # fmt: skip

ACTIVITY_WEIGHTS = {
    "SU": {
        "Dried fruit and apricot kernels": 10,
        "Orchards and gardening": 8,
        "Sewing and quilts (kurpa)": 8,
        "Embroidery": 6,
        "Dairy processing": 6,
        "Preserves and pickles": 6,
        "Greenhouse vegetables and greens": 6,
        "Lemon cultivation": 4,
        "Carpet weaving": 4,
        "Poultry": 4,
        "Services": 3,
        "Beekeeping": 2,
        "Knitting and goat-wool shawls": 2,
        "Brick-making": 1,
    },
    "RA": {
        "Dairy processing": 10,
        "Beekeeping": 8,
        "Knitting and goat-wool shawls": 8,
        "Poultry": 7,
        "Orchards and gardening": 6,
        "Sewing and quilts (kurpa)": 6,
        "Greenhouse vegetables and greens": 5,
        "Dried fruit and apricot kernels": 4,
        "Embroidery": 4,
        "Preserves and pickles": 4,
        "Carpet weaving": 3,
        "Services": 2,
        "Brick-making": 1,
    },
}

SKILLS = [
    "sewing", "embroidery", "baking", "dairy products", "bookkeeping", "beekeeping",
    "school teacher", "nurse", "tailoring", "carpet weaving", "gardening", "greenhouse",
    "poultry", "drying apricots", "cooking for weddings", "hairdressing", "knitting",
    "lemon growing", "preserves", "shop keeping", "literacy classes", "midwife",
]  # fmt: skip
MEN_SKILLS = [
    "driver", "builder", "electrician", "welder", "bookkeeping", "farming", "mechanic",
    "beekeeping", "carpentry", "veterinary assistant",
]  # fmt: skip
# Tajik mobile operators' prefixes: one of them and any seven digits make a valid number
# (rmp_portal.core.phones), written in E.164 as the portal stores numbers.
PHONE_PREFIXES = ["90", "91", "92", "93", "98", "88", "55", "50", "77"]


@dataclass(frozen=True)
class CoopSpec:
    name: str
    district: str
    formed_on: datetime.date
    status: str
    branches: tuple[str, ...]
    groups: int  # current groups
    director: bool
    description: str
    registration_number: str = ""
    left_on: datetime.date | None = None  # one more group, which left on this date
    late_join_on: datetime.date | None = None  # one of the groups joined later, on this date


REGISTERED = Cooperative.Status.REGISTERED
FORMING = Cooperative.Status.FORMING

GUNCHA = CoopSpec(
    name="Guncha",
    district="Devashtich",
    formed_on=datetime.date(2011, 11, 22),
    status=REGISTERED,
    branches=("Lemon cultivation", "Dairy processing"),
    groups=4,
    director=True,
    description=(
        "Four self-help groups of the Ghonchi township: lemon trees grown in trench "
        "greenhouses, and dairy products sold under the cooperative's own label."
    ),
    registration_number="520011482",
)
# Guncha's groups: established on, name, current women (Akbar Oblokulov joins the second).
GUNCHA_GROUPS = [
    (datetime.date(2010, 4, 14), "Guncha-Lola", 8),
    (datetime.date(2010, 6, 2), "Guncha-Bahor", 7),
    (datetime.date(2010, 10, 19), "Guncha-Nihol", 7),
    (datetime.date(2011, 3, 15), "Guncha-Gulsara", 7),
]
DIRECTOR_AGE = 42
AKBAR_AGE = 67

COOPERATIVES = [
    CoopSpec(
        "Shirin", "Istaravshan", datetime.date(2013, 4, 10), REGISTERED,
        ("Dried fruit and apricot kernels", "Orchards and gardening"), 3, True,
        "Dried apricots, raisins and apricot kernels from the groups' orchards.",
        registration_number="510213047",
    ),
    CoopSpec(
        "Zardolu", "Isfara", datetime.date(2015, 3, 18), REGISTERED,
        ("Dried fruit and apricot kernels",), 3, True,
        "Sorting, drying and packing apricots for the Khujand market.",
        registration_number="510315226",
    ),
    CoopSpec(
        "Bonuvoni Asht", "Asht", datetime.date(2015, 5, 20), REGISTERED,
        ("Preserves and pickles", "Greenhouse vegetables and greens"), 5, True,
        "Greenhouse vegetables in spring, preserves and pickles in autumn.",
        registration_number="510515731",
    ),
    CoopSpec(
        "Nafosat", "Konibodom", datetime.date(2024, 11, 5), FORMING,
        ("Sewing and quilts (kurpa)", "Embroidery"), 3, False,
        "Quilts (kurpa) and embroidered suzani; registration under way.",
    ),
    CoopSpec(
        "Asali Rasht", "Rasht", datetime.date(2013, 6, 5), REGISTERED,
        ("Beekeeping",), 4, True,
        "Mountain honey from the groups' hives, bottled and labelled together.",
        registration_number="330613518",
        left_on=datetime.date(2018, 10, 1),
    ),
    CoopSpec(
        "Shiri Nurobod", "Nurobod", datetime.date(2014, 4, 15), REGISTERED,
        ("Dairy processing",), 3, True,
        "Milk collection, yoghurt (chakka) and kurut.",
        registration_number="330414902",
    ),
    CoopSpec(
        "Mehnat", "Lakhsh", datetime.date(2014, 10, 1), REGISTERED,
        ("Poultry", "Knitting and goat-wool shawls"), 4, True,
        "Laying hens and goat-wool shawls.",
        registration_number="331014377",
        late_join_on=datetime.date(2017, 5, 2),
    ),
    CoopSpec(
        "Qolinbof", "Tojikobod", datetime.date(2025, 3, 12), FORMING,
        ("Carpet weaving",), 2, False,
        "Two carpet-weaving groups sharing looms and wool purchases.",
    ),
]  # fmt: skip

# username: (role, programme_wide, province codes, district names); role None = superuser.
ACCOUNTS = {
    "admin": (None, False, (), ()),
    "manager": (StaffProfile.Role.MANAGER, True, (), ()),
    "manager-sughd": (StaffProfile.Role.MANAGER, False, ("SU",), ()),
    "manager-rasht": (StaffProfile.Role.MANAGER, False, ("RA",), ()),
    "analyst": (StaffProfile.Role.ANALYST, False, (), ()),
    "officer-devashtich": (StaffProfile.Role.FIELD_OFFICER, False, (), ("Devashtich",)),
    "officer-rasht": (StaffProfile.Role.FIELD_OFFICER, False, (), ("Rasht",)),
}


@dataclass
class Summary:
    loaded: bool
    groups: int
    groups_sughd: int
    groups_rasht: int
    women: int
    men: int
    cooperatives: int
    accounts_created: list[str]


@dataclass(eq=False)
class GroupPlan:
    province: str
    district: District
    phase_two: bool
    early: bool = False
    established_on: datetime.date | None = None
    jamoat: Jamoat | None = None
    village: str = ""
    name: str = ""
    women: int = 0
    men: int = 0
    formers: int = 0
    leader_changed: bool = False
    activities: list[ActivityType] = field(default_factory=list)
    guncha: int | None = None  # index in GUNCHA_GROUPS
    in_cooperative: bool = False
    obj: SelfHelpGroup | None = None
    leader: Member | None = None


@dataclass(eq=False)
class Person:
    member: Member
    plan: GroupPlan
    adjustable: bool  # its joined_on may be moved to meet the as-of figure


def load() -> Summary:
    """Create the demo accounts, and the demo registry unless the database has groups."""
    with transaction.atomic():
        admin, created = ensure_accounts()
        if SelfHelpGroup.objects.exists():
            return summarize(loaded=False, accounts_created=created)
        Builder(random.Random(SEED), admin).build()
        initiatives_demo.build(admin=admin)
        analyze()
        return summarize(loaded=True, accounts_created=created)


def analyze() -> None:
    """Fresh planner statistics after a bulk load, on PostgreSQL: without them the planner
    still takes the tables for the empty ones the migrations left, and may choose plans that
    take minutes (nested loops re-running a subquery per row). ANALYZE inside the transaction
    counts its own new rows."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def summarize(*, loaded: bool, accounts_created: list[str]) -> Summary:
    groups = SelfHelpGroup.objects.filter(status=SelfHelpGroup.Status.ACTIVE)
    current = Member.objects.current()
    return Summary(
        loaded=loaded,
        groups=groups.count(),
        groups_sughd=groups.filter(district__province__code="SU").count(),
        groups_rasht=groups.filter(district__province__code="RA").count(),
        women=current.filter(sex=F).count(),
        men=current.filter(sex=M).count(),
        cooperatives=Cooperative.objects.count(),
        accounts_created=accounts_created,
    )


def ensure_accounts():
    """The demo accounts, created with DEMO_PASSWORD if missing; existing ones are left."""
    user_model = get_user_model()
    created_names = []
    admin = None
    for username, (role, programme_wide, provinces, districts) in ACCOUNTS.items():
        user, created = user_model.objects.get_or_create(
            username=username,
            defaults={
                "email": f"{username}@example.org",
                "is_staff": role is None,
                "is_superuser": role is None,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            created_names.append(username)
        if role is None:
            admin = user
            continue
        profile, profile_created = StaffProfile.objects.get_or_create(
            user=user, defaults={"role": role, "programme_wide": programme_wide}
        )
        if profile_created:
            profile.provinces.set(Province.objects.filter(code__in=provinces))
            profile.districts.set(District.objects.filter(name__in=districts))
    return admin, created_names


def read_names() -> dict[str, list[str]]:
    names: dict[str, list[str]] = {"female_given": [], "male_given": [], "surname": []}
    with open(NAMES_CSV, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            names[row["kind"]].append(row["name"])
    return names


def surname_for(surname: str, sex: str) -> str:
    """-ov/-ev surnames take -a for women; -zoda and -i forms do not change."""
    return surname + "a" if sex == F and surname.endswith(("ov", "ev")) else surname


def patronymic_for(father: str, sex: str) -> str:
    stem = "e" if father[-1] in "aeiou" else "o"
    return f"{father}{stem}{'vna' if sex == F else 'vich'}"


def day_between(rng: random.Random, start: datetime.date, end: datetime.date) -> datetime.date:
    return start + datetime.timedelta(days=rng.randint(0, max((end - start).days, 0)))


class Builder:
    def __init__(self, rng: random.Random, admin):
        self.rng = rng
        self.admin = admin
        self.today = timezone.localdate()
        self.names = read_names()
        self.provinces = {p.code: p for p in Province.objects.all()}
        self.districts = {d.name: d for d in District.objects.select_related("province")}
        self.jamoats: dict[int, list[Jamoat]] = {}
        for jamoat in Jamoat.objects.order_by("district_id", "name"):
            self.jamoats.setdefault(jamoat.district_id, []).append(jamoat)
        self.activities = {a.name: a for a in ActivityType.objects.all()}
        self.phones: set[str] = set()
        self.people: list[Person] = []

    # -- groups ------------------------------------------------------------------------

    def build(self) -> None:
        plans = self.plan_groups()
        coops = self.plan_cooperatives(plans)
        self.plan_activities(plans)
        self.plan_sizes(plans)
        self.create_groups(plans)
        self.plan_members(plans)
        self.meet_as_of_figure()
        self.finish_members()
        self.create_members()
        self.create_cooperatives(coops)

    def plan_groups(self) -> list[GroupPlan]:
        rng = self.rng
        plans: list[GroupPlan] = []
        for province, districts in GROUPS_PER_DISTRICT.items():
            for name, (phase_one, phase_two) in districts.items():
                district = self.districts[name]
                plans += [GroupPlan(province, district, False) for _ in range(phase_one)]
                plans += [GroupPlan(province, district, True) for _ in range(phase_two)]
        assert sum(p.province == "SU" for p in plans) == GROUPS_SUGHD
        assert sum(p.province == "RA" for p in plans) == GROUPS_RASHT

        devashtich = self.districts["Devashtich"]
        ghonchi = next(j for j in self.jamoats[devashtich.pk] if j.name == "Ghonchi")
        guncha = [p for p in plans if p.district == devashtich][: len(GUNCHA_GROUPS)]
        for index, (plan, (established_on, name, women)) in enumerate(
            zip(guncha, GUNCHA_GROUPS, strict=True)
        ):
            plan.guncha = index
            plan.early = True
            plan.established_on = established_on
            plan.name = name
            plan.women = women
            plan.jamoat = ghonchi
            plan.village = "Ghonchi"
            plan.in_cooperative = True

        # Exactly GROUPS_AS_OF groups were established by AS_OF, all of them phase one.
        phase_one = [p for p in plans if not p.phase_two and p.guncha is None]
        for plan in rng.sample(phase_one, GROUPS_AS_OF - len(guncha)):
            plan.early = True
        for plan in plans:
            if plan.guncha is not None:
                continue
            if plan.early:
                plan.established_on = day_between(rng, PHASE_ONE_START, AS_OF)
            elif plan.phase_two:
                plan.established_on = day_between(rng, PHASE_TWO_START, PHASE_TWO_END)
            else:
                end = RASHT_END if plan.province == "RA" else PHASE_ONE_SUGHD_END
                plan.established_on = day_between(rng, AS_OF + datetime.timedelta(days=1), end)
            jamoats = self.jamoats.get(plan.district.pk)
            if jamoats and rng.random() < 0.9:
                plan.jamoat = rng.choice(jamoats)
                plan.village = plan.jamoat.name if rng.random() < 0.7 else ""
            elif plan.district.name in VILLAGES and rng.random() < 0.85:
                plan.village = rng.choice(VILLAGES[plan.district.name])
        used: set[tuple[int, str]] = {(p.district.pk, p.name) for p in plans if p.name}
        for plan in plans:
            if plan.name:
                continue
            base = rng.choice(GROUP_NAMES)
            name, number = base, 1
            while (plan.district.pk, name) in used:
                number += 1
                name = f"{base}-{number}"
            used.add((plan.district.pk, name))
            plan.name = name
        return plans

    def plan_cooperatives(self, plans: list[GroupPlan]) -> list[tuple[CoopSpec, list]]:
        """For each cooperative: its groups as (plan, joined_on, left_on)."""
        rng = self.rng
        guncha = sorted((p for p in plans if p.guncha is not None), key=lambda p: p.guncha)
        coops = [(GUNCHA, [(p, GUNCHA.formed_on, None) for p in guncha])]
        for spec in COOPERATIVES:
            candidates = [
                p
                for p in plans
                if p.district.name == spec.district
                and not p.in_cooperative
                and p.established_on <= spec.formed_on - datetime.timedelta(days=60)
            ]
            wanted = spec.groups + (1 if spec.left_on else 0)
            if len(candidates) < wanted:
                raise RuntimeError(f"Not enough groups in {spec.district} for {spec.name}")
            chosen = rng.sample(candidates, wanted)
            memberships = []
            for index, plan in enumerate(chosen):
                plan.in_cooperative = True
                joined_on, left_on = spec.formed_on, None
                if spec.left_on and index == wanted - 1:
                    left_on = spec.left_on
                elif spec.late_join_on and index == 0:
                    joined_on = spec.late_join_on
                memberships.append((plan, joined_on, left_on))
            coops.append((spec, memberships))
        for spec, memberships in coops:
            branches = [self.activities[name] for name in spec.branches]
            for plan, _joined_on, left_on in memberships:
                if left_on is None:
                    plan.activities = list(branches)
        return coops

    def plan_activities(self, plans: list[GroupPlan]) -> None:
        rng = self.rng
        for plan in plans:
            weights = ACTIVITY_WEIGHTS[plan.province]
            wanted = rng.choices([1, 2, 3], weights=[45, 40, 15])[0]
            lemon = self.activities["Lemon cultivation"]
            lemon_country = plan.district.name in ("Devashtich", "Asht")
            if lemon_country and lemon not in plan.activities and rng.random() < 0.3:
                plan.activities.append(lemon)
            while len(plan.activities) < wanted:
                name = rng.choices(list(weights), weights=list(weights.values()))[0]
                activity = self.activities[name]
                if activity not in plan.activities:
                    plan.activities.append(activity)
            plan.activities = plan.activities[:3]

    def plan_sizes(self, plans: list[GroupPlan]) -> None:
        """Current women, current men and former members per group, to the exact totals."""
        rng = self.rng
        free = [p for p in plans if p.guncha is None]
        for plan in free:
            plan.women = round(rng.triangular(3, 13, 6 if plan.early else 5))
        target = CURRENT_WOMEN - sum(p.women for p in plans if p.guncha is not None)
        while (total := sum(p.women for p in free)) != target:
            plan = rng.choice(free)
            if total > target and plan.women > 3:
                plan.women -= 1
            elif total < target and plan.women < 14:
                plan.women += 1

        # Men: only in Sughd; Akbar Oblokulov is the one in Guncha's groups.
        sughd = [p for p in free if p.province == "SU"]
        with_men = rng.sample(sughd, 44)
        for _ in range(CURRENT_MEN - 1):
            rng.choice(with_men).men += 1

        for _ in range(rng.randint(140, 170)):
            rng.choices(plans, weights=[p.women for p in plans])[0].formers += 1
        # A few groups changed leader: the founding leader left.
        changers = [p for p in plans if p.guncha != 0 and p.established_on.year < 2014]
        for plan in rng.sample(changers, 12):
            plan.leader_changed = True

    def create_groups(self, plans: list[GroupPlan]) -> None:
        """Bulk-insert the groups in order of establishment, numbered per province from
        GroupCodeCounter as registration would number them, with their activities and
        history."""
        plans.sort(key=lambda p: (p.province, p.established_on, p.district.name, p.name))
        # Each province's codes in one block: one locked read of its counter, as many codes.
        wanted = Counter(plan.province for plan in plans)
        codes = {
            code: iter(GroupCodeCounter.reserve(province, wanted[code]))
            for code, province in self.provinces.items()
        }
        groups = []
        for plan in plans:
            group = SelfHelpGroup(
                code=next(codes[plan.province]),
                name=plan.name,
                district=plan.district,
                jamoat=plan.jamoat,
                village=plan.village,
                established_on=plan.established_on,
                status=SelfHelpGroup.Status.ACTIVE,
                notes=(
                    "Formed in the programme's second phase (June-September 2014)."
                    if plan.phase_two
                    else ""
                ),
                created_by=self.admin,
                updated_by=self.admin,
            )
            group.refresh_derived()
            plan.obj = group
            groups.append(group)

        SelfHelpGroup.objects.bulk_create(groups, batch_size=500)
        through = SelfHelpGroup.activities.through
        links = through.objects.bulk_create(
            [through(selfhelpgroup=p.obj, activitytype=a) for p in plans for a in p.activities],
            batch_size=1000,
        )
        records = SelfHelpGroup.history.bulk_history_create(
            groups, default_user=self.admin, default_change_reason=CHANGE_REASON
        )
        record_of = {record.id: record for record in records}
        m2m_history = apps.get_model("groups", "HistoricalSelfHelpGroup_activities")
        m2m_history.objects.bulk_create(
            [
                m2m_history(
                    id=link.pk,
                    history=record_of[link.selfhelpgroup_id],
                    selfhelpgroup_id=link.selfhelpgroup_id,
                    activitytype_id=link.activitytype_id,
                )
                for link in links
            ],
            batch_size=1000,
        )

    # -- members -----------------------------------------------------------------------

    def person(
        self,
        plan: GroupPlan,
        sex: str,
        role: str,
        joined_on: datetime.date,
        left_on: datetime.date | None = None,
        adjustable: bool = True,
    ) -> Member:
        rng = self.rng
        while True:
            given = rng.choice(self.names["female_given" if sex == F else "male_given"])
            surname = rng.choice(self.names["surname"])
            # The named people of the demo stay unique.
            if (surname, given) not in (("Usmonov", "Rukhsora"), ("Oblokulov", "Akbar")):
                break
        patronymic = ""
        if rng.random() < 0.85:
            patronymic = patronymic_for(rng.choice(self.names["male_given"]), sex)
        if sex == F:
            link = rng.choices(list(Member.MigrationLink), weights=[70, 8, 4, 18])[
                0
            ]  # migrant_family, returnee, migrant, none
            head = rng.random() < (0.45 if link == Member.MigrationLink.MIGRANT_FAMILY else 0.2)
            skills = ", ".join(rng.sample(SKILLS, rng.choice([0, 0, 1, 1, 1, 2])))
        else:
            link = rng.choices(list(Member.MigrationLink), weights=[25, 45, 10, 20])[0]
            head = rng.random() < 0.8
            skills = ", ".join(rng.sample(MEN_SKILLS, rng.choice([0, 1, 1, 2])))
        member = Member(
            group=plan.obj,
            surname=surname_for(surname, sex),
            given_name=given,
            patronymic=patronymic,
            sex=sex,
            role=role,
            joined_on=joined_on,
            left_on=left_on,
            head_of_household=head,
            migration_link=link,
            skills=skills.capitalize(),
            created_by=self.admin,
            updated_by=self.admin,
        )
        self.people.append(Person(member, plan, adjustable))
        return member

    def later_day(self, start: datetime.date, mean_days: int) -> datetime.date:
        """A day after `start`: usually within a couple of years, sometimes in recent years
        (groups keep recruiting), never after yesterday."""
        rng = self.rng
        latest = self.today - datetime.timedelta(days=1)
        if rng.random() < 0.2:
            return day_between(rng, max(start + datetime.timedelta(days=730), RECENT), latest)
        day = start + datetime.timedelta(days=20 + int(rng.expovariate(1 / mean_days)))
        return day if day <= latest else day_between(rng, start, latest)

    def plan_members(self, plans: list[GroupPlan]) -> None:
        rng = self.rng
        latest = self.today - datetime.timedelta(days=1)
        for plan in plans:
            founded = plan.established_on
            # Current women: the leader, then a deputy and a treasurer, then members.
            plan.leader = self.person(plan, F, Member.Role.LEADER, founded, adjustable=False)
            for index in range(1, plan.women):
                role = Member.Role.MEMBER
                if index == 1 and rng.random() < 0.85:
                    role = Member.Role.DEPUTY
                elif index == 2 and rng.random() < 0.9:
                    role = Member.Role.TREASURER
                if role != Member.Role.MEMBER:
                    self.person(plan, F, role, founded, adjustable=False)
                elif rng.random() < 0.6:
                    self.person(plan, F, role, founded)
                else:
                    self.person(plan, F, role, self.later_day(founded, 500))
            for _ in range(plan.men):
                joined_on = founded if rng.random() < 0.35 else self.later_day(founded, 500)
                self.person(plan, M, Member.Role.MEMBER, joined_on)
            for _ in range(plan.formers):
                sex = M if plan.province == "SU" and rng.random() < 0.12 else F
                joined_on = founded if rng.random() < 0.5 else self.later_day(founded, 400)
                left_on = min(joined_on + datetime.timedelta(days=rng.randint(120, 2800)), latest)
                self.person(plan, sex, Member.Role.MEMBER, joined_on, max(left_on, joined_on))
            if plan.leader_changed:
                left_on = founded + datetime.timedelta(days=rng.randint(400, 2500))
                self.person(
                    plan, F, Member.Role.LEADER, founded, min(left_on, latest), adjustable=False
                )
        self.plan_guncha_people(plans)

    def plan_guncha_people(self, plans: list[GroupPlan]) -> None:
        guncha = sorted((p for p in plans if p.guncha is not None), key=lambda p: p.guncha)
        rukhsora = guncha[0].leader
        rukhsora.surname, rukhsora.given_name = "Usmonova", "Rukhsora"
        rukhsora.patronymic = "Karimovna"
        rukhsora.birth_year = self.today.year - DIRECTOR_AGE
        rukhsora.migration_link = Member.MigrationLink.MIGRANT_FAMILY
        rukhsora.head_of_household = True
        rukhsora.skills = "Lemon growing, dairy processing, cooperative management"
        rukhsora.phone = "+992927041158"
        self.phones.add(rukhsora.phone)

        bahor = guncha[1]
        akbar = self.person(
            bahor, M, Member.Role.MEMBER, bahor.established_on + datetime.timedelta(days=61),
            adjustable=False,
        )  # fmt: skip
        akbar.surname, akbar.given_name, akbar.patronymic = "Oblokulov", "Akbar", "Rahimovich"
        akbar.birth_year = self.today.year - AKBAR_AGE
        akbar.migration_link = Member.MigrationLink.MIGRANT_FAMILY
        akbar.head_of_household = True
        akbar.skills = "Economist (retired), pensioner: keeps the cooperative's accounts"
        akbar.phone = "+992927184036"
        self.phones.add(akbar.phone)

    def meet_as_of_figure(self) -> None:
        """Move some members' joining dates so exactly MEMBERS_AS_OF were current on AS_OF."""
        rng = self.rng
        after_as_of = AS_OF + datetime.timedelta(days=1)

        def current_then(m: Member) -> bool:
            return m.joined_on <= AS_OF and (m.left_on is None or m.left_on > AS_OF)

        count = sum(current_then(p.member) for p in self.people)
        if count > MEMBERS_AS_OF:
            movable = [
                p
                for p in self.people
                if p.adjustable and p.member.left_on is None and current_then(p.member)
            ]
            for person in rng.sample(movable, count - MEMBERS_AS_OF):
                person.member.joined_on = day_between(
                    rng, after_as_of, after_as_of + datetime.timedelta(days=700)
                )
        elif count < MEMBERS_AS_OF:
            movable = [
                p
                for p in self.people
                if p.adjustable
                and p.plan.established_on <= AS_OF
                and p.member.joined_on > AS_OF
                and (p.member.left_on is None or p.member.left_on > AS_OF)
            ]
            if len(movable) < MEMBERS_AS_OF - count:
                raise RuntimeError("Too few members in the early groups for the as-of figure")
            for person in rng.sample(movable, MEMBERS_AS_OF - count):
                person.member.joined_on = day_between(rng, person.plan.established_on, AS_OF)

    def finish_members(self) -> None:
        """Birth years (from the age on joining), phones and the derived search fields."""
        rng = self.rng
        for person in self.people:
            member = person.member
            if member.birth_year is None and rng.random() < 0.88:
                low, mode = (22, 33) if member.role == Member.Role.LEADER else (17, 28)
                age_on_joining = round(rng.triangular(low, 60, mode))
                birth_year = member.joined_on.year - age_on_joining
                # Keep everyone between 16 and 90 years old today.
                member.birth_year = min(max(birth_year, self.today.year - 90), self.today.year - 16)
            if not member.phone and rng.random() < (0.7 if member.left_on is None else 0.4):
                member.phone = self.new_phone()
            member.refresh_derived()

    def new_phone(self) -> str:
        rng = self.rng
        while True:
            digits = f"{rng.randint(0, 9_999_999):07d}"
            phone = f"+992{rng.choice(PHONE_PREFIXES)}{digits}"  # E.164, as stored
            if phone not in self.phones:
                self.phones.add(phone)
                return phone

    def create_members(self) -> None:
        bulk_create_with_history(
            [p.member for p in self.people],
            Member,
            batch_size=500,
            default_user=self.admin,
            default_change_reason=CHANGE_REASON,
        )

    # -- cooperatives ------------------------------------------------------------------

    def create_cooperatives(self, coops: list[tuple[CoopSpec, list]]) -> None:
        rng = self.rng
        memberships = []
        for spec, groups in coops:
            director = None
            if spec.director:
                current = [plan for plan, _joined_on, left_on in groups if left_on is None]
                director = current[0].leader if spec is GUNCHA else rng.choice(current).leader
            cooperative = Cooperative(
                name=spec.name,
                registration_number=spec.registration_number,
                district=self.districts[spec.district],
                formed_on=spec.formed_on,
                status=spec.status,
                director=director,
                description=spec.description,
                created_by=self.admin,
                updated_by=self.admin,
            )
            cooperative._change_reason = CHANGE_REASON
            cooperative._history_user = self.admin
            cooperative.save()
            cooperative.branches.set([self.activities[name] for name in spec.branches])
            memberships += [
                CooperativeMembership(
                    cooperative=cooperative, group=plan.obj, joined_on=joined_on, left_on=left_on
                )
                for plan, joined_on, left_on in groups
            ]
        bulk_create_with_history(
            memberships,
            CooperativeMembership,
            default_user=self.admin,
            default_change_reason=CHANGE_REASON,
        )
