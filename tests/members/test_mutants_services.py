"""members.services helpers: the row lock reads the member with her group in one query.

Written against the survivors of `make mutation` in members/services.py (docs/testing.md)."""

import pytest

from members import services
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def test_the_locked_member_comes_with_her_group_in_one_query(django_assert_num_queries):
    member = MemberFactory(group__name="Lola")

    with django_assert_num_queries(1):
        locked = services._locked(member)
        assert locked.group.name == "Lola"
    assert locked.pk == member.pk
