"""imports.services, exactly: the preview's messages word for word and in the cell they
concern, the changes it lists, activities, discarding, and what committing writes.

Written against the survivors of `make mutation` in imports/services.py (docs/testing.md)."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from groups.models import ActivityType, SelfHelpGroup
from imports import services
from imports.models import ImportRun
from members.models import Member
from tests import factories
from tests.imports.conftest import upload

pytestmark = pytest.mark.django_db

MEMBER_HEAD = "Group;Surname;Given name;Sex;Birth year;Role;Joined;Left\r\n"
GROUP_HEAD = "Code;Name;District;Established;Activities\r\n"


def preview(user, kind: str, text: str, head: str | None = None) -> ImportRun:
    head = head if head is not None else (MEMBER_HEAD if kind == "members" else GROUP_HEAD)
    return services.import_preview(user=user, kind=kind, upload=upload("f.csv", head + text))


def errors_of(result: dict) -> dict:
    found: dict = {}
    for key, message in result.get("e", []):
        found.setdefault(key, []).append(message)
    return found


# Activities


def test_activities_are_read_from_a_list_separated_by_semicolons_commas_or_lines(officer):
    run = preview(
        officer,
        "groups",
        ';A;Devashtich;01.03.2014;"Dairy processing, Beekeeping;\nLemon cultivation; ;"\r\n',
    )

    (result,) = run.results
    assert result["s"] == "new" and "e" not in result
    services.import_commit(run=run, user=officer)
    group = SelfHelpGroup.objects.get(name="A")
    assert sorted(a.name for a in group.activities.all()) == [
        "Beekeeping",
        "Dairy processing",
        "Lemon cultivation",
    ]


def test_an_unknown_activity_is_named_in_its_cell(officer):
    run = preview(
        officer, "groups", ';A;Devashtich;01.03.2014;"Dairy processing; Space tourism  "\r\n'
    )

    assert errors_of(run.results[0]) == {"activities": ["Unknown activity type “Space tourism”."]}


def test_changed_activities_are_listed_old_and_new_by_name(officer):
    group = factories.GroupFactory(name="Guli", established_on=datetime.date(2012, 3, 1))
    group.activities.set(ActivityType.objects.filter(name__in=["Dairy processing", "Beekeeping"]))

    run = preview(
        officer, "groups", f"{group.code};Guli;Devashtich;01.03.2012;Lemon cultivation\r\n"
    )

    assert run.results[0]["s"] == "update"
    assert run.results[0]["c"] == [
        ["Activities", "Beekeeping, Dairy processing", "Lemon cultivation"]
    ]


def test_activities_given_to_a_group_that_had_none_are_listed_from_a_dash(officer):
    group = factories.GroupFactory(name="Guli")

    run = preview(
        officer, "groups", f"{group.code};Guli;Devashtich;01.03.2012;Dairy processing\r\n"
    )

    assert run.results[0]["c"] == [["Activities", "—", "Dairy processing"]]


def test_activity_names_of_unknown_records_show_their_id():
    dairy = ActivityType.objects.get(name="Dairy processing")
    lookup = services.name_lookup(ActivityType.objects.filter(pk=dairy.pk))

    assert services._activity_names({dairy.pk, 999999}, lookup) == "#999999, Dairy processing"
    assert services._activity_names(set(), lookup) == "—"


# Model errors in their cells


def test_a_model_error_on_a_column_of_the_file_is_in_its_cell(officer, group):
    run = preview(officer, "members", f"{group.code};{'K' * 200};Zebo;F;1980;;01.03.2014;\r\n")

    errors = errors_of(run.results[0])
    limit = Member._meta.get_field("surname").max_length
    assert list(errors) == ["surname"]
    assert errors["surname"] == [f"Ensure this value has at most {limit} characters (it has 200)."]


def test_a_model_error_on_a_field_the_file_has_no_column_for_is_on_the_row():
    checker = services.GroupChecker(factories.UserFactory(is_staff=True), {"name": 0}, [["A"]])
    result = services.RowResult(number=2)

    checker.add_errors(
        result, ValidationError({"name": ["Too short.", "Odd."], "village": ["Needed."]})
    )
    checker.add_errors(result, ValidationError(["First.", "Second."]))

    assert result.errors == [
        ("name", "Too short."),
        ("name", "Odd."),
        ("", "Needed."),
        ("", "First."),
        ("", "Second."),
    ]


# Discarding


def test_discarding_forgets_the_rows_and_a_second_discard_is_refused(officer, group):
    run = preview(officer, "members", f"{group.code};Karimova;Zebo;F;1980;;01.03.2014;\r\n")

    discarded = services.import_discard(run=run)

    stored = ImportRun.objects.get(pk=run.pk)
    assert (discarded.status, stored.status) == ("discarded", "discarded")
    assert stored.rows == [] and stored.finished_at is not None
    with pytest.raises(services.ImportRefused) as caught:
        services.import_discard(run=run)
    assert caught.value.message == "This import was already confirmed or discarded."
    assert str(caught.value) == "This import was already confirmed or discarded."


def test_a_committed_run_cannot_be_discarded(officer, group):
    run = preview(officer, "members", f"{group.code};Karimova;Zebo;F;1980;;01.03.2014;\r\n")
    services.import_commit(run=run, user=officer)

    with pytest.raises(services.ImportRefused, match="already confirmed or discarded"):
        services.import_discard(run=run)
    assert ImportRun.objects.get(pk=run.pk).status == "committed"


# Members: the rows of the file


def test_a_blank_line_keeps_the_row_numbers_and_the_rows_after_it_are_checked(officer, group):
    run = preview(
        officer,
        "members",
        f"{group.code};Karimova;Zebo;F;1980;;01.03.2014;\r\n"
        ";;;;;;;\r\n"
        f"{group.code};Nazarova;Shahlo;F;1975;;01.03.2014;\r\n",
    )

    assert [(r["n"], r["s"]) for r in run.results] == [(2, "new"), (4, "new")]


def test_one_name_column_is_split_into_surname_and_given_names(officer, group):
    head = "Group;Name;Sex;Birth year;Joined\r\n"
    run = preview(
        officer, "members", f"{group.code};Karimova Zebo Saidovna;F;1980;01.03.2014\r\n", head
    )

    assert run.results[0]["s"] == "new" and run.results[0]["l"] == "Karimova Zebo Saidovna"
    services.import_commit(run=run, user=officer)
    member = Member.objects.get()
    assert (member.surname, member.given_name) == ("Karimova", "Zebo Saidovna")


def test_a_name_column_beside_surname_and_given_name_columns_is_not_split(officer, group):
    head = "Group;Name;Surname;Given name;Sex;Joined\r\n"
    run = preview(officer, "members", f"{group.code};X Y;Karimova;Zebo;F;01.03.2014\r\n", head)

    services.import_commit(run=run, user=officer)
    member = Member.objects.get()
    assert (member.surname, member.given_name) == ("Karimova", "Zebo")


def test_an_exported_name_keeps_the_records_own_split(officer, group):
    """The export writes "surname given name" in one column: a surname of two words comes
    back as it was stored, not split at the first space."""
    member = factories.MemberFactory(
        group=group, surname="Abdullo Zoda", given_name="Zebo", birth_year=1980
    )
    head = "Group;Name;Sex;Birth year;Joined;Role\r\n"
    run = preview(
        officer, "members", f"{group.code};Abdullo Zoda Zebo;F;1980;01.03.2012;deputy\r\n", head
    )

    assert run.results[0]["s"] == "update", run.results
    services.import_commit(run=run, user=officer)
    member.refresh_from_db()
    assert (member.surname, member.given_name, member.role) == ("Abdullo Zoda", "Zebo", "deputy")


def test_a_row_without_a_group_code_says_so(officer, group):
    run = preview(officer, "members", ";Karimova;Zebo;F;1980;;01.03.2014;\r\n")

    assert errors_of(run.results[0]) == {"group": ["Give the group's registry code."]}


def test_a_file_without_a_group_column_is_refused(officer):
    from imports.reader import ImportFileError

    with pytest.raises(ImportFileError):
        preview(officer, "members", "Karimova;Zebo;F\r\n", "Surname;Given name;Sex\r\n")


def test_the_same_existing_member_twice_is_a_duplicate_of_the_first_row(officer, group):
    factories.MemberFactory(group=group, surname="Nazarova", given_name="Shahlo", birth_year=1970)
    row = f"{group.code};Nazarova;Shahlo;F;1970;deputy;01.03.2012;\r\n"

    run = preview(officer, "members", row + row)

    assert [r["s"] for r in run.results] == ["update", "error"]
    assert errors_of(run.results[1]) == {"": ["Duplicate of row 2."]}


def test_new_people_with_the_same_name_but_other_given_names_are_not_duplicates(officer, group):
    run = preview(
        officer,
        "members",
        f"{group.code};Karimova;Zebo;F;1980;;01.03.2014;\r\n"
        f"{group.code};Karimova;Lola;F;1980;;01.03.2014;\r\n"
        f"{group.code};Karimova;Zebo;F;1980;;01.03.2014;\r\n",
    )

    assert [r["s"] for r in run.results] == ["new", "new", "error"]
    assert errors_of(run.results[2]) == {"": ["Duplicate of row 2."]}


def test_a_former_leader_is_no_obstacle_to_a_new_leader(officer, group):
    factories.MemberFactory(
        group=group, surname="Old", role="leader", left_on=datetime.date(2015, 1, 1)
    )
    factories.MemberFactory(group=group, surname="Plain", role="member")

    run = preview(officer, "members", f"{group.code};Karimova;Zebo;F;1980;leader;01.03.2014;\r\n")

    assert run.results[0]["s"] == "new", run.results


def test_an_unknown_jamoat_is_named_in_full(officer):
    long_name = "N" * 70
    run = preview(
        officer,
        "groups",
        f";G;Devashtich;{long_name};01.03.2014\r\n",
        "Code;Name;District;Jamoat;Established\r\n",
    )

    assert errors_of(run.results[0]) == {
        "jamoat": [f"There is no jamoat “{'N' * 60}” in Devashtich."]
    }


def test_an_unknown_activity_is_quoted_up_to_60_characters(officer):
    run = preview(officer, "groups", f";A;Devashtich;01.03.2014;{'Q' * 70}\r\n")

    assert errors_of(run.results[0]) == {"activities": [f"Unknown activity type “{'Q' * 60}”."]}
