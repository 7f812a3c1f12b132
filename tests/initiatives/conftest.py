import datetime

import pytest

from tests.factories import (
    CooperativeFactory,
    CooperativeMembershipFactory,
    GroupFactory,
    MemberFactory,
    district,
)


@pytest.fixture
def lola():
    """A group of Devashtich (the officer's district) with three current women, a man and a
    woman who left."""
    group = GroupFactory(name="Lola", established_on=datetime.date(2010, 4, 14))
    for surname in ("Usmonova", "Karimova", "Nazarova"):
        MemberFactory(group=group, surname=surname, joined_on=datetime.date(2010, 4, 14))
    MemberFactory(group=group, surname="Oblokulov", sex="M", joined_on=datetime.date(2011, 1, 1))
    MemberFactory(
        group=group,
        surname="Former",
        joined_on=datetime.date(2010, 4, 14),
        left_on=datetime.date(2013, 1, 1),
    )
    return group


@pytest.fixture
def asht_group():
    """A group of Asht: the officer's province, not her district."""
    group = GroupFactory(name="Bahori Asht", district=district("Asht"))
    MemberFactory(group=group, surname="Ashtova")
    return group


@pytest.fixture
def rasht_group():
    """A group of Rasht: another province."""
    group = GroupFactory(name="Nuri Rasht", district=district("Rasht"))
    MemberFactory(group=group, surname="Rashtova")
    return group


@pytest.fixture
def guncha(lola):
    """Guncha of Devashtich: Lola and Bahor are its current groups, Nihol left it."""
    cooperative = CooperativeFactory(name="Guncha", formed_on=datetime.date(2011, 11, 22))
    bahor = GroupFactory(name="Bahor", established_on=datetime.date(2010, 6, 2))
    MemberFactory(group=bahor, surname="Bahorova")
    nihol = GroupFactory(name="Nihol", established_on=datetime.date(2010, 6, 2))
    MemberFactory(group=nihol, surname="Niholova")
    for group in (lola, bahor):
        CooperativeMembershipFactory(
            cooperative=cooperative, group=group, joined_on=datetime.date(2011, 11, 22)
        )
    CooperativeMembershipFactory(
        cooperative=cooperative,
        group=nihol,
        joined_on=datetime.date(2011, 11, 22),
        left_on=datetime.date(2018, 10, 1),
    )
    return cooperative
