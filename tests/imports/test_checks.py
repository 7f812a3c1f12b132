"""What the preview says about each row, in the cell it concerns: new, update, unchanged or
error with the reason."""

import datetime

import pytest

from groups.models import SelfHelpGroup
from imports import services
from imports.models import ImportRun
from members.models import Member
from tests import factories
from tests.imports.conftest import upload

pytestmark = pytest.mark.django_db

MEMBER_HEAD = "Group;Surname;Given name;Sex;Birth year;Role;Joined;Left\r\n"
GROUP_HEAD = "Code;Name;District;Jamoat;Established;Status\r\n"


def preview(user, kind: str, text: str) -> ImportRun:
    head = MEMBER_HEAD if kind == "members" else GROUP_HEAD
    return services.import_preview(user=user, kind=kind, upload=upload("f.csv", head + text))


def errors_of(result: dict) -> dict:
    found: dict = {}
    for key, message in result.get("e", []):
        found.setdefault(key, []).append(message)
    return found


def test_it_finds_districts_by_any_name_in_any_language(officer):
    names = ["Devashtich", "Деваштич", "Ноҳияи Деваштич", "район Деваштич", "Ghonchi", "ghonchi",
             "DEVASHTICH district"]  # fmt: skip
    text = "".join(f";Group {i};{name};;01.03.2014;\r\n" for i, name in enumerate(names))
    run = preview(officer, "groups", text)
    assert [r["s"] for r in run.results] == ["new"] * len(names), run.results


def test_an_unknown_district_is_an_error_in_its_cell(officer):
    run = preview(officer, "groups", ";Group;Atlantis;;01.03.2014;\r\n")
    assert errors_of(run.results[0]) == {"district": ["Unknown district “Atlantis”."]}


def test_a_group_outside_the_officers_districts_is_an_error(officer):
    run = preview(officer, "groups", ";Far away;Rasht;;01.03.2014;\r\n;Near;Asht;;01.03.2014;\r\n")
    for result in run.results:
        assert errors_of(result) == {"district": ["This record is outside your districts."]}


def test_an_officer_cannot_move_a_group_out_of_or_into_her_districts(officer):
    asht = factories.GroupFactory(district=factories.district("Asht"))
    mine = factories.GroupFactory()
    run = preview(
        officer,
        "groups",
        f"{asht.code};{asht.name};Devashtich;;01.03.2012;\r\n"
        f"{mine.code};{mine.name};Asht;;01.03.2012;\r\n",
    )
    assert [r["s"] for r in run.results] == ["error", "error"]


def test_a_jamoat_must_be_in_the_district(officer):
    run = preview(
        officer,
        "groups",
        ";G;Devashtich;Yakhtan;01.03.2014;\r\n;H;Devashtich;Nowhere;01.03.2014;\r\n",
    )
    assert run.results[0]["s"] == "new"
    assert "There is no jamoat “Nowhere” in" in errors_of(run.results[1])["jamoat"][0]


def test_dates_are_read_as_dd_mm_yyyy_or_iso_and_refused_otherwise(officer):
    run = preview(
        officer,
        "groups",
        ";A;Devashtich;;01.03.2014;\r\n;B;Devashtich;;2014-03-01;\r\n;C;Devashtich;;03/32/2014;\r\n"
        f";D;Devashtich;;{(datetime.date.today() + datetime.timedelta(days=5)):%d.%m.%Y};\r\n",
    )
    assert [r["s"] for r in run.results] == ["new", "new", "error", "error"]
    assert "is not a date" in errors_of(run.results[2])["established_on"][0]
    assert "future" in errors_of(run.results[3])["established_on"][0]


def test_a_repeated_group_code_is_a_duplicate_of_the_first_row(officer):
    group = factories.GroupFactory()
    run = preview(
        officer,
        "groups",
        f"{group.code};Renamed;Devashtich;;01.03.2012;\r\n{group.code};Again;Devashtich;;01.03.2012;\r\n"
        ";New one;Devashtich;;01.03.2012;\r\n;New one;Devashtich;;01.03.2012;\r\n",
    )
    assert [r["s"] for r in run.results] == ["update", "error", "new", "error"]
    assert errors_of(run.results[1]) == {"code": ["Duplicate of row 2."]}
    assert errors_of(run.results[3]) == {"name": ["Duplicate of row 4."]}


def test_an_unknown_group_code_is_an_error(officer):
    run = preview(officer, "groups", "SU-9999;X;Devashtich;;01.03.2012;\r\n")
    assert "No group has the code SU-9999" in errors_of(run.results[0])["code"][0]


def test_a_group_row_that_matches_the_record_is_unchanged(officer):
    group = factories.GroupFactory(name="Guli")
    run = preview(officer, "groups", f"{group.code};Guli;Devashtich;;01.03.2012;active\r\n")
    assert run.results[0]["s"] == "unchanged"


def test_a_changed_group_is_an_update_listing_the_changes(officer):
    group = factories.GroupFactory(name="Guli")
    run = preview(officer, "groups", f"{group.code};Gulistan;Devashtich;;01.03.2012;\r\n")
    assert run.results[0]["s"] == "update"
    assert run.results[0]["c"] == [["name", "Guli", "Gulistan"]]


def test_a_man_cannot_be_the_leader(officer, group):
    run = preview(officer, "members", "SU-0001;Karimov;Zafar;M;1980;leader;01.03.2014;\r\n")
    assert errors_of(run.results[0]) == {
        "role": ["Self-help groups are led by women: a man cannot be the leader."]
    }


def test_two_leaders_in_the_file_are_both_errors(officer, group):
    run = preview(
        officer,
        "members",
        "SU-0001;Karimova;Zebo;F;1980;leader;01.03.2014;\r\n"
        "SU-0001;Nazarova;Shahlo;F;1981;leader;01.03.2014;\r\n",
    )
    assert [r["s"] for r in run.results] == ["error", "error"]
    assert errors_of(run.results[0]) == {"role": ["Two leaders for one group: rows 2, 3."]}


def test_a_second_leader_next_to_the_current_one_is_an_error(officer, group):
    factories.MemberFactory(group=group, surname="Nazarova", given_name="Shahlo", role="leader")
    run = preview(officer, "members", "SU-0001;Karimova;Zebo;F;1980;leader;01.03.2014;\r\n")
    assert "already has a current leader (Nazarova Shahlo)" in errors_of(run.results[0])["role"][0]


def test_the_leader_can_change_hands_in_one_file(officer, group):
    factories.MemberFactory(
        group=group, surname="Nazarova", given_name="Shahlo", role="leader", birth_year=1970
    )
    run = preview(
        officer,
        "members",
        "SU-0001;Nazarova;Shahlo;F;1970;member;01.03.2012;\r\n"
        "SU-0001;Karimova;Zebo;F;1980;leader;01.03.2014;\r\n",
    )
    assert [r["s"] for r in run.results] == ["update", "new"]
    services.import_commit(run=run, user=officer)
    assert Member.objects.get(role="leader").surname == "Karimova"


def test_leaving_before_joining_is_an_error(officer, group):
    run = preview(officer, "members", "SU-0001;Karimova;Zebo;F;1980;;01.03.2014;01.02.2014\r\n")
    assert errors_of(run.results[0]) == {
        "left_on": ["A member cannot leave before the date they joined."]
    }


def test_a_member_of_another_district_is_outside_your_districts(officer):
    factories.GroupFactory()  # SU-0001, Devashtich
    asht = factories.GroupFactory(district=factories.district("Asht"))
    run = preview(officer, "members", f"{asht.code};Karimova;Zebo;F;1980;;01.03.2014;\r\n")
    assert errors_of(run.results[0]) == {"group": ["This record is outside your districts."]}


def test_the_same_person_twice_is_a_duplicate_of_the_first_row(officer, group):
    run = preview(
        officer,
        "members",
        "SU-0001;Karimova;Zebo;F;1980;;01.03.2014;\r\nSU-0001;Каримова;Зебо;F;1980;;01.03.2014;\r\n",
    )
    assert [r["s"] for r in run.results] == ["new", "error"]
    assert errors_of(run.results[1]) == {"": ["Duplicate of row 2."]}


def test_a_member_is_matched_by_group_name_and_birth_year(officer, group):
    member = factories.MemberFactory(group=group, surname="Karimova", given_name="Zebo",
                                     birth_year=1980, role="member")  # fmt: skip
    run = preview(
        officer,
        "members",
        "SU-0001;Karimova;Zebo;F;1980;treasurer;01.03.2012;\r\n"
        "SU-0001;Karimova;Zebo;F;1995;;01.03.2014;\r\n",
    )
    assert [r["s"] for r in run.results] == ["update", "new"]
    services.import_commit(run=run, user=officer)
    member.refresh_from_db()
    assert member.role == "treasurer"
    assert Member.objects.filter(surname="Karimova").count() == 2


def test_a_possible_duplicate_in_another_group_needs_confirming(officer, group):
    other = factories.GroupFactory()
    factories.MemberFactory(group=other, surname="Karimova", given_name="Zebo", birth_year=1980)
    run = preview(officer, "members", "SU-0001;Karimova;Zebo;F;1980;;01.03.2014;\r\n")
    assert run.results[0]["s"] == "new"
    assert "Possible duplicate of an existing member: Karimova Zebo" in run.results[0]["w"][0]
    services.import_commit(run=run, user=officer)
    assert not group.members.exists()

    run = preview(officer, "members", "SU-0001;Karimova;Zebo;F;1980;;01.03.2014;\r\n")
    services.import_commit(run=run, user=officer, accept_duplicates=True)
    assert group.members.get().surname == "Karimova"


def test_a_new_member_of_a_dissolved_group_is_an_error(officer):
    group = factories.GroupFactory(status="dissolved", dissolved_on=datetime.date(2015, 1, 1))
    run = preview(officer, "members", f"{group.code};Karimova;Zebo;F;1980;;01.03.2014;\r\n")
    assert errors_of(run.results[0]) == {"group": ["This group is dissolved."]}


def test_sex_is_read_in_three_languages(officer, group):
    values = ["F", "M", "Ж", "М", "З", "зан", "мард", "female", "женский", "x"]
    text = "".join(f"SU-0001;Name{i};Given;{v};1980;;01.03.2014;\r\n" for i, v in enumerate(values))
    run = preview(officer, "members", text)
    assert [r["s"] for r in run.results] == ["new"] * 9 + ["error"]
    services.import_commit(run=run, user=officer)
    sexes = dict(Member.objects.values_list("surname", "sex"))
    assert [sexes[f"Name{i}"] for i in range(9)] == list("FMFMFFMFF")


def test_a_birth_year_outside_14_to_100_years_is_an_error(officer, group):
    run = preview(officer, "members", "SU-0001;Karimova;Zebo;F;1800;;01.03.2014;\r\n")
    assert "between 14 and 100 years old" in errors_of(run.results[0])["birth_year"][0]


def test_a_name_that_is_too_long_is_an_error_in_its_cell(officer, group):
    run = preview(officer, "members", f"SU-0001;{'x' * 81};Zebo;F;1980;;01.03.2014;\r\n")
    assert list(errors_of(run.results[0])) == ["surname"]


def test_preview_writes_nothing_but_the_run(officer, group):
    before = (SelfHelpGroup.objects.count(), Member.objects.count())
    preview(officer, "members", "SU-0001;Karimova;Zebo;F;1980;;01.03.2014;\r\n")
    preview(officer, "groups", ";New;Devashtich;;01.03.2014;\r\n")
    assert (SelfHelpGroup.objects.count(), Member.objects.count()) == before
    assert ImportRun.objects.filter(status="previewed").count() == 2


def test_an_empty_cell_leaves_the_records_value_as_it_is(officer, group):
    member = factories.MemberFactory(group=group, surname="Karimova", given_name="Zebo",
                                     birth_year=1980, phone="+992 92 000 1111",
                                     patronymic="Saidovna", skills="sewing")  # fmt: skip
    text = (
        "Group;Surname;Given name;Patronymic;Phone;Skills;Sex;Joined;Role\r\n"
        "SU-0001;Karimova;Zebo;;;;;;deputy\r\n"
    )
    run = services.import_preview(user=officer, kind="members", upload=upload("f.csv", text))
    assert run.results[0]["s"] == "update"
    assert run.results[0]["c"] == [["role", "member", "deputy"]]
    services.import_commit(run=run, user=officer)
    member.refresh_from_db()
    assert (member.role, member.phone, member.patronymic, member.skills) == (
        "deputy",
        "+992920001111",
        "Saidovna",
        "sewing",
    )


def test_a_new_row_needs_the_required_cells(officer, group):
    run = preview(officer, "members", "SU-0001;Karimova;Zebo;;;;;\r\n")
    assert set(errors_of(run.results[0])) == {"sex", "joined_on"}
    run = preview(officer, "groups", ";;Devashtich;;;\r\n")
    assert set(errors_of(run.results[0])) == {"name", "established_on"}


def test_namesakes_in_one_group_are_told_apart_by_birth_year_and_the_other_values(officer, group):
    first = factories.MemberFactory(group=group, surname="Ismoilzoda", given_name="Gulbahor",
                                    birth_year=None, role="leader")  # fmt: skip
    second = factories.MemberFactory(group=group, surname="Ismoilzoda", given_name="Gulbahor",
                                     birth_year=1979, role="deputy")  # fmt: skip
    run = preview(
        officer,
        "members",
        "SU-0001;Ismoilzoda;Gulbahor;F;;leader;01.03.2012;\r\n"
        "SU-0001;Ismoilzoda;Gulbahor;F;1979;treasurer;01.03.2012;\r\n",
    )
    assert [r["s"] for r in run.results] == ["unchanged", "update"], run.results
    services.import_commit(run=run, user=officer)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.role, second.role) == ("leader", "treasurer")
