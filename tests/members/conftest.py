import pytest

from tests.factories import GroupFactory, district


# A group in the officer's district (Devashtich), one elsewhere in Sughd, one in the Rasht
# Valley: the three reaches of a field officer's scope.
@pytest.fixture
def own_group(db):
    return GroupFactory(name="Own group")


@pytest.fixture
def asht_group(db):
    return GroupFactory(name="Asht group", district=district("Asht"))


@pytest.fixture
def rasht_group(db):
    return GroupFactory(name="Rasht group", district=district("Rasht"))
