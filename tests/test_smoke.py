import pytest

from tests.factories import GroupFactory, MemberFactory

pytestmark = pytest.mark.django_db


def test_it_generates_group_codes_per_province():
    first = GroupFactory()
    second = GroupFactory()
    assert first.code.startswith("SU-")
    assert int(second.code[3:]) == int(first.code[3:]) + 1


def test_it_folds_member_names_for_search():
    member = MemberFactory(surname="Рахимова", given_name="Гулнора")
    assert member.search_key.startswith("rahimov gulnora")
