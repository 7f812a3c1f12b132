"""The blank spreadsheets to fill in: headings in the user's language, an example row, and
(in the XLSX) a second sheet with the values the import accepts."""

import csv
import datetime
import io

from django.utils.encoding import force_str
from django.utils.translation import gettext
from openpyxl import Workbook
from openpyxl.styles import Font

from groups.models import ActivityType, Jamoat, SelfHelpGroup
from groups.selectors import districts_editable, groups_editable
from imports.columns import template_columns
from members.models import Member

EXAMPLE_DATE = datetime.date(2014, 6, 1)
GROUP_LIST_LIMIT = 2000


def _example(kind: str, user) -> dict:
    district = districts_editable(user).order_by("province__code", "name").first()
    if kind == "groups":
        jamoat = Jamoat.objects.filter(district=district).order_by("name").first()
        activity = ActivityType.objects.order_by("name").first()
        return {
            "code": "",
            "name": "Bonuvoni Yakhtan",
            "district": str(district or ""),
            "status": force_str(SelfHelpGroup.Status.ACTIVE.label),
            "established_on": EXAMPLE_DATE,
            "jamoat": str(jamoat or ""),
            "village": "Yakhtan",
            "dissolved_on": None,
            "activities": str(activity or ""),
            "notes": "",
        }
    group = (
        groups_editable(user).exclude(status=SelfHelpGroup.Status.DISSOLVED).order_by("code")
    ).first()
    return {
        "group": group.code if group else "SU-0001",
        "surname": "Rahimova",
        "given_name": "Gulnora",
        "patronymic": "Saidovna",
        "sex": force_str(Member.Sex.FEMALE.label),
        "birth_year": 1980,
        "phone": "+992 92 123 45 67",
        "role": force_str(Member.Role.MEMBER.label),
        "joined_on": EXAMPLE_DATE,
        "left_on": None,
        "migration_link": force_str(Member.MigrationLink.MIGRANT_FAMILY.label),
        "head_of_household": force_str(gettext("no")),
        "skills": "sewing",
    }


def template_rows(kind: str, user) -> tuple[list[str], list]:
    columns = template_columns(kind)
    example = _example(kind, user)
    return [force_str(c.label) for c in columns], [example.get(c.key) for c in columns]


def template_csv(kind: str, user) -> bytes:
    headers, example = template_rows(kind, user)
    buffer = io.StringIO()
    # ";" and dd.mm.yyyy, as Excel writes CSV with Russian or Tajik regional settings.
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(headers)
    writer.writerow(
        [v.strftime("%d.%m.%Y") if isinstance(v, datetime.date) else v for v in example]
    )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def template_xlsx(kind: str, user) -> bytes:
    headers, example = template_rows(kind, user)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = gettext("Import")[:31]
    sheet.append(headers)
    sheet.append(example)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for cell in sheet[2]:
        if isinstance(cell.value, datetime.date):
            cell.number_format = "DD.MM.YYYY"
    for index, header in enumerate(headers):
        letter = sheet.cell(row=1, column=index + 1).column_letter
        sheet.column_dimensions[letter].width = max(12, len(header) + 2)
    _reference_sheet(workbook.create_sheet(gettext("Valid values")[:31]), kind, user)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _reference_sheet(sheet, kind: str, user) -> None:
    bold = Font(bold=True)

    def section(title: str, heading: list[str], rows) -> None:
        sheet.append([title])
        sheet.cell(row=sheet.max_row, column=1).font = bold
        sheet.append(heading)
        for row in rows:
            sheet.append([force_str(v) if v is not None else "" for v in row])
        sheet.append([])

    districts = list(districts_editable(user).order_by("province__code", "name"))
    section(
        gettext("Districts you may import into"),
        [gettext("District"), gettext("Province"), gettext("Other names accepted")],
        [
            (
                d,
                d.province,
                "; ".join(n for n in (d.name, d.name_ru, d.name_tg, d.former_names) if n),
            )
            for d in districts
        ],
    )
    if kind == "groups":
        section(
            gettext("Jamoats"),
            [gettext("District"), gettext("Jamoat")],
            [
                (j.district, j)
                for j in Jamoat.objects.filter(district__in=districts)
                .select_related("district")
                .order_by("district__name", "name")
            ],
        )
        section(
            gettext("Activity types (several: separate with ;)"),
            [gettext("Activities")],
            [(a,) for a in ActivityType.objects.order_by("name")],
        )
        section(
            gettext("Status"),
            [gettext("Value"), gettext("Code")],
            [(label, value) for value, label in SelfHelpGroup.Status.choices],
        )
        section(gettext("Dates"), [gettext("Write dates as 31.12.2019 or 2019-12-31.")], [])
        return
    groups = (
        groups_editable(user)
        .exclude(status=SelfHelpGroup.Status.DISSOLVED)
        .select_related("district")
        .order_by("code")[:GROUP_LIST_LIMIT]
    )
    section(
        gettext("Groups you may add members to (the Group column takes the code)"),
        [gettext("Code"), gettext("Name"), gettext("District")],
        [(g.code, g.name, g.district) for g in groups],
    )
    section(
        gettext("Sex"),
        [gettext("Value"), gettext("Also accepted")],
        [
            (Member.Sex.FEMALE.label, "F, Ж, З, зан"),
            (Member.Sex.MALE.label, "M, М, мард"),
        ],
    )
    section(
        gettext("Role"),
        [gettext("Value"), gettext("Code")],
        [(lb, v) for v, lb in Member.Role.choices],
    )
    section(
        gettext("Migration link"),
        [gettext("Value"), gettext("Code")],
        [(lb, v) for v, lb in Member.MigrationLink.choices],
    )
    section(gettext("Head of household"), [gettext("Value")], [(gettext("yes"),), (gettext("no"),)])
    section(gettext("Dates"), [gettext("Write dates as 31.12.2019 or 2019-12-31.")], [])
