"""The groups import, exactly: how districts, jamoats and activities are found, what the
preview says of each row (status, the error word for word in its cell, the label) and what
committing writes.

Written against the survivors of `make mutation` in imports/services.py (GroupChecker,
district_lookup, name_lookup, _place_key, _write_groups)."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from groups.models import ActivityType, District, Jamoat, Province, SelfHelpGroup
from imports import services
from imports.models import ImportRun
from rmp_portal.core.text import search_key
from tests import factories
from tests.imports.conftest import upload

pytestmark = pytest.mark.django_db

HEAD = "Code;Name;District;Jamoat;Established;Status;Activities\r\n"


def preview(user, text: str, head: str = HEAD) -> ImportRun:
    return services.import_preview(user=user, kind="groups", upload=upload("g.csv", head + text))


def errors_of(result: dict) -> dict:
    found: dict = {}
    for key, message in result.get("e", []):
        found.setdefault(key, []).append(message)
    return found


def devashtich() -> District:
    return District.objects.get(name="Devashtich")


def yakhtan() -> Jamoat:
    return Jamoat.objects.get(district__name="Devashtich", name="Yakhtan")


# Districts: every way one is written


def test_a_district_is_found_by_any_of_its_former_names_with_or_without_place_words(officer):
    District.objects.filter(name="Devashtich").update(
        former_names="Ghonchi (until 2016); Shahri Kalinin Kolkhoz"
    )

    run = preview(
        officer,
        ";A;Kalinin Kolkhoz;;01.03.2014;;\r\n"
        ";B;Kalinin Kolkhoz District;;01.03.2014;;\r\n"
        ";C;Shahri Kalinin Kolkhoz;;01.03.2014;;\r\n",
    )

    assert [(r["s"], errors_of(r)) for r in run.results] == [("new", {})] * 3
    services.import_commit(run=run, user=officer)
    assert {g.district.name for g in SelfHelpGroup.objects.all()} == {"Devashtich"}


def test_a_district_with_a_blank_name_in_one_language_is_found_by_its_other_names(officer):
    District.objects.filter(name="Devashtich").update(name_ru="")

    run = preview(officer, ";A;Ghonchi;;01.03.2014;;\r\n;B;Ноҳияи Деваштич;;01.03.2014;;\r\n")

    assert [(r["s"], errors_of(r)) for r in run.results] == [("new", {})] * 2


def test_a_made_up_district_is_unknown_in_its_cell(officer):
    run = preview(officer, ";A;Xxxx;;01.03.2014;;\r\n")

    assert run.results[0]["s"] == "error"
    assert errors_of(run.results[0]) == {"district": ["Unknown district “Xxxx”."]}


def test_a_name_two_districts_share_is_an_error_naming_it(officer):
    rasht = Province.objects.get(code="RA")
    District.objects.create(province=rasht, name="Testobod", former_names="Ghonchi")

    run = preview(officer, ";A;Ghonchi;;01.03.2014;;\r\n")

    assert errors_of(run.results[0]) == {"district": ["“Ghonchi” names more than one district."]}


def test_a_long_name_two_districts_share_is_cut_to_60_characters(officer):
    long_name = " ".join(["Bolshevik"] * 8)  # 79 characters
    District.objects.filter(name="Devashtich").update(former_names=long_name)
    District.objects.create(
        province=Province.objects.get(code="RA"), name="Testobod", former_names=long_name
    )

    run = preview(officer, f";A;{long_name};;01.03.2014;;\r\n")

    assert errors_of(run.results[0]) == {
        "district": [f"“{long_name[:60]}” names more than one district."]
    }


def test_a_new_group_needs_a_district(officer):
    run = preview(officer, ";A;;;01.03.2014;;\r\n")

    assert run.results[0]["s"] == "error"
    assert errors_of(run.results[0]) == {"district": ["Give the district."]}


def test_an_empty_district_cell_keeps_the_group_where_it_is(officer):
    group = factories.GroupFactory(name="Guli")

    run = preview(officer, f"{group.code};Guli;;;01.03.2012;active;\r\n")

    assert (run.results[0]["s"], errors_of(run.results[0])) == ("unchanged", {})


def test_an_empty_district_cell_still_finds_the_jamoat_in_the_groups_district(officer):
    group = factories.GroupFactory(name="Guli")

    run = preview(officer, f"{group.code};Guli;;Yakhtan;01.03.2012;active;\r\n")

    (result,) = run.results
    assert (result["s"], errors_of(result)) == ("update", {})
    assert result["c"] == [["jamoat", "—", "Yakhtan"]]
    services.import_commit(run=run, user=officer)
    group.refresh_from_db()
    assert (group.district, group.jamoat) == (devashtich(), yakhtan())


# Jamoats


def test_a_jamoat_is_found_without_the_word_jamoat(officer):
    kalinin = Jamoat.objects.create(district=devashtich(), name="Jamoati Kalinin Kolkhoz")

    run = preview(officer, ";A;Devashtich;Kalinin Kolkhoz;01.03.2014;;\r\n")

    assert (run.results[0]["s"], errors_of(run.results[0])) == ("new", {})
    services.import_commit(run=run, user=officer)
    assert SelfHelpGroup.objects.get(name="A").jamoat == kalinin


def test_a_jamoat_name_two_jamoats_share_is_an_error(officer):
    Jamoat.objects.create(district=devashtich(), name="Yakhtan Bolo", name_tg="Яхтан")

    run = preview(officer, ";A;Devashtich;Яхтан;01.03.2014;;\r\n")

    assert run.results[0]["s"] == "error"
    assert errors_of(run.results[0]) == {"jamoat": ["There is no jamoat “Яхтан” in Devashtich."]}


def test_a_jamoat_in_a_district_without_jamoats_is_an_error(officer):
    District.objects.create(province=Province.objects.get(code="SU"), name="Testobod")

    run = preview(officer, ";A;Testobod;Yakhtan;01.03.2014;;\r\n")

    assert errors_of(run.results[0]) == {"jamoat": ["There is no jamoat “Yakhtan” in Testobod."]}


def test_a_jamoat_beside_an_unknown_district_is_not_looked_up(officer):
    group = factories.GroupFactory(name="Guli")

    run = preview(
        officer,
        f";A;Nowhere;Yakhtan;01.03.2014;;\r\n{group.code};Guli;Nowhere;Yakhtan;01.03.2012;;\r\n",
    )

    assert [errors_of(r) for r in run.results] == [
        {"district": ["Unknown district “Nowhere”."]}
    ] * 2


def test_a_jamoat_given_to_an_existing_group_is_an_update(officer):
    group = factories.GroupFactory(name="Guli")

    run = preview(officer, f"{group.code};Guli;Devashtich;Yakhtan;01.03.2012;active;\r\n")

    assert run.results[0]["s"] == "update"
    assert run.results[0]["c"] == [["jamoat", "—", "Yakhtan"]]


def test_an_empty_jamoat_cell_keeps_the_groups_jamoat(officer):
    group = factories.GroupFactory(name="Guli", jamoat=yakhtan())

    run = preview(officer, f"{group.code};Guli;Devashtich;;01.03.2012;active;\r\n")

    assert (run.results[0]["s"], errors_of(run.results[0])) == ("unchanged", {})


# Activities


def test_activities_are_found_by_their_names_with_or_without_place_words(officer):
    tours = ActivityType.objects.create(name="City tours")
    crafts = ActivityType.objects.create(name="City carpet repair")

    run = preview(
        officer,
        ";A;Devashtich;;01.03.2014;;City tours\r\n;B;Devashtich;;01.03.2014;;Carpet repair\r\n",
    )

    assert [(r["s"], errors_of(r)) for r in run.results] == [("new", {})] * 2
    services.import_commit(run=run, user=officer)
    assert list(SelfHelpGroup.objects.get(name="A").activities.all()) == [tours]
    assert list(SelfHelpGroup.objects.get(name="B").activities.all()) == [crafts]


def test_a_made_up_activity_is_unknown_even_beside_activities_named_in_one_language(officer):
    ActivityType.objects.create(name="City tours")

    run = preview(officer, ";A;Devashtich;;01.03.2014;;Xxxx\r\n")

    assert errors_of(run.results[0]) == {"activities": ["Unknown activity type “Xxxx”."]}


def test_new_activities_are_listed_by_name_in_order(officer):
    group = factories.GroupFactory(name="Guli")

    run = preview(
        officer,
        f'{group.code};Guli;Devashtich;;01.03.2012;active;"Dairy processing, Beekeeping"\r\n',
    )

    assert run.results[0]["c"] == [["Activities", "—", "Beekeeping, Dairy processing"]]


def test_a_cell_of_separators_only_clears_the_activities(officer):
    group = factories.GroupFactory(name="Guli")
    group.activities.set(ActivityType.objects.filter(name="Dairy processing"))

    run = preview(officer, f'{group.code};Guli;Devashtich;;01.03.2012;active;";"\r\n')

    assert run.results[0]["s"] == "update"
    assert run.results[0]["c"] == [["Activities", "Dairy processing", "—"]]
    services.import_commit(run=run, user=officer)
    assert not group.activities.exists()


def test_an_empty_activities_cell_keeps_the_groups_activities(officer):
    group = factories.GroupFactory(name="Guli")
    group.activities.set(ActivityType.objects.filter(name="Dairy processing"))

    run = preview(officer, f"{group.code};Guli;Devashtich;;01.03.2012;active;\r\n")

    assert (run.results[0]["s"], errors_of(run.results[0])) == ("unchanged", {})


# Codes, rows and labels


def test_an_unknown_code_is_named_cut_to_20_characters(officer):
    run = preview(officer, "abcdefghijklmnopqrstuvwxyz;A;Devashtich;;01.03.2014;;\r\n")

    assert run.results[0]["s"] == "error"
    assert errors_of(run.results[0]) == {
        "code": [
            "No group has the code ABCDEFGHIJKLMNOPQRST. Leave the code empty for a new group."
        ]
    }


def test_a_blank_line_keeps_the_row_numbers_and_the_rows_after_it_are_checked(officer):
    run = preview(
        officer, ";A;Devashtich;;01.03.2014;;\r\n;;;;;;\r\n;B;Devashtich;;01.03.2014;;\r\n"
    )

    assert [(r["n"], r["s"], r["l"]) for r in run.results] == [(2, "new", "A"), (4, "new", "B")]


def test_a_row_is_labelled_by_its_code_or_for_a_new_group_its_name(officer):
    group = factories.GroupFactory(name="Guli")

    run = preview(
        officer,
        f"{group.code.lower()};Guli;Devashtich;;01.03.2012;active;\r\n"
        ";New one;Devashtich;;01.03.2014;;\r\n",
    )

    assert [(r["s"], r["l"]) for r in run.results] == [
        ("unchanged", group.code),
        ("new", "New one"),
    ]


def test_a_row_whose_name_cannot_be_read_has_an_empty_label(officer):
    book = Workbook()
    sheet = book.active
    sheet.append(["Code", "Name", "District", "Established"])
    sheet.append([None, "=1+1", "Devashtich", "01.03.2014"])
    data = io.BytesIO()
    book.save(data)

    run = services.import_preview(
        user=officer, kind="groups", upload=upload("g.xlsx", data.getvalue())
    )

    (result,) = run.results
    assert result["s"] == "error" and result["l"] == ""
    assert list(errors_of(result)) == ["name"]


# The model's checks


def test_a_valid_new_group_is_new_without_any_error(officer):
    run = preview(officer, ";A;Devashtich;Yakhtan;01.03.2014;active;Beekeeping\r\n")

    assert run.results[0]["s"] == "new" and "e" not in run.results[0]


def test_every_problem_of_an_existing_groups_row_is_listed(officer):
    group = factories.GroupFactory(name="Guli")

    run = preview(officer, f"{group.code};{'N' * 200};Devashtich;;31.02.2012;active;\r\n")

    errors = errors_of(run.results[0])
    assert run.results[0]["s"] == "error"
    assert list(errors) == ["established_on", "name"]
    assert errors["name"] == ["Ensure this value has at most 150 characters (it has 200)."]


def test_a_name_too_long_and_a_date_in_the_future_are_both_errors(officer):
    group = factories.GroupFactory(name="Guli")

    run = preview(officer, f"{group.code};{'N' * 200};Devashtich;;01.03.2099;active;\r\n")

    assert errors_of(run.results[0]) == {
        "name": ["Ensure this value has at most 150 characters (it has 200)."],
        "established_on": ["The date a group was established cannot be in the future."],
    }


def test_an_unreadable_date_leaves_the_rules_between_dates_unchecked(officer):
    group = factories.GroupFactory(name="Guli")

    run = preview(officer, f"{group.code};Guli;Devashtich;;31.02.2012;dissolved;\r\n")

    assert run.results[0]["s"] == "error"
    assert list(errors_of(run.results[0])) == ["established_on"]


# Committing


def test_an_updated_group_keeps_its_code_and_records_who_changed_it(officer):
    group = factories.GroupFactory(name="Guli")
    code = group.code

    run = preview(officer, f"{code};Guli Nav;Devashtich;;01.03.2012;active;\r\n")
    services.import_commit(run=run, user=officer)

    group.refresh_from_db()
    assert (group.code, group.name, group.updated_by) == (code, "Guli Nav", officer)
    assert group.history.first().history_user == officer
    assert group.search_key == search_key(code, "Guli Nav", group.village)
    new = factories.GroupFactory()
    assert new.code == "SU-0002"


def test_a_new_group_gets_the_next_code_and_is_written_as_the_file_says(officer):
    run = preview(officer, ";Guli Nav;Devashtich;Yakhtan;01.03.2014;inactive;Beekeeping\r\n")
    services.import_commit(run=run, user=officer)

    group = SelfHelpGroup.objects.get()
    assert group.code == "SU-0001"
    assert (group.name, group.district, group.jamoat, group.status) == (
        "Guli Nav",
        devashtich(),
        yakhtan(),
        "inactive",
    )
    assert group.established_on == datetime.date(2014, 3, 1)
    assert [a.name for a in group.activities.all()] == ["Beekeeping"]
    assert (group.created_by, group.updated_by) == (officer, officer)
    assert group.history.first().history_user == officer
    assert SelfHelpGroup.objects.filter(search_key__contains=search_key("Guli Nav")).get() == group


def test_a_district_written_with_the_tajik_or_russian_word_for_district_is_found(officer):
    run = preview(
        officer,
        ";A;Ноҳияи Ғончӣ;;01.03.2014;;\r\n"
        ";B;Ghonchi rayon;;01.03.2014;;\r\n"
        ";C;Devashtich nohiya;;01.03.2014;;\r\n",
    )

    assert [(r["s"], errors_of(r)) for r in run.results] == [("new", {})] * 3


# Lookups are read once, not per row


def _queries_for_preview(officer, groups) -> int:
    text = "".join(f"{g.code};Renamed {g.pk};Devashtich;Mujun;01.03.2012;active;Poultry\r\n"
                   for g in groups)  # fmt: skip
    with CaptureQueriesContext(connection) as context:
        preview(officer, text)
    return len(context.captured_queries)


def test_previewing_more_existing_groups_takes_no_more_queries(officer):
    groups = []
    for _n in range(4):
        group = factories.GroupFactory(jamoat=yakhtan())
        group.activities.set(ActivityType.objects.filter(name="Beekeeping"))
        groups.append(group)

    _queries_for_preview(officer, groups)  # caches filled once per process
    assert _queries_for_preview(officer, groups[:1]) == _queries_for_preview(officer, groups)


def _queries_for_commit(user, districts) -> int:
    text = "".join(f";Group {i};{d};;01.03.2014;;\r\n" for i, d in enumerate(districts))
    run = preview(user, text)
    assert [r["s"] for r in run.results] == ["new"] * len(districts)
    with CaptureQueriesContext(connection) as context:
        services.import_commit(run=run, user=user)
    return len(context.captured_queries)


def test_committing_new_groups_of_several_districts_takes_no_more_queries():
    officer = factories.field_officer("Asht", "Ayni", username="two-districts")
    _queries_for_commit(officer, ["Asht", "Asht"])  # caches filled once per process

    assert _queries_for_commit(officer, ["Asht", "Asht"]) == _queries_for_commit(
        officer, ["Asht", "Ayni"]
    )
