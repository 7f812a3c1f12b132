"""Member imports read phone numbers as the member form does (rmp_portal.core.phones): stored
in E.164, and a row with a number that is not valid is that row's error, never written."""

import io

import pytest
from openpyxl import Workbook

from imports import services
from imports.models import ImportRun
from members.models import Member
from rmp_portal.core.phones import MESSAGE
from tests import factories
from tests.imports.conftest import upload

pytestmark = pytest.mark.django_db

HEADINGS = "Group;Surname;Given name;Sex;Joined;Phone\r\n"


def preview(officer, text: str) -> ImportRun:
    return services.import_preview(user=officer, kind="members", upload=upload("m.csv", text))


def test_a_row_with_a_short_number_is_an_error_on_its_phone_and_is_not_written(
    client, officer, group
):
    client.force_login(officer)
    text = HEADINGS + (
        "SU-0001;Karimova;Zebo;F;01.03.2014;92 123 4567\r\n"
        "SU-0001;Saidova;Nigora;F;01.03.2014;92 12\r\n"
    )
    response = client.post("/imports/members/new/", {"file": upload("m.csv", text)})
    assert response.status_code == 302
    run = ImportRun.objects.get()

    assert [r["s"] for r in run.results] == ["new", "error"]
    assert run.results[1]["e"] == [["phone", str(MESSAGE)]]
    page = client.get(f"/imports/runs/{run.pk}/").content.decode()
    assert 'id="row-3" class="import-error"' in page and str(MESSAGE) in page

    # All or nothing: nothing at all.
    client.post(f"/imports/runs/{run.pk}/confirm/", {"all_or_nothing": "on"})
    assert not Member.objects.exists()

    # Otherwise the valid row only, its number in E.164.
    run = preview(officer, text)
    services.import_commit(run=run, user=officer)
    assert list(Member.objects.values_list("surname", "phone", "phone_digits")) == [
        ("Karimova", "+992921234567", "992921234567")
    ]


@pytest.mark.parametrize(
    ("cell", "stored"),
    [
        ("921234567", "+992921234567"),
        ("+992 92 123-45-67", "+992921234567"),
        ("00992921234567", "+992921234567"),
        ("+7 916 123 45 67", "+79161234567"),
        ("", ""),
    ],
)
def test_numbers_typed_in_any_form_are_imported_in_e164(officer, group, cell, stored):
    run = preview(officer, HEADINGS + f"SU-0001;Karimova;Zebo;F;01.03.2014;{cell}\r\n")
    services.import_commit(run=run, user=officer)

    assert Member.objects.get().phone == stored


def test_a_number_the_spreadsheet_keeps_as_a_number_is_imported(officer, group):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Group", "Surname", "Given name", "Sex", "Joined", "Phone"])
    sheet.append(["SU-0001", "Karimova", "Zebo", "F", "01.03.2014", 921234567])
    sheet.append(["SU-0001", "Saidova", "Nigora", "F", "01.03.2014", 992931112233.0])
    buffer = io.BytesIO()
    workbook.save(buffer)

    run = services.import_preview(
        user=officer, kind="members", upload=upload("m.xlsx", buffer.getvalue())
    )
    services.import_commit(run=run, user=officer)

    assert dict(Member.objects.values_list("surname", "phone")) == {
        "Karimova": "+992921234567",
        "Saidova": "+992931112233",
    }


def test_the_same_number_in_another_form_is_no_change(officer, group):
    factories.MemberFactory(
        group=group, surname="Karimova", given_name="Zebo", birth_year=None,
        joined_on="2014-03-01", phone="+992 92 123 4567",
    )  # fmt: skip

    run = preview(officer, HEADINGS + "SU-0001;Karimova;Zebo;F;01.03.2014;92-123-45-67\r\n")

    assert [r["s"] for r in run.results] == ["unchanged"]


def test_a_new_number_for_an_existing_member_is_checked(officer, group):
    member = factories.MemberFactory(
        group=group, surname="Karimova", given_name="Zebo", birth_year=None,
        joined_on="2014-03-01", phone="+992 92 123 4567",
    )  # fmt: skip

    run = preview(officer, HEADINGS + "SU-0001;Karimova;Zebo;F;01.03.2014;+992 92 12\r\n")
    services.import_commit(run=run, user=officer)

    assert run.results[0]["s"] == "error"
    assert run.results[0]["e"] == [["phone", str(MESSAGE)]]
    member.refresh_from_db()
    assert member.phone == "+992921234567"


def test_an_old_invalid_number_left_empty_in_the_file_does_not_stop_the_row(officer, group):
    member = factories.MemberFactory(
        group=group, surname="Karimova", given_name="Zebo", birth_year=None,
        joined_on="2014-03-01", role="member",
    )  # fmt: skip
    Member.objects.filter(pk=member.pk).update(phone="92 12")

    run = preview(
        officer,
        "Group;Surname;Given name;Sex;Joined;Phone;Role\r\n"
        "SU-0001;Karimova;Zebo;F;01.03.2014;;deputy\r\n",
    )
    services.import_commit(run=run, user=officer)

    assert run.results[0]["s"] == "update"
    member.refresh_from_db()
    assert (member.role, member.phone) == ("deputy", "92 12")
