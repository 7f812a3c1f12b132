"""A small programme for the API tests: groups with members in Devashtich (the `officer`'s
district), Asht (the same province, Sughd) and Rasht (another province), each with a
cooperative, an initiative and a support activity."""

import datetime
from dataclasses import dataclass, field

from tests import factories
from tests.initiatives.factories import InitiativeFactory, SupportFactory

DISTRICTS = ("Devashtich", "Asht", "Rasht")


@dataclass
class World:
    groups: dict = field(default_factory=dict)
    members: dict = field(default_factory=dict)
    cooperatives: dict = field(default_factory=dict)
    initiatives: dict = field(default_factory=dict)
    support: dict = field(default_factory=dict)


def build(groups_per_district: int = 1) -> World:
    world = World()
    for name in DISTRICTS:
        district = factories.district(name)
        groups = [factories.GroupFactory(district=district) for _ in range(groups_per_district)]
        world.groups[name] = groups
        world.members[name] = [
            factories.MemberFactory(group=group, sex=sex, patronymic="Saidovna")
            for group in groups
            for sex in ("F", "M")
        ]
        coop = factories.CooperativeFactory(district=district)
        factories.CooperativeMembershipFactory(cooperative=coop, group=groups[0])
        world.cooperatives[name] = [coop]
        world.initiatives[name] = [InitiativeFactory(group=group) for group in groups]
        world.support[name] = [
            SupportFactory(groups=[group], held_on=datetime.date(2016, 5, 10)) for group in groups
        ]
    return world
