"""Files as they come: each encoding and delimiter Excel writes in the region, XLSX with
formulas, and every kind of bad file — each with a clear message, nothing saved, never a 500."""

import io

import pytest
from openpyxl import Workbook

from imports import services
from imports.models import ImportRun
from imports.reader import MAX_ROWS, ImportFileError, read_upload
from members.models import Member
from tests.imports.conftest import fixture_file, upload

pytestmark = pytest.mark.django_db

ENCODED = [
    "members-utf8-bom-semicolon.csv",
    "members-utf8-bom-comma.csv",
    "members-utf8-semicolon.csv",
    "members-utf8-comma.csv",
    "members-cp1251-semicolon.csv",
    "members-cp1251-comma.csv",
]


@pytest.mark.parametrize("name", ENCODED)
def test_it_reads_each_encoding_and_delimiter(officer, group, name):
    run = services.import_preview(user=officer, kind="members", upload=fixture_file(name))
    assert [r["s"] for r in run.results] == ["new"] * 4, run.results
    services.import_commit(run=run, user=officer)
    leader = Member.objects.get(surname="Рахимова")
    assert (leader.given_name, leader.patronymic, leader.sex, leader.role) == (
        "Гулнора",
        "Саидовна",
        "F",
        "leader",
    )
    assert leader.migration_link == "migrant_family" and leader.head_of_household
    assert leader.skills == "шитьё; ковры" and leader.joined_on.isoformat() == "2014-03-01"
    man = Member.objects.get(surname="Назаров")
    assert (man.sex, man.role, man.migration_link) == ("M", "member", "migrant")
    assert Member.objects.get(surname="Шарипова").sex == "F"  # З (зан)
    assert Member.objects.get(surname="Karimova").birth_year == 1985


def test_it_reads_formulas_as_their_stored_value_or_an_error(officer, group):
    run = services.import_preview(
        user=officer, kind="members", upload=fixture_file("members-formulas.xlsx")
    )
    first, second, third = run.results
    assert first["s"] == "new" and first["l"] == "Karimova Zebo"
    assert second["s"] == "error"
    assert "formula without a saved value" in second["e"][0][1]
    assert third["s"] == "error" and "#DIV/0!" in third["e"][0][1]


@pytest.mark.parametrize(
    ("name", "as_name", "message"),
    [
        ("renamed-pdf.xlsx", None, "not an Excel workbook"),
        ("renamed-pdf.xlsx", "report.csv", "not a spreadsheet"),
        ("broken.xlsx", None, "damaged"),
        ("bomb.xlsx", None, "unpacks to far more data"),
        ("empty.csv", None, "empty"),
        ("headers-only.csv", None, "no rows"),
        ("wrong-headers.csv", None, "does not have the columns"),
        ("old-excel.xls", None, "old Excel file"),
    ],
)
def test_it_refuses_a_bad_file_with_a_message_and_saves_nothing(officer, name, as_name, message):
    with pytest.raises(ImportFileError) as refused:
        services.import_preview(user=officer, kind="members", upload=fixture_file(name, as_name))
    assert message in str(refused.value.message)
    assert ImportRun.objects.count() == 0


def test_it_refuses_a_file_over_5_mb(officer):
    content = "Group;Surname;Given name;Sex;Joined\r\n" + "x;" * (3 * 1024 * 1024)
    with pytest.raises(ImportFileError, match="larger than 5 MB"):
        read_upload(upload("big.csv", content))


def test_it_refuses_more_than_20000_rows(officer):
    rows = "\r\n".join("SU-0001;A;B;F;01.01.2015" for _ in range(MAX_ROWS + 1))
    with pytest.raises(ImportFileError, match="more than 20,000 rows"):
        read_upload(upload("many.csv", "Group;Surname;Given name;Sex;Joined\r\n" + rows))


def test_it_accepts_exactly_20000_rows():
    rows = "\r\n".join("SU-0001;A;B;F;01.01.2015" for _ in range(MAX_ROWS))
    table = read_upload(upload("many.csv", "Group;Surname;Given name;Sex;Joined\r\n" + rows))
    assert len(table.rows) == MAX_ROWS


def test_an_xlsx_with_too_many_rows_is_refused_before_it_is_all_read():
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(["Group", "Surname", "Given name", "Sex", "Joined"])
    for _ in range(MAX_ROWS + 1):
        sheet.append(["SU-0001", "A", "B", "F", "01.01.2015"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(ImportFileError, match="more than 20,000 rows"):
        read_upload(upload("many.xlsx", buffer.getvalue()))


def test_control_characters_do_not_reach_the_database(officer, group):
    content = (
        "Group;Surname;Given name;Sex;Joined\r\nSU-0001;Kari\x01mova;Zebo\x07;F;01.03.2014\r\n"
    )
    run = services.import_preview(user=officer, kind="members", upload=upload("n.csv", content))
    services.import_commit(run=run, user=officer)
    assert Member.objects.get().full_name == "Karimova Zebo"


@pytest.mark.parametrize(
    "content",
    [
        b"\xff\xfe\x00\x00garbage",
        b"PK\x03\x04" + b"\x00" * 100,
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 50,
        bytes(range(256)) * 10,
        b'"unterminated;quote\r\n' * 3,
        b";;;;\r\n;;;\r\n",
        b"\xef\xbb\xbf",
        b"Group;Surname\x00;Given name;Sex;Joined\r\nSU-0001;A;B;F;01.01.2015\r\n",
    ],
)
def test_garbage_is_a_message_not_a_crash(officer, content):
    with pytest.raises(ImportFileError):
        services.import_preview(user=officer, kind="members", upload=upload("x.csv", content))


def test_it_reads_a_groups_workbook_with_russian_headings_and_tajik_names(officer):
    run = services.import_preview(user=officer, kind="groups", upload=fixture_file("groups.xlsx"))
    statuses = [(r["s"], [m for _k, m in r.get("e", [])]) for r in run.results]
    assert statuses == [
        ("new", []),
        ("new", []),
        ("error", ["This record is outside your districts."]),
        ("error", ["Unknown district “Atlantis”."]),
    ]
    services.import_commit(run=run, user=officer)
    from groups.models import SelfHelpGroup

    mujun = SelfHelpGroup.objects.get(name="Bonuvoni Mujun")
    assert (mujun.district.name, mujun.jamoat.name, str(mujun.established_on)) == (
        "Devashtich",
        "Mujun",
        "2014-06-01",
    )
    assert mujun.activities.count() == 2
    assert SelfHelpGroup.objects.get(name="Guli Ghonchi").district.name == "Devashtich"
