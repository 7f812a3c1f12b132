"""What the preview says about a row, word for word and in the cell it concerns: empty
required cells, districts that cannot be found, a group moved between districts, rows of
another district's members, rules on existing members, and numbers from another system.

Written against the survivors of `make mutation` in imports/services.py (the checkers)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from groups.models import SelfHelpGroup
from imports import services
from imports.models import ImportRun
from members.models import Member
from tests import factories
from tests.imports.conftest import upload

pytestmark = pytest.mark.django_db

GROUP_HEAD = "Code;Name;District;Established\r\n"


def preview(user, kind: str, text: str) -> ImportRun:
    return services.import_preview(user=user, kind=kind, upload=upload("f.csv", text))


def errors_of(result: dict) -> dict:
    found: dict = {}
    for key, message in result.get("e", []):
        found.setdefault(key, []).append(message)
    return found


# Required cells


def test_empty_required_cells_of_a_member_say_they_cannot_be_empty(officer, group):
    run = preview(
        officer, "members", "Group;Surname;Given name;Sex;Joined\r\nSU-0001;Karimova;Zebo;;\r\n"
    )

    assert run.results[0]["s"] == "error"
    assert errors_of(run.results[0]) == {
        "sex": ["This cell cannot be empty."],
        "joined_on": ["This cell cannot be empty."],
    }


# Districts


def test_an_unknown_district_is_quoted_up_to_60_characters(officer):
    name = "Atlantis " + "x" * 70
    run = preview(officer, "groups", GROUP_HEAD + f";New;{name};01.03.2014\r\n")

    assert errors_of(run.results[0]) == {"district": [f"Unknown district “{name[:60]}”."]}


def test_a_group_moved_to_another_district_lists_the_old_and_new_district():
    officer = factories.field_officer("Devashtich", "Asht", username="two-districts")
    group = factories.GroupFactory(name="Guli")

    run = preview(officer, "groups", GROUP_HEAD + f"{group.code};Guli;Asht;01.03.2012\r\n")

    (result,) = run.results
    assert result["s"] == "update" and "e" not in result
    assert result["c"] == [["district", "Devashtich", "Asht"]]
    services.import_commit(run=run, user=officer)
    group.refresh_from_db()
    assert group.district.name == "Asht"


# Members


def test_personal_cells_of_a_member_whose_personal_data_is_hidden_are_ignored(officer):
    """An officer of Devashtich reads Asht's registry without its personal data: the personal
    cells of her file say nothing about those members, so the row matches and is unchanged."""
    asht = factories.GroupFactory(district=factories.district("Asht"))
    factories.MemberFactory(group=asht, surname="Karimova", given_name="Zebo",
                            patronymic="Saidovna", birth_year=1980, phone="+992 92 000 1111",
                            role="member")  # fmt: skip

    run = preview(
        officer,
        "members",
        "Group;Surname;Given name;Patronymic;Birth year;Phone;Sex;Joined;Role\r\n"
        f"{asht.code};Karimova;Zebo;Alievna;1975;92 111 2233;F;01.03.2012;member\r\n",
    )

    (result,) = run.results
    assert result["s"] == "unchanged", result
    assert "e" not in result and "c" not in result


def test_a_change_to_an_existing_member_is_checked_against_the_rules(officer, group):
    member = factories.MemberFactory(group=group, surname="Karimova", given_name="Zebo",
                                     birth_year=1980)  # fmt: skip

    run = preview(
        officer,
        "members",
        "Group;Surname;Given name;Birth year;Sex;Joined;Left\r\n"
        "SU-0001;Karimova;Zebo;1980;F;01.03.2012;01.01.2010\r\n",
    )

    (result,) = run.results
    assert result["s"] == "error"
    assert errors_of(result) == {"left_on": ["A member cannot leave before the date they joined."]}
    services.import_commit(run=run, user=officer)
    member.refresh_from_db()
    assert member.left_on is None


def test_a_phone_number_sent_as_a_decimal_number_is_imported(officer, group):
    """Another system (KoboToolbox) may send a number as 921234567.0."""
    run, skipped = services.import_rows(
        user=officer,
        kind="members",
        headers=["Group", "Surname", "Given name", "Sex", "Joined", "Phone"],
        rows=[["SU-0001", "Karimova", "Zebo", "F", "01.03.2014", 921234567.0]],
        source_ids=["uuid-1"],
        file_name="kobo",
    )
    assert skipped == 0
    assert [r["s"] for r in run.results] == ["new"]

    services.import_commit(run=run, user=officer)

    assert Member.objects.get().phone == "+992921234567"


# Checking a row costs no query of its own


def _queries_for_preview(user, text: str) -> int:
    with CaptureQueriesContext(connection) as context:
        preview(user, "groups", GROUP_HEAD + text)
    return len(context.captured_queries)


def test_previewing_more_new_groups_takes_no_more_queries(officer):
    def rows(count):
        return "".join(f";New {n};Devashtich;01.03.2014\r\n" for n in range(count))

    _queries_for_preview(officer, rows(1))  # caches filled once per process

    assert _queries_for_preview(officer, rows(1)) == _queries_for_preview(officer, rows(3))


def test_previewing_more_changed_groups_last_changed_by_someone_takes_no_more_queries(officer):
    groups = [factories.GroupFactory(updated_by=officer) for _n in range(3)]
    assert all(g.updated_by_id == officer.pk for g in SelfHelpGroup.objects.all())

    def rows(groups):
        return "".join(f"{g.code};Renamed {g.pk};Devashtich;01.03.2012\r\n" for g in groups)

    _queries_for_preview(officer, rows(groups))  # caches filled once per process

    assert _queries_for_preview(officer, rows(groups[:1])) == _queries_for_preview(
        officer, rows(groups)
    )
