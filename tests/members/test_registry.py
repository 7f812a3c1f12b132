"""The members registry /members/: who sees which rows, filters, search, sorting, pagination,
export, and a constant number of SQL queries."""

import csv
import datetime
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from members.models import Member
from members.views import _count
from tests.factories import GroupFactory, MemberFactory, district

pytestmark = pytest.mark.django_db

ROW_LINK = re.compile(r'href="/members/(\d+)/"')


def listed(response) -> set[int]:
    assert response.status_code == 200
    return {int(pk) for pk in ROW_LINK.findall(response.content.decode())}


def rows(response) -> list[int]:
    return [int(pk) for pk in ROW_LINK.findall(response.content.decode())]


@pytest.fixture
def people(own_group, asht_group, rasht_group):
    return {
        "own": MemberFactory(
            group=own_group,
            surname="Rahimova",
            given_name="Gulnora",
            patronymic="Saidovna",
            phone="+992 92 111 2233",
            birth_year=1977,
        ),
        "asht": MemberFactory(
            group=asht_group,
            surname="Usmonova",
            given_name="Mavjuda",
            patronymic="Zarifovna",
            phone="+992 93 444 5566",
            birth_year=1966,
        ),
        "rasht": MemberFactory(group=rasht_group, surname="Nazarova", given_name="Shahlo"),
    }


def csv_rows(response) -> list[dict]:
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def xlsx_rows(response) -> list[list]:
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


# Who sees which rows


def test_it_lists_the_members_of_the_officers_province_only(client, officer, people):
    client.force_login(officer)

    shown = listed(client.get("/members/?district="))  # "all districts"

    assert shown == {people["own"].pk, people["asht"].pk}
    # Without any filter the registry opens on their own districts (test_registry_mine).
    assert listed(client.get("/members/")) == {people["own"].pk}


def test_it_shows_the_patronymic_only_where_personal_data_may_be_seen(client, officer, people):
    client.force_login(officer)

    html = client.get("/members/?district=").content.decode()

    assert "Rahimova Gulnora Saidovna" in html
    assert "Usmonova Mavjuda" in html
    assert "Zarifovna" not in html


def test_it_does_not_list_another_provinces_members(client, officer_other_province, people):
    client.force_login(officer_other_province)

    assert listed(client.get("/members/")) == {people["rasht"].pk}


def test_a_province_manager_sees_the_province(client, manager_sughd, people):
    client.force_login(manager_sughd)

    assert listed(client.get("/members/")) == {people["own"].pk, people["asht"].pk}


def test_a_programme_wide_manager_sees_everyone(client, manager_all, people):
    client.force_login(manager_all)

    assert listed(client.get("/members/")) == {p.pk for p in people.values()}


def test_it_sends_an_anonymous_visitor_to_sign_in(client):
    for url in ("/members/", "/members/export/csv/", "/members/export/xlsx/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")


def test_it_shows_a_message_when_nothing_matches(client, officer, people):
    client.force_login(officer)

    response = client.get("/members/?q=nobody-has-this-name")

    assert listed(response) == set()
    assert "No members match these filters." in response.content.decode()


# Filters


def test_it_filters_by_province(client, manager_all, people):
    client.force_login(manager_all)
    rasht = district("Rasht").province_id

    assert listed(client.get(f"/members/?province={rasht}")) == {people["rasht"].pk}


def test_it_filters_by_district(client, officer, people):
    client.force_login(officer)

    shown = listed(client.get(f"/members/?district={district('Asht').pk}"))

    assert shown == {people["asht"].pk}


def test_it_offers_only_the_chosen_provinces_districts(client, manager_all, people):
    client.force_login(manager_all)
    sughd = district("Asht").province_id

    response = client.get(f"/members/?province={sughd}")

    choices = {d.pk for d in response.context["filter"].filters["district"].queryset}
    assert district("Asht").pk in choices
    assert district("Rasht").pk not in choices


def test_it_offers_an_officer_only_visible_districts(client, officer, people):
    client.force_login(officer)

    response = client.get("/members/")

    choices = {d.pk for d in response.context["filter"].filters["district"].queryset}
    assert district("Devashtich").pk in choices
    assert district("Rasht").pk not in choices


def test_it_filters_by_group_code(client, officer, people, own_group):
    client.force_login(officer)

    shown = listed(client.get(f"/members/?group={own_group.code.lower()}"))

    assert shown == {people["own"].pk}


def test_it_filters_by_sex(client, officer, own_group, people):
    man = MemberFactory(group=own_group, sex=Member.Sex.MALE)
    client.force_login(officer)

    assert listed(client.get("/members/?sex=M")) == {man.pk}


def test_it_filters_by_role(client, officer, own_group, people):
    leader = MemberFactory(group=own_group, role=Member.Role.LEADER)
    client.force_login(officer)

    assert listed(client.get("/members/?role=leader")) == {leader.pk}


def test_it_filters_current_and_former_members(client, officer, own_group, people):
    former = MemberFactory(group=own_group, left_on=datetime.date(2018, 5, 1))
    client.force_login(officer)

    assert listed(client.get("/members/?status=left")) == {former.pk}
    assert former.pk not in listed(client.get("/members/?status=current"))
    assert former.pk in listed(client.get("/members/"))


def test_it_counts_current_members_as_of_a_date(client, officer, own_group):
    then = MemberFactory(
        group=own_group, joined_on=datetime.date(2015, 1, 1), left_on=datetime.date(2018, 1, 1)
    )
    later = MemberFactory(group=own_group, joined_on=datetime.date(2019, 1, 1))
    client.force_login(officer)

    assert listed(client.get("/members/?as_of=2017-06-30&status=current")) == {then.pk}
    assert listed(client.get("/members/?as_of=2019-06-30&status=left")) == {then.pk}
    assert listed(client.get("/members/?as_of=2016-01-01")) == {then.pk}
    assert listed(client.get("/members/?status=current")) == {later.pk}


def test_it_filters_by_migration_link(client, officer, own_group, people):
    returnee = MemberFactory(group=own_group, migration_link=Member.MigrationLink.RETURNEE)
    client.force_login(officer)

    assert listed(client.get("/members/?migration_link=returnee")) == {returnee.pk}


def test_it_filters_by_age_band(client, officer, own_group):
    year = timezone.localdate().year
    young = MemberFactory(group=own_group, birth_year=year - 20)
    middle = MemberFactory(group=own_group, birth_year=year - 40)
    old = MemberFactory(group=own_group, birth_year=year - 70)
    client.force_login(officer)

    assert listed(client.get("/members/?age=14-24")) == {young.pk}
    assert listed(client.get("/members/?age=35-44")) == {middle.pk}
    assert listed(client.get("/members/?age=65%2B")) == {old.pk}


def test_the_age_filter_does_not_reveal_birth_years_outside_personal_scope(
    client, officer, asht_group
):
    year = timezone.localdate().year
    MemberFactory(group=asht_group, birth_year=year - 20)
    client.force_login(officer)

    assert listed(client.get("/members/?age=14-24")) == set()


def test_it_filters_by_date_joined(client, officer, own_group):
    early = MemberFactory(group=own_group, joined_on=datetime.date(2011, 4, 1))
    MemberFactory(group=own_group, joined_on=datetime.date(2020, 4, 1))
    client.force_login(officer)

    response = client.get("/members/?joined_after=2011-01-01&joined_before=2011-12-31")

    assert listed(response) == {early.pk}


def test_it_filters_by_head_of_household(client, officer, own_group, people):
    head = MemberFactory(group=own_group, head_of_household=True)
    client.force_login(officer)

    assert listed(client.get("/members/?head_of_household=yes")) == {head.pk}
    assert head.pk not in listed(client.get("/members/?head_of_household=no"))


def test_it_answers_malformed_filters_without_error(client, officer, people):
    client.force_login(officer)

    response = client.get(
        "/members/?district=abc&province=x&as_of=2020-99-99&age=7&sex=Q&page=zz&sort=nope"
    )

    assert response.status_code == 200
    assert "Some filters are not valid" in response.content.decode()


# Search


def test_a_cyrillic_search_finds_a_latin_name(client, officer, people):
    client.force_login(officer)

    assert listed(client.get("/members/?q=Рахимова")) == {people["own"].pk}


def test_a_variant_spelling_finds_the_name(client, officer, people):
    client.force_login(officer)

    assert listed(client.get("/members/?q=Rakhimova")) == {people["own"].pk}
    assert listed(client.get("/members/?q=rahimov gulnora")) == {people["own"].pk}


def test_it_finds_a_member_by_patronymic(client, officer, people):
    client.force_login(officer)

    assert listed(client.get("/members/?q=saidovna")) == {people["own"].pk}


def test_it_finds_a_member_by_phone_number(client, officer, people):
    client.force_login(officer)

    assert listed(client.get("/members/?q=111-22-33")) == {people["own"].pk}
    assert listed(client.get("/members/?q=%2B992 92 111 2233")) == {people["own"].pk}


def test_a_phone_search_does_not_find_members_outside_personal_scope(client, officer, people):
    client.force_login(officer)

    assert listed(client.get("/members/?q=444 5566")) == set()


# Sorting and pagination


def test_it_sorts_by_every_column(client, officer, own_group):
    first = MemberFactory(
        group=own_group, surname="Aliyeva", joined_on=datetime.date(2019, 1, 1), role="treasurer"
    )
    second = MemberFactory(
        group=own_group, surname="Zoirova", joined_on=datetime.date(2012, 1, 1), role="deputy"
    )
    client.force_login(officer)

    assert rows(client.get("/members/?sort=name")) == [first.pk, second.pk]
    assert rows(client.get("/members/?sort=-name")) == [second.pk, first.pk]
    assert rows(client.get("/members/?sort=joined")) == [second.pk, first.pk]
    assert rows(client.get("/members/?sort=role")) == [second.pk, first.pk]
    for key in ("sex", "group", "district", "left", "migration", "-joined"):
        assert set(rows(client.get(f"/members/?sort={key}"))) == {first.pk, second.pk}


def test_it_shows_fifty_rows_a_page_and_the_total(client, officer, own_group):
    MemberFactory.create_batch(51, group=own_group)
    client.force_login(officer)

    page_one = client.get("/members/")
    page_two = client.get("/members/?page=2")

    assert len(rows(page_one)) == 50
    assert len(rows(page_two)) == 1
    assert "51 members" in page_one.content.decode()


def test_the_count_is_written_with_a_thousands_separator():
    assert _count(2884) == "2,884 members"
    assert _count(1) == "1 member"


def test_the_number_of_queries_does_not_grow_with_the_rows(client, officer, own_group, asht_group):
    MemberFactory.create_batch(3, group=own_group)
    MemberFactory.create_batch(2, group=asht_group)
    client.force_login(officer)
    client.get("/members/?district=")  # warm up caches (content types, sessions)
    with CaptureQueriesContext(connection) as few:
        assert len(rows(client.get("/members/?district="))) == 5
    MemberFactory.create_batch(25, group=own_group)
    MemberFactory.create_batch(20, group=GroupFactory(district=district("Asht")))
    with CaptureQueriesContext(connection) as many:
        assert len(rows(client.get("/members/?district="))) == 50

    assert len(many) == len(few)


# Export


def test_the_csv_export_has_exactly_the_filtered_rows(client, officer, own_group, people):
    man = MemberFactory(group=own_group, sex=Member.Sex.MALE, surname="Karimov")
    client.force_login(officer)

    exported = csv_rows(client.get("/members/export/csv/?sex=M"))

    assert [row["Name"] for row in exported] == [f"Karimov {man.given_name}"]
    assert exported[0]["Group"] == own_group.code


def test_the_csv_export_leaves_personal_data_out_of_scope_empty(client, officer, people):
    client.force_login(officer)

    exported = {row["Name"]: row for row in csv_rows(client.get("/members/export/csv/?district="))}

    own, asht = exported["Rahimova Gulnora"], exported["Usmonova Mavjuda"]
    # A leading "+" would start a formula in a spreadsheet: the registry quotes it.
    assert (own["Phone"], own["Birth year"], own["Patronymic"]) == (
        "'+992921112233",  # as stored: E.164 (rmp_portal.core.phones)
        "1977",
        "Saidovna",
    )
    assert (asht["Phone"], asht["Birth year"], asht["Patronymic"]) == ("", "", "")
    assert len(exported) == 2


def test_the_xlsx_export_has_the_filtered_rows_without_foreign_personal_data(
    client, manager_sughd, officer, people
):
    client.force_login(officer)

    sheet = xlsx_rows(client.get(f"/members/export/xlsx/?district={district('Asht').pk}"))

    header, *data = sheet
    assert header[:3] == ["Name", "Sex", "Group"]
    assert len(data) == 1
    row = dict(zip(header, data[0], strict=True))
    assert row["Name"] == "Usmonova Mavjuda"
    assert not row["Phone"] and not row["Birth year"] and not row["Patronymic"]


def test_a_manager_exports_the_provinces_personal_data(client, manager_sughd, people):
    client.force_login(manager_sughd)

    header, *data = xlsx_rows(client.get("/members/export/xlsx/?sort=name"))

    phones = [dict(zip(header, row, strict=True))["Phone"] for row in data]
    assert phones == ["'+992921112233", "'+992934445566"]


def test_a_cell_that_would_be_a_formula_is_quoted(client, officer, own_group):
    MemberFactory(group=own_group, surname='=HYPERLINK("http://x")', given_name="A")
    client.force_login(officer)

    exported = csv_rows(client.get("/members/export/csv/"))

    assert exported[0]["Name"].startswith("'=HYPERLINK")


def test_an_unknown_export_format_is_not_found(client, officer):
    client.force_login(officer)

    assert client.get("/members/export/pdf/").status_code == 404


def test_it_filters_members_who_left_in_a_period(client, officer):
    group = GroupFactory()
    MemberFactory(group=group, surname="Stayed")
    MemberFactory(group=group, surname="Early", left_on=datetime.date(2013, 1, 10))
    MemberFactory(group=group, surname="Late", left_on=datetime.date(2015, 6, 1))
    client.force_login(officer)
    response = client.get("/members/?left_after=2015-01-01&left_before=2015-12-31")
    assert [m.surname for m in response.context["object_list"]] == ["Late"]
