"""Rows that come with a source id (a KoboToolbox submission's `_uuid`) rather than from a
file: the id goes onto the record the row creates, a known id is left out and counted, and
the unique index on it turns a race between two runs into a row error, not a failure."""

from unittest import mock

import pytest

from groups.models import SelfHelpGroup
from imports import services
from imports.models import ImportRun
from members.models import Member
from tests import factories
from tests.imports.conftest import upload

pytestmark = pytest.mark.django_db

HEADERS = ["Group", "Surname", "Given name", "Sex", "Birth year", "Joined"]


def row(surname: str, code: str = "SU-0001") -> list:
    return [code, surname, "Zebo", "F", "1980", "2014-03-01"]


def pending(user, names_ids, **kwargs):
    return services.import_rows(
        user=user,
        kind="members",
        headers=HEADERS,
        rows=[row(name) for name, _id in names_ids],
        source_ids=[source for _name, source in names_ids],
        file_name="KoboToolbox: test",
        **kwargs,
    )


def test_each_new_record_carries_its_rows_source_id(officer, group):
    run, skipped = pending(officer, [("Karimova", "uuid-1"), ("Nazarova", "uuid-2")])
    assert (skipped, run.new_count, run.source_ids) == (0, 2, ["uuid-1", "uuid-2"])
    assert [r["src"] for r in run.results] == ["uuid-1", "uuid-2"]
    services.import_commit(run=run, user=officer)
    assert dict(Member.objects.values_list("surname", "source_id")) == {
        "Karimova": "uuid-1",
        "Nazarova": "uuid-2",
    }


def test_a_groups_row_carries_it_too(officer):
    run, _skipped = services.import_rows(
        user=officer,
        kind="groups",
        headers=["Name", "District", "Established"],
        rows=[["Guli Surkh", "Devashtich", "2024-02-01"]],
        source_ids=["uuid-g"],
        file_name="KoboToolbox: groups",
    )
    services.import_commit(run=run, user=officer)
    assert SelfHelpGroup.objects.get().source_id == "uuid-g"


def test_ids_already_on_a_record_waiting_in_an_open_run_or_repeated_are_skipped(officer, group):
    factories.MemberFactory(group=group, surname="Old", source_id="uuid-1")
    waiting, _skipped = pending(officer, [("Nazarova", "uuid-2")])
    run, skipped = pending(
        officer,
        [
            ("Karimova", "uuid-1"),
            ("Nazarova", "uuid-2"),
            ("Rahimova", "uuid-3"),
            ("Rahimova", "uuid-3"),
        ],  # fmt: skip
    )
    assert (skipped, run.skipped_count, run.source_ids) == (3, 3, ["uuid-3"])
    # Once the waiting run is discarded, its row may come again.
    services.import_discard(run=waiting)
    again, skipped = pending(officer, [("Nazarova", "uuid-2")])
    assert (skipped, again.new_count) == (0, 1)


def test_nothing_new_makes_no_run_and_adding_to_an_open_run_rechecks_it(officer, group):
    run, _skipped = pending(officer, [("Karimova", "uuid-1")])
    assert pending(officer, [("Karimova", "uuid-1")]) == (None, 1)
    same, skipped = pending(officer, [("Nazarova", "uuid-2")], into=run)
    assert same.pk == run.pk and skipped == 0
    assert (same.new_count, same.source_ids) == (2, ["uuid-1", "uuid-2"])
    assert ImportRun.objects.count() == 1
    services.import_commit(run=same, user=officer)
    with pytest.raises(services.ImportRefused, match="already confirmed"):
        pending(officer, [("Rahimova", "uuid-3")], into=same)


def test_a_matched_member_without_an_id_is_linked_and_one_with_another_id_is_not(officer, group):
    alike = {"group": group, "given_name": "Zebo", "birth_year": 1980, "role": "deputy"}
    plain = factories.MemberFactory(surname="Karimova", **alike)
    made = factories.MemberFactory(surname="Nazarova", source_id="uuid-old", **alike)
    run, _skipped = pending(officer, [("Karimova", "uuid-1"), ("Nazarova", "uuid-2")])
    changes = {r["l"]: r.get("c", []) for r in run.results}
    assert ["source id", "—", "uuid-1"] in changes["Karimova Zebo"]
    assert not any(c[0] == "source id" for c in changes["Nazarova Zebo"])
    services.import_commit(run=run, user=officer)
    plain.refresh_from_db()
    made.refresh_from_db()
    assert (plain.source_id, made.source_id) == ("uuid-1", "uuid-old")


def two_runs_with_one_submission(officer):
    """As two intakes at the same moment would make them; the submission edited in Kobo in
    between (another surname), so the second run does not match the first one's record."""
    first, _skipped = pending(officer, [("Karimova", "uuid-1")])
    with mock.patch.object(services, "known_source_ids", return_value=set()):
        second, _skipped = pending(
            officer, [("Karimova-Saidova", "uuid-1"), ("Nazarova", "uuid-2")]
        )
    return first, second


def test_a_row_matching_the_record_its_submission_made_is_unchanged(officer, group):
    first, _skipped = pending(officer, [("Karimova", "uuid-1")])
    with mock.patch.object(services, "known_source_ids", return_value=set()):
        second, _skipped = pending(officer, [("Karimova", "uuid-1")])
    services.import_commit(run=first, user=officer)
    second = services.import_commit(run=second, user=officer)
    assert (second.new_count, second.unchanged_count, second.error_count) == (0, 1, 0)
    assert Member.objects.count() == 1


def test_a_run_confirmed_after_another_with_the_same_id_gets_a_row_error(officer, group):
    first, second = two_runs_with_one_submission(officer)
    services.import_commit(run=first, user=officer)
    second = services.import_commit(run=second, user=officer)
    assert (second.status, second.new_count, second.error_count) == ("committed", 1, 1)
    assert second.results[0]["e"] == [["", str(services.SOURCE_TAKEN)]]
    assert Member.objects.count() == 2


def test_the_unique_index_turns_a_race_at_the_write_into_a_row_error(officer, group):
    """Both runs checked before either wrote: the second write hits the unique index; the run
    is checked again and that row becomes an error, the others are imported."""
    first, second = two_runs_with_one_submission(officer)
    services.import_commit(run=first, user=officer)
    real = services._taken_source_ids
    calls = []

    def not_yet_visible(kind, source_ids):
        calls.append(kind)
        return {} if len(calls) == 1 else real(kind, source_ids)

    with mock.patch.object(services, "_taken_source_ids", side_effect=not_yet_visible):
        second = services.import_commit(run=second, user=officer)
    assert len(calls) == 2  # checked, refused by the index, checked again
    assert (second.status, second.new_count, second.error_count) == ("committed", 1, 1)
    assert second.results[0]["e"] == [["", str(services.SOURCE_TAKEN)]]
    assert sorted(Member.objects.values_list("source_id", flat=True)) == ["uuid-1", "uuid-2"]


def test_a_file_import_carries_no_source_id(officer, group):
    text = "Group;Surname;Given name;Sex;Joined\r\nSU-0001;Karimova;Zebo;F;01.03.2014\r\n"
    run = services.import_preview(user=officer, kind="members", upload=upload("m.csv", text))
    assert (run.source_ids, run.skipped_count, "src" in run.results[0]) == ([], 0, False)
    services.import_commit(run=run, user=officer)
    assert Member.objects.get().source_id is None


def test_rows_with_ids_are_never_added_to_a_files_run(officer, group):
    text = (
        "Group;Surname;Given name;Sex;Birth year;Joined\r\n"
        "SU-0001;Karimova;Zebo;F;1980;01.03.2014\r\n"
    )
    run = services.import_preview(user=officer, kind="members", upload=upload("m.csv", text))
    with pytest.raises(ValueError, match="only to a run of such rows"):
        pending(officer, [("Nazarova", "uuid-2")], into=run)
    run.refresh_from_db()
    assert (len(run.rows), run.source_ids) == (1, [])
