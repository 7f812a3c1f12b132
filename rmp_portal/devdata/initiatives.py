"""Demo initiatives and support, built on the demo registry (rmp_portal.devdata.demo) by `build()`,
from its own seeded random generator (so the registry's data is not changed by it):

- the cooperative "Guncha" of Devashtich (Ghonchi) runs two operating branches: lemon trees
  grown in trench greenhouses, and a dairy selling kefir, ice cream and other milk products
  under its own label to local shops;
- the nine projects of the 2014 joint economic initiatives grant round, in Isfara, Konibodom,
  Asht, Bobojon Ghafurov and Devashtich (Ghonchi): tractors, greenhouses, a fruit-drying plant,
  apricot-kernel crushers and beekeeping (the only grants dated 2014);
- more initiatives of groups and cooperatives in both provinces, in every status, with their
  dated status changes and a few other grants;
- economic, social and legal support activities from 2010 to the last quarters, delivered by
  IOM, UN Women, the World Bank Group and partner NGOs (illustrative names), to groups of one
  district or to a cooperative, with women and men counted.

Everything goes through initiatives.services, so the demo obeys the portal's rules. Nothing is
built if the database already has initiatives or support activities.
"""

import datetime
import random
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from cooperatives.models import Cooperative
from groups.models import ActivityType, SelfHelpGroup
from initiatives import services
from initiatives.models import (
    InitiativeStatus,
    JointInitiative,
    SupportActivity,
    SupportKind,
    SupportTopic,
)
from members.models import Member

SEED = 20141203
CHANGE_REASON = "load_demo_data"
ROUND_2014_DONOR = "RMP joint economic initiatives grant round 2014"

S = InitiativeStatus
D = datetime.date


@dataclass(frozen=True)
class Project:
    district: str
    activity: str
    title: str
    products: str
    bought: str
    amount: str
    granted_on: datetime.date
    statuses: tuple  # (status, date) after "planned" on the start date


ROUND_2014 = [
    Project(
        "Isfara", "Dried fruit and apricot kernels", "Apricot-kernel crusher",
        "Cracked apricot kernels sold to wholesalers in Isfara", "A motorised apricot-kernel "
        "crusher and sorting sieves", "16800", D(2014, 11, 12),
        ((S.OPERATING, D(2015, 6, 20)),),
    ),
    Project(
        "Isfara", "Dried fruit and apricot kernels", "Fruit-drying plant",
        "Dried apricots (kuraga), raisins", "A solar fruit dryer with drying racks, scales "
        "and packing material", "42500", D(2014, 11, 12),
        ((S.OPERATING, D(2015, 7, 15)),),
    ),
    Project(
        "Konibodom", "Orchards and gardening", "Mini-tractor for the members' plots",
        "Ploughing and transport for members' household plots, for a fee to neighbours",
        "A 24 hp mini-tractor with plough and trailer", "38000", D(2014, 11, 20),
        ((S.OPERATING, D(2015, 3, 2)),),
    ),
    Project(
        "Konibodom", "Greenhouse vegetables and greens", "Winter greenhouse",
        "Cucumbers, tomatoes and greens in early spring", "Greenhouse frame, polycarbonate "
        "cover and a coal stove", "24600", D(2014, 11, 20),
        ((S.OPERATING, D(2015, 2, 10)), (S.SUSPENDED, D(2021, 1, 15))),
    ),
    Project(
        "Asht", "Greenhouse vegetables and greens", "Greenhouse for early vegetables",
        "Early tomatoes and greens for the Shaidon bazaar", "Greenhouse frame, film and "
        "drip irrigation", "23900", D(2014, 12, 3),
        ((S.OPERATING, D(2015, 3, 1)),),
    ),
    Project(
        "Asht", "Dried fruit and apricot kernels", "Apricot-kernel crushers",
        "Apricot kernels sorted and cracked for sale", "Two hand-fed kernel crushers and a "
        "generator", "15400", D(2014, 12, 3),
        ((S.OPERATING, D(2015, 7, 1)),),
    ),
    Project(
        "Bobojon Ghafurov", "Orchards and gardening", "Tractor and plough",
        "Ploughing and sowing for members and neighbours", "A used MTZ-82 tractor and a "
        "two-furrow plough", "39200", D(2014, 12, 10),
        ((S.OPERATING, D(2015, 3, 16)),),
    ),
    Project(
        "Bobojon Ghafurov", "Beekeeping", "Beekeeping: twenty hives",
        "Honey and wax", "Twenty hives with bee colonies, an extractor and protective "
        "clothing", "17300", D(2014, 12, 10),
        ((S.OPERATING, D(2015, 5, 4)), (S.CLOSED, D(2022, 9, 30))),
    ),
    Project(
        "Devashtich", "Beekeeping", "Beekeeping in the Ghonchi foothills",
        "Mountain honey sold in Ghonchi and Istaravshan", "Sixteen hives with colonies, an "
        "extractor and jars", "18200", D(2014, 12, 17),
        ((S.OPERATING, D(2015, 4, 20)),),
    ),
]  # fmt: skip

# Initiatives of other groups: activity type -> (title, products).
IDEAS = {
    "Dairy processing": ("Milk collection and kurut", "Kurut, chakka and butter"),
    "Lemon cultivation": ("Lemon trench greenhouse", "Lemons and saplings"),
    "Dried fruit and apricot kernels": ("Drying apricots for market", "Dried apricots"),
    "Preserves and pickles": ("Preserves for the bazaar", "Jams, pickled vegetables"),
    "Greenhouse vegetables and greens": ("Early greens", "Greens, radishes, cucumbers"),
    "Orchards and gardening": ("Fruit-tree nursery", "Apple and apricot saplings"),
    "Beekeeping": ("Shared apiary", "Honey"),
    "Poultry": ("Laying hens", "Eggs, hens for sale"),
    "Carpet weaving": ("Carpet looms", "Hand-woven carpets and rugs"),
    "Embroidery": ("Suzani embroidery", "Embroidered suzani and cushions"),
    "Knitting and goat-wool shawls": ("Goat-wool shawls", "Shawls, socks"),
    "Sewing and quilts (kurpa)": ("Sewing workshop", "Quilts (kurpa), school uniforms"),
    "Brick-making": ("Brick press", "Bricks for village houses"),
    "Services": ("Tandoor bakery", "Bread (non) and pastries"),
}
COOPERATIVE_INITIATIVES = {
    "Asali Rasht": ("Beekeeping", "Honey bottling and labelling", "Labelled mountain honey"),
    "Shiri Nurobod": ("Dairy processing", "Milk collection point", "Milk, yoghurt, kurut"),
    "Shirin": ("Dried fruit and apricot kernels", "Packing dried apricots", "Packed kuraga"),
    "Bonuvoni Asht": ("Preserves and pickles", "Autumn preserves", "Jams and pickles"),
}
OTHER_DONORS = ["UN Women", "IOM", "World Bank Group"]
PARTNERS = [
    "",
    "",
    "A local credit union (loan for working capital)",
    "A dehqan farm of the village (land and water)",
    "The jamoat (premises)",
]
# Partner NGOs that deliver support (illustrative names).
PARTNER_NGOS = [
    "Association of Women Entrepreneurs of Sughd",
    'Legal Aid Centre "Huquq va Rushd"',
    'Public Organisation "Nuri Hidoyat"',
    'Public Organisation "Madadgor"',
]
DELIVERERS = {
    SupportKind.ECONOMIC: ["wbg", "wbg", "iom", "partner_ngo"],
    SupportKind.SOCIAL: ["un_women", "un_women", "partner_ngo"],
    SupportKind.LEGAL: ["iom", "iom", "partner_ngo"],
}
CHAINS = {
    S.IDEA: [(S.IDEA,)],
    S.PLANNED: [(S.PLANNED,), (S.IDEA, S.PLANNED)],
    S.OPERATING: [(S.PLANNED, S.OPERATING), (S.IDEA, S.PLANNED, S.OPERATING)],
    S.SUSPENDED: [(S.PLANNED, S.OPERATING, S.SUSPENDED)],
    S.CLOSED: [(S.PLANNED, S.OPERATING, S.CLOSED), (S.IDEA, S.PLANNED, S.CLOSED)],
}
STATUS_WEIGHTS = {S.IDEA: 8, S.PLANNED: 12, S.OPERATING: 50, S.SUSPENDED: 10, S.CLOSED: 20}
OTHER_INITIATIVES = 42
SUPPORT_ACTIVITIES = 160


def build(*, admin) -> bool:
    """Create the demo initiatives and support (False if there were some already)."""
    if JointInitiative.objects.exists() or SupportActivity.objects.exists():
        return False
    if not Cooperative.objects.filter(name="Guncha").exists():
        return False  # not the demo registry
    Demo(random.Random(SEED), admin).run()
    for model in (JointInitiative, SupportActivity):
        model.history.update(history_user=admin, history_change_reason=CHANGE_REASON)
    return True


class Demo:
    def __init__(self, rng: random.Random, admin):
        self.rng = rng
        self.admin = admin
        self.yesterday = timezone.localdate() - datetime.timedelta(days=1)
        self.activities = {a.name: a for a in ActivityType.objects.all()}
        self.groups = list(
            SelfHelpGroup.objects.select_related("district__province")
            .prefetch_related("activities")
            .order_by("code")
        )
        self.members: dict[int, list[Member]] = defaultdict(list)
        for member in Member.objects.current().order_by("group_id", "joined_on", "pk"):
            self.members[member.group_id].append(member)
        self.cooperatives = {c.name: c for c in Cooperative.objects.select_related("district")}
        self.in_cooperative = {
            g.pk
            for c in self.cooperatives.values()
            for g in SelfHelpGroup.objects.filter(
                cooperative_memberships__cooperative=c,
                cooperative_memberships__left_on__isnull=True,
            )
        }
        self.topics: dict[str, list[SupportTopic]] = defaultdict(list)
        for topic in SupportTopic.objects.order_by("kind", "name"):
            self.topics[topic.kind].append(topic)
        self.owners_used: set[int] = set()

    def run(self) -> None:
        self.guncha()
        self.round_2014()
        self.cooperative_initiatives()
        self.other_initiatives()
        self.support()

    # -- initiatives -----------------------------------------------------------------------

    def participants(self, groups, started_on: datetime.date, count: int) -> list[Member]:
        members = [m for g in groups for m in self.members[g.pk]]
        early = [m for m in members if m.joined_on <= started_on] or members
        return self.rng.sample(early, min(count, len(early)))

    def initiative(
        self, owner, activity: str, title: str, started_on: datetime.date, chain, **fields
    ) -> JointInitiative:
        """An initiative whose status runs through `chain`: (first status, then (status,
        date) pairs) -- the first on the day it started."""
        first, *later = chain
        groups = (
            [owner]
            if isinstance(owner, SelfHelpGroup)
            else [g for g in self.groups if self._in(g, owner)]
        )
        participants = fields.pop("participants", None)
        if participants is None:
            participants = self.participants(groups, started_on, self.rng.randint(3, 8))
        initiative = services.initiative_create(
            user=self.admin,
            owner=owner,
            data={
                "title": title,
                "activity_type": self.activities[activity],
                "started_on": started_on,
                "status": first,
                "participants": participants,
                **fields,
            },
        )
        for status, day in later:
            services.initiative_change_status(
                user=self.admin, initiative=initiative, status=status, changed_on=day
            )
        return initiative

    def _in(self, group: SelfHelpGroup, cooperative: Cooperative) -> bool:
        return group.pk in self._cooperative_groups(cooperative)

    def _cooperative_groups(self, cooperative: Cooperative) -> set[int]:
        cache = self.__dict__.setdefault("_coop_groups", {})
        if cooperative.pk not in cache:
            cache[cooperative.pk] = set(
                SelfHelpGroup.objects.filter(
                    cooperative_memberships__cooperative=cooperative,
                    cooperative_memberships__left_on__isnull=True,
                ).values_list("pk", flat=True)
            )
        return cache[cooperative.pk]

    def guncha(self) -> None:
        guncha = self.cooperatives["Guncha"]
        groups = [g for g in self.groups if self._in(g, guncha)]
        self.owners_used.update(g.pk for g in groups)
        self.initiative(
            guncha,
            "Lemon cultivation",
            "Lemon trees in trench greenhouses",
            D(2012, 3, 1),
            (S.PLANNED, (S.OPERATING, D(2012, 10, 15))),
            products="Lemons and lemon saplings, sold at the Ghonchi bazaar and to neighbours",
            partners="A dehqan farm of Ghonchi (land lease for the trenches)",
            grant_amount=Decimal("18500"),
            grant_date=D(2012, 5, 20),
            grant_donor="UN Women",
            grant_purchases="Polyethylene sheeting, 60 lemon saplings and irrigation pipes",
            participants=self.participants(groups, D(2012, 3, 1), 12),
            notes="The cooperative's first branch: trenches dug by the members' families.",
        )
        self.initiative(
            guncha,
            "Dairy processing",
            "Guncha dairy: kefir, ice cream and milk products under its own label",
            D(2013, 2, 1),
            (S.IDEA, (S.PLANNED, D(2013, 6, 1)), (S.OPERATING, D(2014, 3, 10))),
            products=(
                "Kefir, ice cream, chakka, butter and other milk products under the Guncha "
                "label, sold to local shops"
            ),
            partners="A credit union in Ghonchi (loan for the freezer)",
            grant_amount=Decimal("21700"),
            grant_date=D(2015, 4, 12),
            grant_donor="IOM",
            grant_purchases="A milk separator, a pasteuriser, a chest freezer and label printing",
            participants=self.participants(groups, D(2013, 2, 1), 10),
        )

    def round_2014(self) -> None:
        for project in ROUND_2014:
            candidates = [
                g
                for g in self.groups
                if g.district.name == project.district
                and g.pk not in self.in_cooperative
                and g.pk not in self.owners_used
                and g.established_on <= project.granted_on - datetime.timedelta(days=40)
            ]
            group = self.rng.choice(candidates)
            self.owners_used.add(group.pk)
            started_on = project.granted_on - datetime.timedelta(days=self.rng.randint(10, 35))
            self.initiative(
                group,
                project.activity,
                project.title,
                started_on,
                (S.PLANNED, *project.statuses),
                products=project.products,
                grant_amount=Decimal(project.amount),
                grant_date=project.granted_on,
                grant_donor=ROUND_2014_DONOR,
                grant_purchases=project.bought,
                notes="One of the nine projects of the 2014 grant round.",
            )

    def cooperative_initiatives(self) -> None:
        for name, (activity, title, products) in COOPERATIVE_INITIATIVES.items():
            cooperative = self.cooperatives[name]
            started_on = cooperative.formed_on + datetime.timedelta(days=self.rng.randint(60, 300))
            self.initiative(
                cooperative,
                activity,
                title,
                started_on,
                (S.PLANNED, (S.OPERATING, started_on + datetime.timedelta(days=120))),
                products=products,
            )
        nafosat = self.cooperatives["Nafosat"]
        self.initiative(
            nafosat,
            "Sewing and quilts (kurpa)",
            "Quilts (kurpa) for wedding shops",
            min(nafosat.formed_on + datetime.timedelta(days=90), self.yesterday),
            (S.IDEA,),
            products="Quilts (kurpa) and embroidered cushions",
        )

    def other_initiatives(self) -> None:
        rng = self.rng
        free = [g for g in self.groups if g.pk not in self.owners_used]
        for group in rng.sample(free, OTHER_INITIATIVES):
            activities = sorted(a.name for a in group.activities.all()) or ["Services"]
            activity = rng.choice(activities)
            title, products = IDEAS[activity]
            latest = self.yesterday - datetime.timedelta(days=30)
            started_on = self._day(group.established_on + datetime.timedelta(days=90), latest)
            status = rng.choices(list(STATUS_WEIGHTS), weights=list(STATUS_WEIGHTS.values()))[0]
            chain = rng.choice(CHAINS[status])
            day, later = started_on, []
            for next_status in chain[1:]:
                day = min(day + datetime.timedelta(days=rng.randint(45, 500)), self.yesterday)
                later.append((next_status, day))
            fields = {"products": products, "partners": rng.choice(PARTNERS)}
            if status in (S.OPERATING, S.SUSPENDED, S.CLOSED) and rng.random() < 0.3:
                grant_date = min(started_on + datetime.timedelta(days=rng.randint(20, 200)), day)
                if grant_date.year == 2014:
                    grant_date = D(2015, 1, rng.randint(12, 28))  # 2014: the grant round's only
                if grant_date <= self.yesterday:
                    fields.update(
                        grant_amount=Decimal(rng.randrange(4000, 30000, 100)),
                        grant_date=grant_date,
                        grant_donor=rng.choice(OTHER_DONORS),
                        grant_purchases=f"Equipment and materials: {products.lower()}",
                    )
            self.initiative(group, activity, title, started_on, (chain[0], *later), **fields)

    def _day(self, start: datetime.date, end: datetime.date) -> datetime.date:
        if end <= start:
            return end
        return start + datetime.timedelta(days=self.rng.randint(0, (end - start).days))

    # -- support -----------------------------------------------------------------------------

    def support(self) -> None:
        rng = self.rng
        recent = self.yesterday - datetime.timedelta(days=730)
        by_district: dict[int, list[SelfHelpGroup]] = defaultdict(list)
        for group in self.groups:
            by_district[group.district_id].append(group)
        cooperatives = [
            c for c in self.cooperatives.values() if c.status != Cooperative.Status.DISSOLVED
        ]
        cooperatives.sort(key=lambda c: c.name)
        for index in range(SUPPORT_ACTIVITIES):
            kind = rng.choices(list(SupportKind.values), weights=[45, 30, 25])[0]
            start = recent if index % 4 == 0 else D(2010, 6, 1)
            held_on = self._day(start, self.yesterday)
            data = {
                "held_on": held_on,
                "kind": kind,
                "topic": rng.choice(self.topics[kind]),
                "delivered_by": rng.choice(DELIVERERS[kind]),
                "partner_name": "",
                "notes": "",
            }
            if data["delivered_by"] == "partner_ngo":
                data["partner_name"] = rng.choice(PARTNER_NGOS)
            formed = [c for c in cooperatives if c.formed_on <= held_on]
            province = None
            if formed and rng.random() < 0.25:
                cooperative = rng.choice(formed)
                data.update(cooperative=cooperative, groups=[])
                province = cooperative.district.province.code
            else:
                existing = [g for g in self.groups if g.established_on <= held_on]
                if not existing:
                    continue
                first = rng.choice(existing)
                neighbours = [
                    g for g in by_district[first.district_id] if g.established_on <= held_on
                ]
                groups = rng.sample(neighbours, min(len(neighbours), rng.choice([1, 1, 2, 3, 4])))
                data.update(cooperative=None, groups=groups)
                province = first.district.province.code
            data["women"] = rng.randint(6, 32)
            data["men"] = rng.choice([0, 0, 0, 1, 2, 4]) if province == "SU" else 0
            if kind == SupportKind.LEGAL and rng.random() < 0.4:
                data["men"] += rng.randint(1, 5)  # returned migrants at legal consultations
            services.support_create(user=self.admin, data=data)
