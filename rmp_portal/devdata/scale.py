"""Scale data: a national-size registry for benchmarks (`manage.py generate_scale_data`).

`generate()` fills the database with synthetic, deterministic data — the same seed and the
same "as of" day give the same rows — across the real districts of the reference data:

- self-help groups spread over the districts with a Zipf-like weight (a few districts hold
  most groups, as in reality), established between 2010-01-01 and yesterday (more of them in
  recent years), mostly active, some inactive, a few dissolved (their members all left on the
  day of dissolution); registry codes numbered per province in order of establishment, from
  the GroupCodeCounter rows, which are moved past the codes given out;
- exactly the requested number of members: every group not dissolved has exactly one current
  leader, a woman; about 2.4% men (in mixed groups only, never leaders); about 6% former
  members; about 15% of the people written in Tajik Cyrillic, so that Cyrillic search can be
  benchmarked (their search key is the same as their Latin spelling's);
- cooperatives of 2-6 groups of one province (mostly of one district), with dated
  memberships (a group is in at most one cooperative; some memberships closed, all of a
  dissolved cooperative's closed) and, for most, a director who is the current leader of
  one of its current groups;
- 1-3 activities per group, 1-2 business branches per cooperative;
- joint initiatives (default: one per two groups), 85% owned by a group and 15% by a
  cooperative, in one of the owner's trades, started after the owner was formed, with their
  dated status changes, a grant for about a third, and 1-4 of the group's members as
  participants; and support activities (default: one per group) to 1-3 groups of one
  district or to a cooperative, with a topic of their kind and participants by sex.

Derived columns (`search_key`, `name_key`, `phone_digits`) come from the models' own rules
(`Member.search_key_for`, `Member.name_key_for`, `Member.phone_digits_for`,
`SelfHelpGroup.search_key_for`), the ones `save()` uses.

Generated groups carry MARKER at the start of their notes (cooperatives: of their
description). That is how the generator recognises a database it filled itself: it refuses
to write into a database holding anything else unless forced, and refuses to write into an
already generated one unless forced (it then adds another batch next to the first: new ids,
new codes, never deleting anything).

No simple-history records are written for generated rows: they are not audit evidence, and
their detail pages show an empty history.

Speed: rows are produced as plain tuples and written in batches, with COPY on PostgreSQL (a
StringIO per batch) and executemany on SQLite; ids are given by the generator (from above
the table's highest id and sequence) and the sequences moved past them afterwards. The
database still checks every constraint, trigger and foreign key on the way in.
"""

import bisect
import datetime
import io
import itertools
import random
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from cooperatives.models import Cooperative, CooperativeMembership
from groups.models import (
    PROGRAMME_START,
    ActivityType,
    District,
    GroupCodeCounter,
    Jamoat,
    Province,
    SelfHelpGroup,
)
from initiatives.models import (
    InitiativeStatus,
    InitiativeStatusChange,
    JointInitiative,
    SupportActivity,
    SupportTopic,
)
from members.models import Member
from rmp_portal.core.text import search_key
from rmp_portal.devdata.demo import (
    ACTIVITY_WEIGHTS,
    GROUP_NAMES,
    MEN_SKILLS,
    PHONE_PREFIXES,
    SKILLS,
    VILLAGES,
    patronymic_for,
    read_names,
    surname_for,
)

MARKER = "[generated]"
GROUP_NOTES = f"{MARKER} Synthetic self-help group for scale tests (seed {{seed}})."
COOPERATIVE_DESCRIPTION = f"{MARKER} Synthetic cooperative for scale tests (seed {{seed}})."
INITIATIVE_NOTES = f"{MARKER} Synthetic initiative (seed {{seed}})."
SUPPORT_NOTES = f"{MARKER} Synthetic support activity (seed {{seed}})."
INITIATIVE_PRODUCTS = {
    "default": ["Products for the local bazaar", "Sold to neighbours and the district market"],
}
PARTNER_NGOS = ["Madina", "Zanoni Sharq", "Nasl", "Chashma", "Hamroh", "Ghamkhori"]
DONORS = ["IOM", "UN Women", "World Bank Group", "Partner NGO small grants"]
# Status of today, weighted; the ones that were "planned" or "operating" before are dated.
INITIATIVE_STATUSES = [
    (InitiativeStatus.IDEA.value, 8),
    (InitiativeStatus.PLANNED.value, 12),
    (InitiativeStatus.OPERATING.value, 55),
    (InitiativeStatus.SUSPENDED.value, 10),
    (InitiativeStatus.CLOSED.value, 15),
]
SUPPORT_KINDS = [("economic", 55), ("social", 25), ("legal", 20)]
DELIVERERS = [("iom", 35), ("un_women", 30), ("wbg", 15), ("partner_ngo", 20)]

DEFAULT_BATCH_SIZE = 50_000

# Shape of the data.
ZIPF_EXPONENT = 1.0  # district weight 1/rank**s: the largest district ~27% of the groups
DISSOLVED_SHARE = 0.03
INACTIVE_SHARE = 0.09
MEN_SHARE = 0.024
FORMER_SHARE = 0.06
CYRILLIC_SHARE = 0.15
LEADER_CHANGE_SHARE = 0.05
MIXED_GROUP_SHARE = {"SU": 0.3, "RA": 0.05}  # groups that have men, by province
MIXED_GROUP_SHARE_OTHER = 0.15

F = Member.Sex.FEMALE
M = Member.Sex.MALE
LEADER = Member.Role.LEADER
DEPUTY = Member.Role.DEPUTY
TREASURER = Member.Role.TREASURER
MEMBER = Member.Role.MEMBER
LINKS = [
    Member.MigrationLink.MIGRANT_FAMILY.value,
    Member.MigrationLink.RETURNEE.value,
    Member.MigrationLink.MIGRANT.value,
    Member.MigrationLink.NONE.value,
]
LINK_WEIGHTS = {F: [70, 8, 4, 18], M: [25, 45, 10, 20]}
ACTIVE = SelfHelpGroup.Status.ACTIVE.value
INACTIVE = SelfHelpGroup.Status.INACTIVE.value
DISSOLVED = SelfHelpGroup.Status.DISSOLVED.value

# Villages for districts without their own list in rmp_portal.devdata.demo.VILLAGES.
GENERIC_VILLAGES = [
    "Navobod", "Guliston", "Dehkonobod", "Obshoron", "Sarichashma", "Yangiobod", "Bogiston",
    "Chashmasor", "Kalai Nav", "Mehrobod", "Zarnisor", "Oqtosh", "Sangiston", "Navbahor",
]  # fmt: skip
COOPERATIVE_NAMES = [
    "Guncha", "Shirin", "Zardolu", "Nafosat", "Asal", "Mehnat", "Qolinbof", "Bonuvon",
    "Hamkori", "Barakat", "Ittifoq", "Rushd", "Nekqadam", "Sarob", "Dastarkhon", "Kishovarz",
]  # fmt: skip

# Latin to Tajik Cyrillic, for writing some people's names in Cyrillic. Digraphs first.
_TO_CYRILLIC_PAIRS = {
    "kh": "х", "sh": "ш", "ch": "ч", "zh": "ж", "gh": "ғ", "yo": "ё", "yu": "ю", "ya": "я",
}  # fmt: skip
_TO_CYRILLIC = {
    "a": "а", "b": "б", "d": "д", "e": "е", "f": "ф", "g": "г", "h": "ҳ", "i": "и",
    "j": "ҷ", "k": "к", "l": "л", "m": "м", "n": "н", "o": "о", "p": "п", "q": "қ",
    "r": "р", "s": "с", "t": "т", "u": "у", "v": "в", "y": "й", "z": "з",
}  # fmt: skip

# Multiplier of the bijection that turns a member's id into phone digits (coprime with 10).
_PHONE_MULTIPLIER = 3_967_273
_PHONE_SPACE = 10_000_000


class ScaleDataError(Exception):
    """The data cannot be generated as asked (refused, or impossible sizes)."""


def to_cyrillic(name: str) -> str:
    """A Latin-spelled Tajik name in Tajik Cyrillic: Rukhsora -> Рухсора, Qurbonov -> Қурбонов."""
    lower = name.lower()
    out = []
    i = 0
    while i < len(lower):
        pair = _TO_CYRILLIC_PAIRS.get(lower[i : i + 2])
        if pair:
            out.append(pair)
            i += 2
        else:
            out.append(_TO_CYRILLIC.get(lower[i], lower[i]))
            i += 1
    text = "".join(out)
    return text[:1].upper() + text[1:]


# -- the database side ------------------------------------------------------------------------


def find_existing(*, force: bool) -> int:
    """Refuse a database with data the generator did not write (and, unless forced, one it
    already filled). Returns how many generated groups there are already."""
    foreign_groups = SelfHelpGroup.objects.exclude(notes__startswith=MARKER).count()
    foreign_coops = Cooperative.objects.exclude(description__startswith=MARKER).count()
    if (foreign_groups or foreign_coops) and not force:
        raise ScaleDataError(
            f"The database holds data that was not generated ({foreign_groups:,} self-help "
            f"groups, {foreign_coops:,} cooperatives without the {MARKER!r} marker). "
            "generate_scale_data is for scratch databases; use --force to add generated "
            "data next to it anyway."
        )
    generated = SelfHelpGroup.objects.filter(notes__startswith=MARKER).count()
    if generated and not force:
        raise ScaleDataError(
            f"The database already holds {generated:,} generated self-help groups. "
            "Use --force to add another batch, or generate into a fresh database."
        )
    return generated


def _qn(name: str) -> str:
    return connection.ops.quote_name(name)


def _columns(model: type[Model], names: list[str]) -> list[str]:
    return [model._meta.get_field(name).column for name in names]


def next_id(model: type[Model]) -> int:
    """The first id above every id the table has had: its highest row and its sequence."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        # Table names come from Model._meta, not from input.
        cursor.execute(f"SELECT MAX(id) FROM {_qn(table)}")  # noqa: S608
        highest = cursor.fetchone()[0] or 0
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT pg_sequence_last_value(pg_get_serial_sequence(%s, 'id')::regclass)",
                [table],
            )
            highest = max(highest, cursor.fetchone()[0] or 0)
        elif connection.vendor == "sqlite":
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            row = cursor.fetchone()
            highest = max(highest, row[0] if row else 0)
    return highest + 1


class Writer:
    """Writes rows (tuples in the order of `columns`) in batches: COPY on PostgreSQL,
    executemany elsewhere. Reports progress after each batch."""

    def __init__(self, batch_size: int, progress: Callable[[str, int, int, float], None]):
        self.batch_size = batch_size
        self.progress = progress
        self.started = time.monotonic()
        self.postgresql = connection.vendor == "postgresql"
        self._stamps: dict[datetime.date, str] = {}
        self.tables: list[str] = []

    def stamp(self, day: datetime.date) -> str:
        """A created/updated timestamp for a record of `day` (09:00 local time), in the
        form the database takes it."""
        value = self._stamps.get(day)
        if value is None:
            moment = datetime.datetime.combine(
                day, datetime.time(9, 0), tzinfo=timezone.get_default_timezone()
            )
            value = str(connection.ops.adapt_datetimefield_value(moment))
            self._stamps[day] = value
        return value

    def write(
        self,
        label: str,
        model: type[Model],
        fields: list[str],
        rows: Iterable[tuple],
        total: int,
    ) -> int:
        table = model._meta.db_table
        self.tables.append(table)
        columns = ", ".join(_qn(c) for c in _columns(model, fields))
        done = 0
        with connection.cursor() as cursor:
            for batch in _batched(rows, self.batch_size):
                if self.postgresql:
                    text = "".join(
                        "\t".join(["\\N" if v is None else str(v) for v in row]) + "\n"
                        for row in batch
                    )
                    cursor.copy_expert(
                        f"COPY {_qn(table)} ({columns}) FROM STDIN",
                        io.StringIO(text),
                        1 << 20,  # read size (Django's wrapper takes it positionally)
                    )
                else:
                    placeholders = ", ".join(["%s"] * len(fields))
                    cursor.executemany(
                        # Table and column names come from Model._meta, not from input.
                        f"INSERT INTO {_qn(table)} ({columns}) VALUES ({placeholders})",  # noqa: S608
                        batch,
                    )
                done += len(batch)
                self.progress(label, done, total, time.monotonic() - self.started)
        if done == 0:
            self.progress(label, 0, total, time.monotonic() - self.started)
        return done

    def reset_sequences(self) -> None:
        if not self.postgresql:
            return  # SQLite's AUTOINCREMENT follows explicit ids by itself.
        with connection.cursor() as cursor:
            for table in self.tables:
                cursor.execute(
                    # Table names come from Model._meta, not from input.
                    f"SELECT setval(pg_get_serial_sequence(%s, 'id'), MAX(id)) "  # noqa: S608
                    f"FROM {_qn(table)} HAVING MAX(id) IS NOT NULL",
                    [table],
                )

    def analyze(self) -> None:
        """Fresh statistics (and, outside a transaction, the visibility map) for the
        planner, so benchmarks run against a settled database."""
        if not self.postgresql:
            return
        command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
        with connection.cursor() as cursor:
            for table in dict.fromkeys(self.tables):
                cursor.execute(f"{command} {_qn(table)}")


def _batched(rows: Iterable[tuple], size: int) -> Iterator[list[tuple]]:
    iterator = iter(rows)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


# -- the plan -------------------------------------------------------------------------------


@dataclass(frozen=True)
class DistrictRef:
    id: int
    name: str
    province: str
    jamoats: tuple[tuple[int, str], ...]
    villages: tuple[str, ...]


class GroupPlan:
    __slots__ = (
        "index", "district", "jamoat_id", "village", "name", "established_on", "status",
        "dissolved_on", "activities", "id", "code", "size", "member_start", "mixed",
    )  # fmt: skip

    def __init__(self, index: int, district: DistrictRef):
        self.index = index
        self.district = district
        self.jamoat_id: int | None = None
        self.village = ""
        self.name = ""
        self.established_on = PROGRAMME_START
        self.status = ACTIVE
        self.dissolved_on: datetime.date | None = None
        self.activities: tuple[int, ...] = ()
        self.id = 0
        self.code = ""
        self.size = 0
        self.member_start = 0
        self.mixed = False


@dataclass
class CoopPlan:
    id: int
    name: str
    district_id: int
    formed_on: datetime.date
    status: str
    dissolved_on: datetime.date | None = None
    registration_number: str = ""
    director_id: int | None = None
    memberships: list[tuple[GroupPlan, datetime.date, datetime.date | None]] = field(
        default_factory=list
    )
    branches: list[int] = field(default_factory=list)


@dataclass
class Result:
    groups: int
    members: int
    cooperatives: int
    memberships: int
    activities: int
    branches: int
    women: int
    men: int
    former: int
    cyrillic: int
    seconds: float
    codes: dict[str, tuple[int, int]]  # province code: (first number, last number)
    initiatives: int = 0
    support_activities: int = 0


def _no_progress(label: str, done: int, total: int, seconds: float) -> None:
    pass


class Generator:
    def __init__(
        self,
        *,
        groups: int,
        members: int,
        cooperatives: int,
        seed: int,
        today: datetime.date,
        writer: Writer,
        initiatives: int = 0,
        support_activities: int = 0,
    ):
        self.n_groups = groups
        self.n_members = members
        self.n_cooperatives = cooperatives
        self.n_initiatives = initiatives
        self.n_support = support_activities
        self.seed = seed
        self.rng = random.Random(seed)
        self.today = today
        self.latest = today - datetime.timedelta(days=1)
        self.writer = writer
        self.stats: Counter[str] = Counter()
        # (surname, given, patronymic) -> search key; (surname, given) -> name key
        self._keys: dict[tuple[str, ...], str] = {}
        self._cyrillic: dict[str, str] = {}

    # -- reference data, in an order that does not depend on ids ---------------------------

    def load_reference(self) -> None:
        jamoats: dict[int, list[tuple[int, str]]] = {}
        for jamoat in Jamoat.objects.order_by("district_id", "name", "id"):
            jamoats.setdefault(jamoat.district_id, []).append((jamoat.pk, jamoat.name))
        self.districts = [
            DistrictRef(
                id=d.pk,
                name=d.name,
                province=d.province.code,
                jamoats=tuple(jamoats.get(d.pk, ())),
                villages=tuple(VILLAGES.get(d.name, GENERIC_VILLAGES)),
            )
            for d in District.objects.select_related("province").order_by("province__code", "name")
        ]
        if not self.districts:
            raise ScaleDataError("No districts: run the migrations (reference data) first.")
        self.provinces = {p.code: p for p in Province.objects.order_by("code")}
        activities = list(ActivityType.objects.order_by("name", "id"))
        if not activities:
            raise ScaleDataError("No activity types: run the migrations (reference data) first.")
        self.activity_ids = [a.pk for a in activities]
        # Per province: activity ids and cumulative weights (the demo's, 1 for others).
        self.activity_weights = {}
        for code in self.provinces:
            weights = ACTIVITY_WEIGHTS.get(code, {})
            cumulative = list(itertools.accumulate(weights.get(a.name, 1) for a in activities))
            self.activity_weights[code] = cumulative
        self.activity_names = {a.pk: a.name for a in activities}
        self.topics: dict[str, list[int]] = {}
        for topic in SupportTopic.objects.order_by("kind", "name", "id"):
            self.topics.setdefault(topic.kind, []).append(topic.pk)
        self.names = read_names()
        vocabulary = [
            *GROUP_NAMES, *COOPERATIVE_NAMES, *SKILLS, *MEN_SKILLS, *PHONE_PREFIXES,
            *itertools.chain.from_iterable(self.names.values()),
            *(d.name for d in self.districts),
            *(v for d in self.districts for v in d.villages),
            *(name for d in self.districts for _id, name in d.jamoats),
            *self.activity_names.values(), *PARTNER_NGOS, *DONORS,
            *INITIATIVE_PRODUCTS["default"],
        ]  # fmt: skip
        # COPY's text format would need escaping for these; the vocabulary has none.
        unsafe = [word for word in vocabulary if any(c in word for c in "\\\t\n\r")]
        if unsafe:
            raise ScaleDataError(f"Names with control characters or backslashes: {unsafe!r}")

    # -- groups ------------------------------------------------------------------------------

    def plan_groups(self) -> list[GroupPlan]:
        rng = self.rng
        rand = rng.random
        ranked = list(self.districts)
        rng.shuffle(ranked)
        cumulative = list(
            itertools.accumulate(1 / (rank + 1) ** ZIPF_EXPONENT for rank in range(len(ranked)))
        )
        total_weight = cumulative[-1]
        span = (self.latest - PROGRAMME_START).days
        if span < 0:
            raise ScaleDataError("The 'as of' day must be after 2010-01-01.")
        name_counts: Counter[tuple[int, str]] = Counter()
        plans = []
        for index in range(self.n_groups):
            district = ranked[
                min(bisect.bisect(cumulative, rand() * total_weight), len(ranked) - 1)
            ]
            plan = GroupPlan(index, district)
            # More groups in recent years: the programme scaled up.
            plan.established_on = PROGRAMME_START + datetime.timedelta(
                days=min(int((span + 1) * rand() ** 0.75), span)
            )
            roll = rand()
            if roll < DISSOLVED_SHARE:
                plan.status = DISSOLVED
                plan.dissolved_on = plan.established_on + datetime.timedelta(
                    days=rng.randint(0, (self.latest - plan.established_on).days)
                )
            elif roll < DISSOLVED_SHARE + INACTIVE_SHARE:
                plan.status = INACTIVE
            if district.jamoats and rand() < 0.85:
                plan.jamoat_id, jamoat_name = rng.choice(district.jamoats)
                plan.village = jamoat_name if rand() < 0.7 else rng.choice(district.villages)
            elif rand() < 0.9:
                plan.village = rng.choice(district.villages)
            base = rng.choice(GROUP_NAMES)
            name_counts[district.id, base] += 1
            count = name_counts[district.id, base]
            plan.name = base if count == 1 else f"{base}-{count}"
            plan.activities = self.pick_activities(
                district.province, rng.choice((1, 1, 1, 2, 2, 3))
            )
            plans.append(plan)
        # Ids and registry codes in order of establishment, like registration would give them.
        plans.sort(key=lambda p: (p.established_on, p.index))
        first_id = next_id(SelfHelpGroup)
        # Each province's numbers come in one block from its counter, which stays locked until
        # the transaction ends; every province's counter is locked (and created if missing),
        # even one that gets no group.
        wanted = Counter(plan.district.province for plan in plans)
        numbers = {
            code: iter(GroupCodeCounter.reserve_numbers(province, wanted[code]))
            for code, province in self.provinces.items()
        }
        self.codes: dict[str, tuple[int, int]] = {}
        for offset, plan in enumerate(plans):
            plan.id = first_id + offset
            province = plan.district.province
            number = next(numbers[province])
            plan.code = GroupCodeCounter.format_code(province, number)
            first, _last = self.codes.get(province, (number, 0))
            self.codes[province] = (first, number)
        return plans

    def pick_activities(self, province: str, wanted: int) -> tuple[int, ...]:
        cumulative = self.activity_weights[province]
        wanted = min(wanted, len(self.activity_ids))
        chosen: list[int] = []
        while len(chosen) < wanted:
            index = bisect.bisect(cumulative, self.rng.random() * cumulative[-1])
            activity = self.activity_ids[min(index, len(self.activity_ids) - 1)]
            if activity not in chosen:
                chosen.append(activity)
        return tuple(sorted(chosen))

    def plan_sizes(self, plans: list[GroupPlan]) -> None:
        """Members per group: at least 3 (1 if there are too few members), the rest spread
        with a skew (most groups 5-15 people, a few much larger), to the exact total."""
        rng = self.rng
        total = self.n_members
        base = 3 if total >= 3 * len(plans) else 1
        rest = total - base * len(plans)
        weights = [rng.triangular(0.2, 4.0, 0.8) for _ in plans]
        scale = rest / sum(weights)
        for plan, weight in zip(plans, weights, strict=True):
            plan.size = base + int(weight * scale)
        missing = total - sum(p.size for p in plans)
        while missing < 0:  # only ever a few, from rounding
            plan = rng.choice(plans)
            if plan.size > base:
                plan.size -= 1
                missing += 1
        for index in rng.sample(range(len(plans)), missing):
            plans[index].size += 1
        start = next_id(Member)
        # Phone numbers are a bijection of a member's number, counted on from the members
        # already there: they do not repeat across batches, and do not depend on ids.
        self.member_base = Member.objects.count()
        for plan in plans:
            plan.member_start = start
            start += plan.size
            share = MIXED_GROUP_SHARE.get(plan.district.province, MIXED_GROUP_SHARE_OTHER)
            plan.mixed = rng.random() < share

        # Chances per ordinary member, so the totals come out near the wanted shares.
        slots = sum(max(p.size - 3, 0) for p in plans if p.mixed)
        self.men_chance = min(MEN_SHARE * total / slots, 0.8) if slots else 0.0
        dissolved = sum(p.size for p in plans if p.status == DISSOLVED)
        others = sum(p.size - 1 for p in plans if p.status != DISSOLVED)
        wanted = FORMER_SHARE * total - dissolved
        self.former_chance = min(max(wanted / others, 0.0), 0.5) if others else 0.0

    # -- cooperatives ------------------------------------------------------------------------

    def plan_cooperatives(self, plans: list[GroupPlan]) -> list[CoopPlan]:
        rng = self.rng
        if not self.n_cooperatives:
            return []
        candidates = [p for p in plans if p.status != DISSOLVED]
        if len(candidates) < 2 * self.n_cooperatives:
            raise ScaleDataError(
                f"{self.n_cooperatives:,} cooperatives of at least 2 groups need "
                f"{2 * self.n_cooperatives:,} groups that are not dissolved; there are "
                f"{len(candidates):,}. Ask for more groups or fewer cooperatives."
            )
        rng.shuffle(candidates)
        by_district: dict[int, list[GroupPlan]] = {}
        by_province: dict[str, list[GroupPlan]] = {}
        for plan in candidates:
            by_district.setdefault(plan.district.id, []).append(plan)
            by_province.setdefault(plan.district.province, []).append(plan)
        cursors: Counter = Counter()  # position of the next unused candidate per list
        used: set[int] = set()

        def take(key, pool: list[GroupPlan], wanted: int) -> list[GroupPlan]:
            taken = []
            while len(taken) < wanted and cursors[key] < len(pool):
                plan = pool[cursors[key]]
                cursors[key] += 1
                if plan.id not in used:
                    used.add(plan.id)
                    taken.append(plan)
            return taken

        first_id = next_id(Cooperative)
        # Registration numbers count on from the cooperatives already there (not from ids,
        # which on PostgreSQL also depend on sequences: the same seed gives the same numbers).
        self.registration_base = Cooperative.objects.count()
        name_counts: Counter[tuple[int, str]] = Counter()
        coops = []
        for number in range(self.n_cooperatives):
            remaining_after = self.n_cooperatives - number - 1
            free = len(candidates) - len(used)
            wanted = rng.choices((2, 3, 4, 5, 6), weights=(25, 30, 25, 12, 8))[0]
            wanted = max(2, min(wanted, free - 2 * remaining_after))
            seed_group = take("all", candidates, 1)
            home = seed_group[0].district
            groups = seed_group + take(home.id, by_district[home.id], wanted - 1)
            if len(groups) < wanted and rng.random() < 0.8:
                groups += take(home.province, by_province[home.province], wanted - len(groups))
            if len(groups) < 2:
                groups += take(home.province, by_province[home.province], 2 - len(groups))
            if len(groups) < 2:
                raise ScaleDataError(
                    "Too few groups left in one province to form all the cooperatives: ask "
                    "for fewer cooperatives."
                )
            coop = self.plan_cooperative(first_id + number, home, groups, name_counts)
            if coop.status != Cooperative.Status.FORMING.value:
                coop.registration_number = f"9{self.registration_base + number + 1:08d}"
            coops.append(coop)
        return coops

    def plan_cooperative(
        self,
        coop_id: int,
        home: DistrictRef,
        groups: list[GroupPlan],
        name_counts: Counter,
    ) -> CoopPlan:
        rng = self.rng
        latest = self.latest
        # Formed some time after its youngest group was established (on the last day at the
        # latest).
        founded = max(p.established_on for p in groups)
        wait = rng.randint(30, max((latest - founded).days, 30))
        formed_on = min(founded + datetime.timedelta(days=wait), latest)
        roll = rng.random()
        if roll < 0.08 and formed_on < latest:
            status = Cooperative.Status.DISSOLVED.value
        elif roll < 0.08 + 0.15 or (latest - formed_on).days < 90:
            status = Cooperative.Status.FORMING.value
        else:
            status = Cooperative.Status.REGISTERED.value
        base = rng.choice(COOPERATIVE_NAMES)
        name_counts[home.id, base] += 1
        count = name_counts[home.id, base]
        name = f"{base} {home.name}" + ("" if count == 1 else f" {count}")
        coop = CoopPlan(
            id=coop_id,
            name=name,
            district_id=home.id,
            formed_on=formed_on,
            status=status,
        )
        if status == Cooperative.Status.DISSOLVED.value:
            coop.dissolved_on = formed_on + datetime.timedelta(
                days=rng.randint(1, (latest - formed_on).days)
            )
        end = coop.dissolved_on or latest
        for index, plan in enumerate(groups):
            joined_on = formed_on
            if index and rng.random() < 0.15:  # joined later
                joined_on = formed_on + datetime.timedelta(
                    days=rng.randint(0, (end - formed_on).days)
                )
            left_on = coop.dissolved_on
            if left_on is None and index and rng.random() < 0.08:  # left again
                left_on = joined_on + datetime.timedelta(
                    days=rng.randint(0, (end - joined_on).days)
                )
            coop.memberships.append((plan, joined_on, left_on))
        current = [plan for plan, _joined, left_on in coop.memberships if left_on is None]
        chance = 0.5 if status == Cooperative.Status.FORMING.value else 0.85
        if current and rng.random() < chance:
            # The current leader of a current group (its first member id) directs it.
            coop.director_id = rng.choice(current).member_start
        branches = sorted({a for p in groups for a in p.activities})
        coop.branches = sorted(rng.sample(branches, min(len(branches), rng.choice((1, 1, 2)))))
        return coop

    # -- members -----------------------------------------------------------------------------

    def later_day(self, start: datetime.date, end: datetime.date) -> datetime.date:
        """A joining day after `start`: usually within a couple of years, never after `end`."""
        rng = self.rng
        span = (end - start).days
        if rng.random() < 0.2:
            return start + datetime.timedelta(days=rng.randint(0, span))
        days = 20 + int(rng.expovariate(1 / 500))
        if days > span:
            days = rng.randint(0, span)
        return start + datetime.timedelta(days=days)

    def name_fields(self, sex: str) -> tuple[str, str, str, str, str, bool]:
        rng = self.rng
        names = self.names
        given = rng.choice(names["female_given" if sex == F else "male_given"])
        surname = surname_for(rng.choice(names["surname"]), sex)
        patronymic = ""
        if rng.random() < 0.85:
            patronymic = patronymic_for(rng.choice(names["male_given"]), sex)
        cyrillic = rng.random() < CYRILLIC_SHARE
        if cyrillic:
            surname, given = self.cyrillic(surname), self.cyrillic(given)
            patronymic = self.cyrillic(patronymic) if patronymic else ""
        parts = (surname, given, patronymic)
        key = self._keys.get(parts)
        if key is None:
            key = self._keys[parts] = Member.search_key_for(*parts)
        name_key = self._keys.get(parts[:2])
        if name_key is None:
            name_key = self._keys[parts[:2]] = Member.name_key_for(surname, given)
        return surname, given, patronymic, key, name_key, cyrillic

    def cyrillic(self, name: str) -> str:
        value = self._cyrillic.get(name)
        if value is None:
            value = self._cyrillic[name] = to_cyrillic(name)
        return value

    def member_rows(self, plans: list[GroupPlan]) -> Iterator[tuple]:
        rng = self.rng
        rand = rng.random
        randint = rng.randint
        latest = self.latest
        day = datetime.timedelta
        stamp = self.writer.stamp
        this_year = self.today.year
        link_weights = {sex: list(itertools.accumulate(w)) for sex, w in LINK_WEIGHTS.items()}
        phone_offset = rng.randrange(_PHONE_SPACE)
        number = self.member_base
        men_chance, former_chance = self.men_chance, self.former_chance
        stats = self.stats
        for plan in plans:
            founded = plan.established_on
            end = plan.dissolved_on or latest
            span = (end - founded).days
            changed = plan.size >= 3 and span > 400 and rand() < LEADER_CHANGE_SHARE
            for position in range(plan.size):
                member_id = plan.member_start + position
                number += 1
                sex, left_on = F, None
                if position == 0:  # the current (or, if dissolved, the last) leader
                    role, joined_on = LEADER, founded
                elif position == 1 and changed:  # the founding leader, who stepped down
                    role, joined_on = LEADER, founded
                    left_on = founded + day(days=randint(365, span))
                else:
                    slot = position - changed
                    role = MEMBER
                    if slot == 1 and rand() < 0.85:
                        role = DEPUTY
                    elif slot == 2 and rand() < 0.9:
                        role = TREASURER
                    elif plan.mixed and rand() < men_chance:
                        sex = M
                    joined_on = founded if rand() < 0.5 else self.later_day(founded, end)
                    if rand() < former_chance:
                        left_on = min(joined_on + day(days=randint(30, 2800)), end)
                if left_on is None and plan.dissolved_on is not None:
                    left_on = plan.dissolved_on
                surname, given, patronymic, key, name_key, cyrillic = self.name_fields(sex)

                birth_year = None
                if rand() < 0.88:
                    low, mode = (22, 33) if role == LEADER else (17, 28)
                    birth_year = joined_on.year - round(rng.triangular(low, 60, mode))
                    birth_year = min(max(birth_year, this_year - 90), this_year - 16)
                phone = ""
                if rand() < (0.7 if left_on is None else 0.4):
                    digits = (number * _PHONE_MULTIPLIER + phone_offset) % _PHONE_SPACE
                    digits = f"{digits:07d}"
                    # In E.164, as the portal stores numbers (rmp_portal.core.phones).
                    phone = f"+992{rng.choice(PHONE_PREFIXES)}{digits}"
                link = LINKS[bisect.bisect(link_weights[sex], rand() * 100)]
                if sex == F:
                    head = rand() < (0.45 if link == LINKS[0] else 0.2)
                    skills = ", ".join(rng.sample(SKILLS, rng.choice((0, 0, 1, 1, 1, 2))))
                else:
                    head = rand() < 0.8
                    skills = ", ".join(rng.sample(MEN_SKILLS, rng.choice((0, 1, 1, 2))))

                stats["women" if sex == F else "men"] += 1
                stats["former"] += left_on is not None
                stats["cyrillic"] += cyrillic
                yield (
                    member_id,
                    stamp(joined_on),
                    stamp(left_on or joined_on),
                    surname,
                    given,
                    patronymic,
                    sex,
                    birth_year,
                    phone,
                    role,
                    joined_on,
                    left_on,
                    head,
                    link,
                    skills.capitalize(),
                    key,
                    name_key,
                    Member.phone_digits_for(phone),
                    plan.id,
                )

    # -- writing -----------------------------------------------------------------------------

    def write(self, plans: list[GroupPlan], coops: list[CoopPlan]) -> Result:
        writer = self.writer
        stamp = writer.stamp
        notes = GROUP_NOTES.format(seed=self.seed)
        writer.write(
            "groups",
            SelfHelpGroup,
            [
                "id",
                "created_at",
                "updated_at",
                "code",
                "name",
                "village",
                "established_on",
                "dissolved_on",
                "status",
                "notes",
                "search_key",
                "district",
                "jamoat",
            ],  # fmt: skip
            (
                (
                    p.id,
                    stamp(p.established_on),
                    stamp(p.dissolved_on or p.established_on),
                    p.code,
                    p.name,
                    p.village,
                    p.established_on,
                    p.dissolved_on,
                    p.status,
                    notes,
                    SelfHelpGroup.search_key_for(p.code, p.name, p.village),
                    p.district.id,
                    p.jamoat_id,
                )
                for p in plans
            ),
            len(plans),
        )
        activities = [(p.id, a) for p in plans for a in p.activities]
        first = next_id(SelfHelpGroup.activities.through)
        writer.write(
            "activities",
            SelfHelpGroup.activities.through,
            ["id", "selfhelpgroup", "activitytype"],
            ((first + i, g, a) for i, (g, a) in enumerate(activities)),
            len(activities),
        )
        members = writer.write(
            "members",
            Member,
            [
                "id",
                "created_at",
                "updated_at",
                "surname",
                "given_name",
                "patronymic",
                "sex",
                "birth_year",
                "phone",
                "role",
                "joined_on",
                "left_on",
                "head_of_household",
                "migration_link",
                "skills",
                "search_key",
                "name_key",
                "phone_digits",
                "group",
            ],  # fmt: skip
            self.member_rows(plans),
            self.n_members,
        )
        description = COOPERATIVE_DESCRIPTION.format(seed=self.seed)
        writer.write(
            "cooperatives",
            Cooperative,
            [
                "id",
                "created_at",
                "updated_at",
                "name",
                "registration_number",
                "formed_on",
                "dissolved_on",
                "status",
                "description",
                "director",
                "district",
            ],  # fmt: skip
            (
                (
                    c.id,
                    stamp(c.formed_on),
                    stamp(c.dissolved_on or c.formed_on),
                    c.name,
                    c.registration_number,
                    c.formed_on,
                    c.dissolved_on,
                    c.status,
                    description,
                    c.director_id,
                    c.district_id,
                )
                for c in coops
            ),
            len(coops),
        )
        memberships = [(c.id, plan.id, j, left) for c in coops for plan, j, left in c.memberships]
        first = next_id(CooperativeMembership)
        writer.write(
            "memberships",
            CooperativeMembership,
            ["id", "joined_on", "left_on", "cooperative", "group"],
            ((first + i, j, left, c, g) for i, (c, g, j, left) in enumerate(memberships)),
            len(memberships),
        )
        branches = [(c.id, a) for c in coops for a in c.branches]
        first = next_id(Cooperative.branches.through)
        writer.write(
            "branches",
            Cooperative.branches.through,
            ["id", "cooperative", "activitytype"],
            ((first + i, c, a) for i, (c, a) in enumerate(branches)),
            len(branches),
        )
        initiatives = self.write_initiatives(plans, coops)
        support = self.write_support(plans, coops)
        return Result(
            groups=len(plans),
            members=members,
            cooperatives=len(coops),
            memberships=len(memberships),
            activities=len(activities),
            branches=len(branches),
            women=self.stats["women"],
            men=self.stats["men"],
            former=self.stats["former"],
            cyrillic=self.stats["cyrillic"],
            seconds=0.0,
            codes=dict(self.codes),
            initiatives=initiatives,
            support_activities=support,
        )

    # -- initiatives and support activities ---------------------------------------------------

    def day_between(self, start: datetime.date, end: datetime.date) -> datetime.date:
        if end <= start:
            return start
        return start + datetime.timedelta(days=self.rng.randint(0, (end - start).days))

    def write_initiatives(self, plans: list[GroupPlan], coops: list[CoopPlan]) -> int:
        """Joint initiatives, their dated status changes and participants."""
        rng = self.rng
        n = self.n_initiatives
        if not n or not plans:
            return 0
        writer, stamp, latest = self.writer, self.writer.stamp, self.latest
        statuses = [s for s, _w in INITIATIVE_STATUSES]
        status_weights = list(itertools.accumulate(w for _s, w in INITIATIVE_STATUSES))
        notes = INITIATIVE_NOTES.format(seed=self.seed)
        owners_groups = [p for p in plans if p.status != DISSOLVED] or plans
        owners_coops = [c for c in coops if c.status != Cooperative.Status.DISSOLVED.value]
        first = next_id(JointInitiative)
        rows, changes, participants = [], [], []
        grant_fields = (None, "", None, "")
        for number in range(n):
            initiative_id = first + number
            if owners_coops and rng.random() < 0.15:
                coop = rng.choice(owners_coops)
                group_id, coop_id, since = None, coop.id, coop.formed_on
                activity = rng.choice(coop.branches) if coop.branches else self.activity_ids[0]
                owner_name, group = coop.name, None
            else:
                group = rng.choice(owners_groups)
                group_id, coop_id, since = group.id, None, group.established_on
                activity = rng.choice(group.activities)
                owner_name = group.name
            started_on = self.day_between(since, latest)
            status = statuses[bisect.bisect(status_weights, rng.random() * status_weights[-1])]
            title = f"{self.activity_names[activity]}: {owner_name}"
            products = rng.choice(INITIATIVE_PRODUCTS["default"])
            grant = grant_fields
            if status != InitiativeStatus.IDEA.value and rng.random() < 0.35:
                grant = (
                    f"{rng.randrange(2000, 60000, 500)}.00",
                    rng.choice(DONORS),
                    self.day_between(started_on, latest),
                    "Equipment and materials",
                )
            rows.append(
                (initiative_id, stamp(started_on), stamp(started_on), title, started_on,
                 status, products, *grant, "", notes, search_key(title, products),
                 activity, coop_id, group_id)
            )  # fmt: skip
            # The first change on the start day; where it moved on, a later change too.
            first_status = status
            if status in (InitiativeStatus.SUSPENDED.value, InitiativeStatus.CLOSED.value):
                first_status = InitiativeStatus.OPERATING.value
            changes.append((initiative_id, first_status, started_on))
            if first_status != status:
                changes.append((initiative_id, status, self.day_between(started_on, latest)))
            if group is not None:
                size = min(group.size, rng.randint(1, 4))
                for position in sorted(rng.sample(range(group.size), size)):
                    participants.append((initiative_id, group.member_start + position))
        writer.write(
            "initiatives",
            JointInitiative,
            ["id", "created_at", "updated_at", "title", "started_on", "status", "products",
             "grant_amount", "grant_donor", "grant_date", "grant_purchases", "partners",
             "notes", "search_key", "activity_type", "cooperative", "group"],
            rows,
            len(rows),
        )  # fmt: skip
        first_change = next_id(InitiativeStatusChange)
        writer.write(
            "statuses",
            InitiativeStatusChange,
            ["id", "initiative", "status", "changed_on", "note", "recorded_at"],
            (
                (first_change + i, initiative, status, day, "", stamp(day))
                for i, (initiative, status, day) in enumerate(changes)
            ),
            len(changes),
        )
        through = JointInitiative.participants.through
        first_participant = next_id(through)
        writer.write(
            "participants",
            through,
            ["id", "jointinitiative", "member"],
            ((first_participant + i, a, b) for i, (a, b) in enumerate(participants)),
            len(participants),
        )
        return len(rows)

    def write_support(self, plans: list[GroupPlan], coops: list[CoopPlan]) -> int:
        """Support activities to 1-3 groups of one district, or to a cooperative."""
        rng = self.rng
        n = self.n_support
        if not n or not plans or not self.topics:
            return 0
        writer, stamp, latest = self.writer, self.writer.stamp, self.latest
        kinds = [k for k, _w in SUPPORT_KINDS if k in self.topics]
        kind_weights = list(itertools.accumulate(w for k, w in SUPPORT_KINDS if k in self.topics))
        deliverers = [d for d, _w in DELIVERERS]
        deliverer_weights = list(itertools.accumulate(w for _d, w in DELIVERERS))
        by_district: dict[int, list[GroupPlan]] = {}
        for plan in plans:
            by_district.setdefault(plan.district.id, []).append(plan)
        notes = SUPPORT_NOTES.format(seed=self.seed)
        first = next_id(SupportActivity)
        rows, recipients = [], []
        for number in range(n):
            activity_id = first + number
            if coops and rng.random() < 0.15:
                coop = rng.choice(coops)
                held_on = self.day_between(coop.formed_on, coop.dissolved_on or latest)
                recipient, coop_id, people = "cooperative", coop.id, rng.randint(5, 30)
            else:
                group = rng.choice(plans)
                held_on = self.day_between(group.established_on, group.dissolved_on or latest)
                recipient, coop_id = "groups", None
                chosen = {group.id}
                neighbours = by_district[group.district.id]
                for _ in range(rng.choice((0, 0, 0, 1, 2))):
                    other = rng.choice(neighbours)
                    # Only a group that existed on the day.
                    if (
                        other.established_on <= held_on
                        and (other.dissolved_on or held_on) >= held_on
                    ):
                        chosen.add(other.id)
                recipients.extend((activity_id, g) for g in sorted(chosen))
                people = sum(rng.randint(3, 12) for _ in chosen)
            kind = kinds[bisect.bisect(kind_weights, rng.random() * kind_weights[-1])]
            topic = rng.choice(self.topics[kind])
            delivered_by = deliverers[
                bisect.bisect(deliverer_weights, rng.random() * deliverer_weights[-1])
            ]
            partner = rng.choice(PARTNER_NGOS) if delivered_by == "partner_ngo" else ""
            men = sum(rng.random() < 0.05 for _ in range(people))
            rows.append(
                (activity_id, stamp(held_on), stamp(held_on), held_on, kind, delivered_by,
                 partner, recipient, people - men, men, notes, search_key(partner), coop_id,
                 topic)
            )  # fmt: skip
        writer.write(
            "support",
            SupportActivity,
            ["id", "created_at", "updated_at", "held_on", "kind", "delivered_by",
             "partner_name", "recipient", "women", "men", "notes", "search_key",
             "cooperative", "topic"],
            rows,
            len(rows),
        )  # fmt: skip
        through = SupportActivity.groups.through
        first_recipient = next_id(through)
        writer.write(
            "recipients",
            through,
            ["id", "supportactivity", "selfhelpgroup"],
            ((first_recipient + i, a, g) for i, (a, g) in enumerate(recipients)),
            len(recipients),
        )
        return len(rows)


def _lock_tables() -> None:
    """No one else writes into the tables while ids are handed out (PostgreSQL)."""
    if connection.vendor != "postgresql":
        return
    tables = [
        model._meta.db_table
        for model in (
            SelfHelpGroup,
            SelfHelpGroup.activities.through,
            Member,
            Cooperative,
            CooperativeMembership,
            Cooperative.branches.through,
            JointInitiative,
            InitiativeStatusChange,
            JointInitiative.participants.through,
            SupportActivity,
            SupportActivity.groups.through,
        )
    ]
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {', '.join(_qn(t) for t in tables)} IN EXCLUSIVE MODE")


def generate(
    *,
    groups: int,
    members: int,
    cooperatives: int | None = None,
    initiatives: int | None = None,
    support_activities: int | None = None,
    seed: int = 1,
    force: bool = False,
    batch_size: int = DEFAULT_BATCH_SIZE,
    today: datetime.date | None = None,
    progress: Callable[[str, int, int, float], None] = _no_progress,
) -> Result:
    """Generate the data in one transaction (all or nothing). See the module docstring."""
    if groups < 1:
        raise ScaleDataError("--groups must be at least 1.")
    if members < groups:
        raise ScaleDataError(
            "Every group needs at least one member (its leader): --members must be at least "
            "--groups."
        )
    if cooperatives is None:
        cooperatives = groups // 20
    if initiatives is None:
        initiatives = groups // 2
    if support_activities is None:
        support_activities = groups
    if min(cooperatives, initiatives, support_activities) < 0 or batch_size < 1:
        raise ScaleDataError(
            "--cooperatives, --initiatives and --support-activities must not be negative, "
            "--batch-size positive."
        )
    started = time.monotonic()
    writer = Writer(batch_size, progress)
    generator = Generator(
        groups=groups,
        members=members,
        cooperatives=cooperatives,
        seed=seed,
        today=today or timezone.localdate(),
        writer=writer,
        initiatives=initiatives,
        support_activities=support_activities,
    )
    with transaction.atomic():
        _lock_tables()
        find_existing(force=force)
        generator.load_reference()
        plans = generator.plan_groups()
        generator.plan_sizes(plans)
        coops = generator.plan_cooperatives(plans)
        result = generator.write(plans, coops)
        writer.reset_sequences()
    writer.analyze()
    result.seconds = time.monotonic() - started
    return result
