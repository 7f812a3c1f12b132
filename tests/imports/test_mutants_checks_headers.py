"""The headings of an upload, word for word: what the user is told when a column appears
twice, when the columns an import needs are missing, and which headings were not recognised.

Written against the survivors of `make mutation` in imports/services.py (read_headers)."""

import pytest

from imports import services
from imports.models import ImportRun
from imports.reader import ImportFileError
from tests.imports.conftest import upload

pytestmark = pytest.mark.django_db

NEEDS = "The file does not have the columns this import needs: "
TEMPLATE = "Download the template to see the expected headings."


def refusal(user, kind: str, text: str) -> str:
    with pytest.raises(ImportFileError) as refused:
        services.import_preview(user=user, kind=kind, upload=upload("f.csv", text))
    assert ImportRun.objects.count() == 0
    return str(refused.value.message)


def test_columns_that_appear_twice_are_all_named(officer):
    message = refusal(
        officer,
        "members",
        "Group;Surname;Given name;Sex;Joined;Surname;Фамилия\r\n"
        "SU-0001;Karimova;Zebo;F;01.03.2014;Karimova;Каримова\r\n",
    )

    assert message == "These columns appear twice: Surname, Фамилия."


def test_a_groups_file_without_its_required_columns_names_each_of_them(officer):
    message = refusal(officer, "groups", "Code;Village\r\nSU-0001;Yakhtan\r\n")

    assert message == f"{NEEDS}Name, District, Established. {TEMPLATE}"


def test_a_members_file_without_any_name_column_asks_for_surname_and_given_name(officer):
    message = refusal(officer, "members", "Group;Sex;Joined\r\nSU-0001;F;01.03.2014\r\n")

    assert message == f"{NEEDS}Surname, Given name. {TEMPLATE}"


def test_a_members_file_without_a_given_name_column_asks_for_it(officer):
    message = refusal(
        officer, "members", "Group;Surname;Sex;Joined\r\nSU-0001;Karimova;F;01.03.2014\r\n"
    )

    assert message == f"{NEEDS}Given name. {TEMPLATE}"


def test_a_members_file_without_a_surname_column_asks_for_it(officer):
    message = refusal(
        officer, "members", "Group;Given name;Sex;Joined\r\nSU-0001;Zebo;F;01.03.2014\r\n"
    )

    assert message == f"{NEEDS}Surname. {TEMPLATE}"


def test_the_first_ten_unrecognised_headings_are_named_cut_to_40_characters(officer):
    long_heading = "Comments written by the officer on her visit to the group"
    extras = [f"Extra {n}" for n in range(1, 11)]
    headings = ["Group", "Sex", "Joined", long_heading, *extras]
    message = refusal(
        officer,
        "members",
        ";".join(headings)
        + "\r\n"
        + ";".join(["SU-0001", "F", "01.03.2014"] + ["x"] * 11)
        + "\r\n",
    )

    shown = ", ".join([long_heading[:40], *extras[:9]])
    assert message == (f"{NEEDS}Surname, Given name. {TEMPLATE} Headings not recognised: {shown}.")
