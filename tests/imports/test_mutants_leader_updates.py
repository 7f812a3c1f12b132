"""Importing changes of an existing current leader: they must be written like any other
update. Found by `make mutation` (docs/testing.md): imports.services._write_members used to
leave a current leader out of both of its batches (`role != LEADER or left_on` is None for
her, not False), so the preview and the run said "updated" and nothing was saved."""

import datetime

import pytest

from imports import services
from members.models import Member
from tests import factories
from tests.imports.conftest import upload

pytestmark = pytest.mark.django_db

HEAD = "Group;Surname;Given name;Sex;Birth year;Role;Joined;Left\r\n"


def commit(user, rows: str):
    run = services.import_preview(user=user, kind="members", upload=upload("m.csv", HEAD + rows))
    assert run.error_count == 0, run.results
    return services.import_commit(run=run, user=user)


def test_an_existing_member_made_leader_by_the_file_is_saved_as_leader(officer, group):
    old = factories.MemberFactory(group=group, surname="Usmonova", given_name="Gulnora",
                                  birth_year=1970, role="leader")  # fmt: skip
    new = factories.MemberFactory(group=group, surname="Karimova", given_name="Zebo",
                                  birth_year=1980, role="member")  # fmt: skip

    run = commit(
        officer,
        f"{group.code};Karimova;Zebo;F;1980;leader;01.03.2012;\r\n"
        f"{group.code};Usmonova;Gulnora;F;1970;member;01.03.2012;\r\n",
    )

    assert run.updated_count == 2
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.role, new.role) == ("member", "leader")


def test_a_change_to_the_current_leader_is_saved(officer, group):
    leader = factories.MemberFactory(group=group, surname="Usmonova", given_name="Gulnora",
                                     birth_year=1970, role="leader")  # fmt: skip

    run = commit(officer, f"{group.code};Usmonova;Gulnora;F;1970;leader;01.04.2012;\r\n")

    assert run.updated_count == 1
    leader.refresh_from_db()
    assert leader.joined_on == datetime.date(2012, 4, 1)
    assert Member.objects.get(role="leader") == leader
