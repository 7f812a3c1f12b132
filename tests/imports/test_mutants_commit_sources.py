"""Source ids (KoboToolbox submissions) of groups and members, and a run refused by the
database: which ids count as known, a submission held twice, rows without an id, and what a
failed run records.

Written against the survivors of `make mutation` in imports/services.py (docs/testing.md)."""

from unittest import mock

import pytest
from django.db import IntegrityError, OperationalError

from groups.models import SelfHelpGroup
from imports import services
from imports.models import ImportRun
from members.models import Member
from tests import factories
from tests.imports.conftest import upload

pytestmark = pytest.mark.django_db

MEMBER_HEADERS = ["Group", "Surname", "Given name", "Sex", "Birth year", "Joined"]
GROUP_HEADERS = ["Name", "District", "Established"]
REFUSED = (
    "Nothing was imported: the database refused a row (someone may have changed the same "
    "records meanwhile). Upload the file again to check it afresh."
)


def members(user, names_ids, **kwargs):
    return services.import_rows(
        user=user,
        kind="members",
        headers=MEMBER_HEADERS,
        rows=[["SU-0001", name, "Zebo", "F", "1980", "2014-03-01"] for name, _id in names_ids],
        source_ids=[source for _name, source in names_ids],
        file_name="KoboToolbox: members",
        **kwargs,
    )


def groups(user, names_ids, **kwargs):
    return services.import_rows(
        user=user,
        kind="groups",
        headers=GROUP_HEADERS,
        rows=[[name, "Devashtich", "2024-02-01"] for name, _id in names_ids],
        source_ids=[source for _name, source in names_ids],
        file_name="KoboToolbox: groups",
        **kwargs,
    )


# Which ids are known, per kind


def test_a_groups_submission_already_on_a_group_is_skipped(officer):
    factories.GroupFactory(name="Guli Surkh", source_id="uuid-g")

    run, skipped = groups(officer, [("Guli Surkh", "uuid-g")])

    assert (run, skipped) == (None, 1)
    assert SelfHelpGroup.objects.count() == 1


def test_an_id_waiting_in_an_open_members_run_does_not_hold_back_a_groups_row(officer, group):
    waiting, _skipped = members(officer, [("Karimova", "uuid-1")])
    assert waiting.new_count == 1

    run, skipped = groups(officer, [("Guli Surkh", "uuid-1")])

    assert skipped == 0 and (run.new_count, run.source_ids) == (1, ["uuid-1"])


def test_a_groups_run_confirmed_after_another_with_the_same_submission_gets_a_row_error(
    officer,
):
    first, _skipped = groups(officer, [("Guli Surkh", "uuid-g")])
    with mock.patch.object(services, "known_source_ids", return_value=set()):
        # The submission edited in Kobo in between: another name.
        second, _skipped = groups(officer, [("Guli Surkhi Nav", "uuid-g"), ("Lola", "uuid-h")])
    services.import_commit(run=first, user=officer)

    second = services.import_commit(run=second, user=officer)

    assert (second.status, second.new_count, second.error_count) == ("committed", 1, 1)
    assert second.results[0]["e"] == [["", str(services.SOURCE_TAKEN)]]
    assert dict(SelfHelpGroup.objects.values_list("name", "source_id")) == {
        "Guli Surkh": "uuid-g",
        "Lola": "uuid-h",
    }


# Rows of one run


def test_a_row_without_an_id_does_not_stop_the_next_rows_from_carrying_theirs(officer, group):
    run, _skipped = members(officer, [("Karimova", ""), ("Nazarova", "uuid-2")])

    assert [r.get("src") for r in run.results] == [None, "uuid-2"]
    assert [r["s"] for r in run.results] == ["new", "new"]
    services.import_commit(run=run, user=officer)
    assert dict(Member.objects.values_list("surname", "source_id")) == {
        "Karimova": None,
        "Nazarova": "uuid-2",
    }


def test_a_submission_added_twice_to_one_run_is_a_duplicate_of_its_first_row(officer, group):
    """Two webhook calls for one submission at the same moment: both read the known ids
    before either added its row to the open run."""
    run, _skipped = members(officer, [("Karimova", "uuid-1")])
    with mock.patch.object(services, "known_source_ids", return_value=set()):
        run, _skipped = members(
            officer, [("Nazarova", "uuid-2"), ("Karimova-Saidova", "uuid-1")], into=run
        )

    assert run.source_ids == ["uuid-1", "uuid-2", "uuid-1"]
    assert [r["s"] for r in run.results] == ["new", "new", "error"]
    assert run.results[2]["e"] == [["", "Duplicate of row 2."]]
    assert run.results[2]["src"] == "uuid-1"
    run = services.import_commit(run=run, user=officer)
    assert (run.status, run.new_count, run.error_count) == ("committed", 2, 1)
    assert run.results[2]["e"] == [["", "Duplicate of row 2."]]
    assert dict(Member.objects.values_list("surname", "source_id")) == {
        "Karimova": "uuid-1",
        "Nazarova": "uuid-2",
    }


# A run refused by the database


def file_run(officer) -> ImportRun:
    text = "Group;Surname;Given name;Sex;Joined\r\nSU-0001;Karimova;Zebo;F;01.03.2014\r\n"
    return services.import_preview(user=officer, kind="members", upload=upload("m.csv", text))


def failing_once(error):
    real = services.bulk_create_with_history
    calls = []

    def create(objs, model, **kwargs):
        calls.append(len(objs))
        if len(calls) == 1:
            raise error
        return real(objs, model, **kwargs)

    return create


def test_a_run_refused_by_the_database_records_why_and_when(officer, group):
    run = file_run(officer)

    with (
        mock.patch.object(
            services, "bulk_create_with_history", failing_once(IntegrityError("injected"))
        ),
        pytest.raises(services.ImportRefused) as refused,
    ):
        services.import_commit(run=run, user=officer)

    assert refused.value.message == REFUSED
    run.refresh_from_db()
    assert (run.status, run.message) == ("failed", REFUSED)
    assert run.finished_at is not None
    assert not Member.objects.exists()


@pytest.mark.parametrize(
    ("kobo", "error"),
    [
        # A file's run holds no submission: no race on a source id to check again.
        (False, IntegrityError("UNIQUE constraint failed: members_member.source_id")),
        # Only the unique index's refusal is a race; any other failure is not retried.
        (True, OperationalError("no such column: source_id")),
    ],
)
def test_only_a_clash_on_the_source_id_of_a_kobo_run_is_tried_again(officer, group, kobo, error):
    run = members(officer, [("Karimova", "uuid-1")])[0] if kobo else file_run(officer)

    with (
        mock.patch.object(services, "bulk_create_with_history", failing_once(error)),
        pytest.raises(services.ImportRefused, match="database refused a row"),
    ):
        services.import_commit(run=run, user=officer)

    run.refresh_from_db()
    assert run.status == "failed"
    assert not Member.objects.exists()
