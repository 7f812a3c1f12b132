"""The members import and its commit, as the user sees them: each row's status, which
existing member a row is matched to, the message next to the right cell, the leader and
possible-duplicate rules, and what the run and the database hold afterwards. Written
against the mutants `make mutation` (docs/testing.md) left alive in imports/services.py."""

import datetime
import logging
from unittest import mock

import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext

from imports import services
from imports.models import ImportRun
from members.models import Member
from tests import factories
from tests.imports.conftest import upload

pytestmark = pytest.mark.django_db

HEAD = "Group;Surname;Given name;Sex;Birth year;Role;Joined;Left\r\n"
TWO_LEADERS = "Two leaders for one group: rows {rows}."
REQUIRED = "This cell cannot be empty."


def preview(user, rows: str, head: str = HEAD) -> ImportRun:
    return services.import_preview(user=user, kind="members", upload=upload("m.csv", head + rows))


def statuses(run: ImportRun) -> list[str]:
    return [r["s"] for r in run.results]


def errors(result: dict) -> list[tuple[str, str]]:
    return [tuple(e) for e in result.get("e", [])]


def karimova(group, **fields):
    values = {"surname": "Karimova", "given_name": "Zebo", "birth_year": 1980, "sex": "F",
              "role": "member", "joined_on": datetime.date(2014, 3, 1)}  # fmt: skip
    return factories.MemberFactory(group=group, **{**values, **fields})


# Cells and messages -------------------------------------------------------------------------


def test_an_unknown_group_code_is_named_up_to_20_characters_in_the_group_cell(officer, group):
    run = preview(officer, "su-1234567890abcdefghijkl;Karimova;Zebo;F;1980;;01.03.2014;\r\n")
    assert errors(run.results[0]) == [("group", "No group has the code SU-1234567890ABCDEFG.")]
    assert run.error_count == 1


def test_a_group_cell_that_cannot_be_read_asks_for_the_code(officer, group):
    # A spreadsheet formula without a saved value, as imports.reader gives it.
    rows = [[{"error": "formula"}, "Karimova", "Zebo", "F", "1980", "", "01.03.2014", ""]]
    check = services.check_rows(user=officer, kind="members", headers=HEAD.split(";"), rows=rows)
    result = check.results[0]
    assert result.status == "error"
    assert [key for key, _message in result.errors] == ["group", "group"]
    assert result.errors[1] == ("group", "Give the group's registry code.")


def test_an_empty_surname_or_given_name_is_an_error_in_its_own_cell(officer, group):
    run = preview(
        officer,
        "SU-0001;;Zebo;F;1980;;01.03.2014;\r\nSU-0001;Karimova;;F;1980;;01.03.2014;\r\n",
    )
    assert errors(run.results[0]) == [("surname", REQUIRED)]
    assert errors(run.results[1]) == [("given_name", REQUIRED)]


def test_a_missing_given_name_in_a_one_name_column_is_an_error_in_that_column(officer, group):
    run = preview(
        officer,
        "SU-0001;Karimova;F;1980;01.03.2014\r\n",
        head="Group;Name;Sex;Birth year;Joined\r\n",
    )
    assert errors(run.results[0]) == [("full_name", REQUIRED)]


def test_a_name_column_beside_a_surname_column_is_not_split(officer, group):
    head = "Group;Name;Surname;Sex;Birth year;Joined\r\n"
    run = preview(officer, "SU-0001;Karimova Zebo;Nazarova;F;1980;01.03.2014\r\n", head=head)
    assert errors(run.results[0]) == [("full_name", REQUIRED)]
    assert run.results[0]["l"] == "Nazarova"


def test_a_name_column_beside_a_given_name_column_is_not_split(officer, group):
    head = "Group;Name;Given name;Sex;Birth year;Joined\r\n"
    run = preview(officer, "SU-0001;Karimova Zebo;Shahlo;F;1980;01.03.2014\r\n", head=head)
    assert errors(run.results[0]) == [("full_name", REQUIRED)]
    assert run.results[0]["l"] == "Shahlo"


def test_a_row_with_a_bad_cell_in_another_province_is_also_outside_your_districts(officer):
    rasht = factories.GroupFactory(district=factories.district("Rasht"))
    run = preview(
        officer,
        f"{rasht.code};Karimova;Zebo;F;19x0;;01.03.2014;\r\n"
        f"{rasht.code};;Zebo;F;1980;;01.03.2014;\r\n",
    )
    first, second = run.results
    assert [key for key, _message in errors(first)] == ["birth_year", "group"]
    assert errors(first)[1] == ("group", "This record is outside your districts.")
    # Without a surname nothing is looked up: the name's error is the only one.
    assert errors(second) == [("surname", REQUIRED)]


def test_a_row_with_a_bad_cell_still_claims_the_member_it_describes(officer, group):
    karimova(group)
    run = preview(
        officer,
        "SU-0001;Karimova;Zebo;F;1980;;01.03.2014;yesterday\r\n"
        "SU-0001;Karimova;Zebo;F;1980;;01.03.2014;\r\n",
    )
    assert [key for key, _message in errors(run.results[0])] == ["left_on"]
    assert errors(run.results[1]) == [("", "Duplicate of row 2.")]


# Matching rows to existing members ------------------------------------------------------------


def test_a_row_with_a_birth_year_matches_a_namesake_recorded_without_one(officer, group):
    member = karimova(group, birth_year=None)
    run = services.import_commit(
        run=preview(officer, "SU-0001;Karimova;Zebo;F;1980;;01.03.2014;\r\n"), user=officer
    )
    assert (run.new_count, run.updated_count) == (0, 1)
    assert run.results[0]["c"] == [["birth year", "—", "1980"]]
    member.refresh_from_db()
    assert member.birth_year == 1980
    assert Member.objects.count() == 1


def test_namesakes_born_the_same_year_are_told_apart_by_the_date_of_joining(officer, group):
    karimova(group, joined_on=datetime.date(2012, 3, 1))
    later = karimova(group)
    run = preview(officer, "SU-0001;Karimova;Zebo;F;1980;deputy;01.03.2014;\r\n")
    assert statuses(run) == ["update"], run.results
    assert run.results[0]["c"] == [["role", "member", "deputy"]]
    services.import_commit(run=run, user=officer)
    later.refresh_from_db()
    assert later.role == "deputy"
    assert Member.objects.filter(role="member").count() == 1


def test_namesakes_alike_in_year_and_joining_are_told_apart_by_the_other_values(officer, group):
    first = karimova(group, phone="+992920001111")
    second = karimova(group, role="deputy", phone="+992920002222")
    head = "Group;Surname;Given name;Sex;Birth year;Role;Joined;Left;Phone\r\n"
    run = preview(
        officer,
        "SU-0001;Karimova;Zebo;F;1980;deputy;01.03.2014;;\r\n"
        "SU-0001;Karimova;Zebo;F;1980;member;01.03.2014;;\r\n",
        head=head,
    )
    assert statuses(run) == ["unchanged", "unchanged"], run.results
    run = services.import_commit(run=run, user=officer)
    assert (run.unchanged_count, run.error_count) == (2, 0)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.role, second.role) == ("member", "deputy")


def test_two_rows_equal_to_two_equal_records_match_one_each(officer, group):
    karimova(group)
    karimova(group)
    run = preview(
        officer,
        "SU-0001;Karimova;Zebo;F;1980;;01.03.2014;\r\nSU-0001;Karimova;Zebo;F;1980;;01.03.2014;\r\n",
    )
    assert statuses(run) == ["unchanged", "unchanged"], run.results
    assert "e" not in run.results[1]


def test_a_row_that_fits_none_of_several_namesakes_asks_for_more(officer, group):
    karimova(group)
    karimova(group, role="deputy")
    run = preview(officer, "SU-0001;Karimova;Zebo;F;1980;treasurer;01.03.2014;\r\n")
    assert errors(run.results[0]) == [
        (
            "",
            "This row matches 2 members of the group; add the birth year and the date of "
            "joining to tell them apart.",
        )
    ]
    assert not Member.objects.filter(role="treasurer").exists()


# Leaders ------------------------------------------------------------------------------------


def test_a_second_leader_names_the_current_one_in_the_role_cell(officer, group):
    factories.MemberFactory(group=group, surname="Usmonova", given_name="Gulnora", role="leader")
    run = preview(officer, "SU-0001;Karimova;Zebo;F;1980;leader;01.03.2014;\r\n")
    assert errors(run.results[0]) == [
        (
            "role",
            "The group already has a current leader (Usmonova Gulnora): a group has one leader. "
            "Make her an ordinary member in this file, or use “Make leader” on the member's page.",
        )
    ]


def test_a_leader_row_refused_for_its_own_reason_does_not_count_as_a_leader(officer, group):
    run = preview(
        officer,
        "SU-0001;Karimov;Zafar;M;1980;leader;01.03.2014;\r\n"
        "SU-0001;Karimova;Zebo;F;1980;leader;01.03.2014;\r\n",
    )
    assert errors(run.results[0]) == [
        ("role", "Self-help groups are led by women: a man cannot be the leader.")
    ]
    assert statuses(run) == ["error", "new"]


def test_two_leaders_after_a_row_in_error_are_both_refused(officer, group):
    run = preview(
        officer,
        "SU-9999;Nazarova;Shahlo;F;1970;;01.03.2014;\r\n"
        "SU-0001;Karimova;Zebo;F;1980;leader;01.03.2014;\r\n"
        "SU-0001;Rahimova;Malika;F;1985;leader;01.03.2014;\r\n",
    )
    assert statuses(run) == ["error", "error", "error"]
    assert errors(run.results[1]) == [("role", TWO_LEADERS.format(rows="3, 4"))]
    assert errors(run.results[2]) == [("role", TWO_LEADERS.format(rows="3, 4"))]


def test_two_leaders_of_one_group_are_refused_after_another_groups_one_leader(officer, group):
    other = factories.GroupFactory()
    run = preview(
        officer,
        f"{other.code};Nazarova;Shahlo;F;1970;leader;01.03.2014;\r\n"
        "SU-0001;Karimova;Zebo;F;1980;leader;01.03.2014;\r\n"
        "SU-0001;Rahimova;Malika;F;1985;leader;01.03.2014;\r\n",
    )
    assert statuses(run) == ["new", "error", "error"]
    assert errors(run.results[2]) == [("role", TWO_LEADERS.format(rows="3, 4"))]


def test_the_leader_changes_hands_whichever_record_is_older(officer, group):
    new = karimova(group)  # the older record (lower id) takes over
    old = factories.MemberFactory(group=group, surname="Usmonova", given_name="Gulnora",
                                  birth_year=1970, role="leader")  # fmt: skip
    run = preview(
        officer,
        "SU-0001;Karimova;Zebo;F;1980;leader;01.03.2014;\r\n"
        "SU-0001;Usmonova;Gulnora;F;1970;member;;\r\n",
    )
    assert statuses(run) == ["update", "update"], run.results
    run = services.import_commit(run=run, user=officer)
    assert (run.status, run.updated_count) == ("committed", 2)
    new.refresh_from_db()
    old.refresh_from_db()
    assert (new.role, old.role) == ("leader", "member")
    assert (new.updated_by, old.updated_by) == (officer, officer)
    assert new.history.latest().history_change_reason == run.change_reason


# Possible duplicates --------------------------------------------------------------------------


def test_a_namesake_outside_the_users_area_is_a_warning_naming_no_one(officer, group):
    rasht = factories.GroupFactory(district=factories.district("Rasht"))
    karimova(rasht)
    run = preview(officer, "SU-0001;Karimova;Zebo;F;1980;;01.03.2014;\r\n")
    assert statuses(run) == ["new"]
    assert run.results[0]["w"] == [
        "Possible duplicate of a current member of a group outside your area. "
        "Imported only if you confirm these are different people."
    ]


def test_every_new_row_is_looked_up_for_possible_duplicates(officer, group):
    karimova(factories.GroupFactory())
    run = preview(
        officer,
        "SU-0001;Nazarova;Shahlo;F;1970;;01.03.2014;\r\n"
        "SU-0001;Karimova;Zebo;F;1980;;01.03.2014;\r\n",
    )
    assert "w" not in run.results[0]
    assert run.results[1]["w"][0].startswith(
        "Possible duplicate of an existing member: Karimova Zebo in group SU-0002."
    )


def test_a_known_member_is_never_a_possible_duplicate(officer, group):
    member = karimova(group)
    karimova(factories.GroupFactory())  # her namesake in another group
    run = preview(officer, "SU-0001;Karimova;Zebo;F;1980;deputy;01.03.2014;\r\n")
    assert "w" not in run.results[0]
    run = services.import_commit(run=run, user=officer)
    assert (run.updated_count, run.error_count) == (1, 0)
    member.refresh_from_db()
    assert member.role == "deputy"


def test_an_unconfirmed_possible_duplicate_is_an_error_of_the_row(officer, group):
    karimova(factories.GroupFactory())
    run = preview(officer, "SU-0001;Karimova;Zebo;F;1980;;01.03.2014;\r\n")
    assert run.new_count == 1
    run = services.import_commit(run=run, user=officer)
    assert run.results[0]["s"] == "error"
    assert run.results[0]["e"] == [["", "Possible duplicate not confirmed: not imported."]]
    assert (run.new_count, run.error_count) == (0, 1)
    assert not group.members.exists()


# Committing ----------------------------------------------------------------------------------


def test_a_confirmed_run_records_its_end_and_refuses_a_second_confirmation(officer, group):
    run = services.import_commit(
        run=preview(officer, "SU-0001;Karimova;Zebo;F;1980;;01.03.2014;\r\n"), user=officer
    )
    run.refresh_from_db()
    assert run.status == "committed" and run.finished_at is not None
    member = group.members.get()
    assert member.updated_by == officer and member.created_by == officer
    assert member.history.get().history_change_reason == run.change_reason
    with pytest.raises(services.ImportRefused) as refusal:
        services.import_commit(run=run, user=officer)
    assert str(refusal.value.message) == "This import was already confirmed or discarded."


def test_all_or_nothing_refused_keeps_the_counts_of_the_second_check(officer, group):
    nazarova = factories.MemberFactory(group=group, surname="Nazarova", given_name="Shahlo",
                                       birth_year=1970, role="member")  # fmt: skip
    usmonova = factories.MemberFactory(group=group, surname="Usmonova", given_name="Gulnora",
                                       birth_year=1975, role="member")  # fmt: skip
    run = preview(
        officer,
        "SU-0001;Karimova;Zebo;F;1980;treasurer;01.03.2014;\r\n"
        "SU-0001;Rahimova;Malika;F;1985;leader;01.03.2014;\r\n"
        f"SU-0001;Nazarova;Shahlo;F;1970;deputy;{nazarova.joined_on:%d.%m.%Y};\r\n"
        f"SU-0001;Usmonova;Gulnora;F;1975;member;{usmonova.joined_on:%d.%m.%Y};\r\n",
    )
    assert (run.new_count, run.updated_count, run.unchanged_count, run.error_count) == (2, 1, 1, 0)
    # Meanwhile: Karimova is registered, the group gets a leader, Usmonova becomes deputy.
    karimova(group)
    factories.MemberFactory(group=group, surname="Salimova", given_name="Dilnoza", role="leader")
    Member.objects.filter(pk=usmonova.pk).update(role="deputy")
    before = list(Member.objects.order_by("pk").values())

    with pytest.raises(services.ImportRefused) as refusal:
        services.import_commit(run=run, user=officer, all_or_nothing=True)

    assert str(refusal.value.message) == (
        "Nothing was imported: 1 rows have errors (all or nothing)."
    )
    assert list(Member.objects.order_by("pk").values()) == before
    run.refresh_from_db()
    assert run.status == "previewed"
    assert (run.new_count, run.updated_count, run.unchanged_count, run.error_count) == (0, 3, 0, 1)
    assert statuses(run) == ["update", "error", "update", "update"]
    assert "Salimova Dilnoza" in run.results[1]["e"][0][1]


def test_a_database_refusal_is_logged_with_the_run_and_the_reason(officer, group, caplog):
    run = preview(officer, "SU-0001;Karimova;Zebo;F;1980;;01.03.2014;\r\n")

    def refuse(*args, **kwargs):
        raise IntegrityError("injected refusal")

    with (
        caplog.at_level(logging.WARNING, logger="imports.services"),
        mock.patch.object(services, "bulk_create_with_history", refuse),
        pytest.raises(services.ImportRefused),
    ):
        services.import_commit(run=run, user=officer)
    assert f"Import #{run.pk} refused by the database: injected refusal" in caplog.messages
    assert not group.members.exists()


def test_a_namesake_outside_the_area_does_not_stop_the_look_up_for_the_next_rows(officer, group):
    karimova(factories.GroupFactory(district=factories.district("Rasht")))
    factories.MemberFactory(group=factories.GroupFactory(), surname="Nazarova",
                            given_name="Shahlo", birth_year=1970)  # fmt: skip
    run = preview(
        officer,
        "SU-0001;Karimova;Zebo;F;1980;;01.03.2014;\r\n"
        "SU-0001;Nazarova;Shahlo;F;1970;;01.03.2014;\r\n",
    )
    assert run.results[0]["w"][0].startswith("Possible duplicate of a current member of a group")
    assert run.results[1]["w"][0].startswith(
        "Possible duplicate of an existing member: Nazarova Shahlo in group SU-0002."
    )


def test_the_preview_reads_the_groups_and_their_districts_at_once(
    officer, django_assert_num_queries
):
    groups = [factories.GroupFactory() for _ in range(3)]

    def rows(count: int) -> str:
        return "".join(
            f"{g.code};Karimova{i};Zebo;F;1980;;01.03.2014;\r\n"
            for i, g in enumerate(groups[:count])
        )

    preview(officer, rows(1))  # what is read once per process (choices, access) is read
    with CaptureQueriesContext(connection) as one:
        preview(officer, rows(1))
    with django_assert_num_queries(len(one.captured_queries)):
        preview(officer, rows(3))
