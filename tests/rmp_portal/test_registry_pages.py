"""How the registry machinery (rmp_portal.core.registry) reads a page and an export at scale: rows
with equal sort values in the model's own order, a page's keys found before its figures are
computed, searches sorted rather than read off an index, exports translating choice labels
once. Each must give exactly the rows and order the plain queries would."""

import csv
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from members.models import Member
from members.views import MemberListView
from rmp_portal.core.registry import CappedSelect, _ChoiceLabels
from tests.factories import CooperativeFactory, GroupFactory, MemberFactory, district

pytestmark = pytest.mark.django_db

MEMBER_LINK = re.compile(r'href="/members/(\d+)/"')
GROUP_ROW = re.compile(r'href="/groups/([A-Z]{2}-\d+)/"')


@pytest.fixture
def admin_client(client, django_user_model):
    client.force_login(
        django_user_model.objects.create(
            username="registry-admin", is_staff=True, is_superuser=True
        )
    )
    return client


def member_rows(client, url) -> list[int]:
    response = client.get(url)
    assert response.status_code == 200
    return [int(pk) for pk in MEMBER_LINK.findall(response.content.decode())]


def expected_order(members, descending=False) -> list[int]:
    ordered = sorted(members, key=lambda m: (m.surname, m.given_name, m.pk), reverse=descending)
    return [m.pk for m in ordered]


@pytest.fixture
def namesakes():
    """55 members called Rahimova (more than a page), given names in no particular order,
    and others around them in the alphabet."""
    group = GroupFactory()
    given = ["Zarina", "Gulnora", "Madina", "Anora", "Shahlo", "Dilnoza", "Mavjuda", "Nigina"]
    members = [
        MemberFactory(group=group, surname="Rahimova", given_name=given[n % len(given)])
        for n in range(55)
    ]
    others = [
        MemberFactory(group=group, surname=surname, given_name="Tahmina")
        for surname in ("Abdulloeva", "Yakubova", "Karimova")
    ]
    return members, others


def test_equal_surnames_are_ordered_by_given_name(admin_client, namesakes):
    members, others = namesakes
    everyone = expected_order(members + others)
    assert member_rows(admin_client, "/members/") == everyone[:50]
    assert member_rows(admin_client, "/members/?page=2") == everyone[50:]
    backwards = expected_order(members + others, descending=True)
    assert member_rows(admin_client, "/members/?sort=-name") == backwards[:50]


def test_a_search_pages_through_its_matches_in_order(admin_client, namesakes):
    members, _others = namesakes
    found = expected_order(members)
    for query in ("q=rahimova", "q=%D0%A0%D0%B0%D1%85%D0%B8%D0%BC%D0%BE%D0%B2%D0%B0"):  # Рахимова
        assert member_rows(admin_client, f"/members/?{query}") == found[:50]
        assert member_rows(admin_client, f"/members/?{query}&page=2") == found[50:]
        by_joined = sorted(members, key=lambda m: (m.joined_on, m.pk), reverse=True)
        assert member_rows(admin_client, f"/members/?{query}&sort=-joined") == [
            m.pk for m in by_joined[:50]
        ]


def test_a_later_page_shows_its_own_rows_and_their_headcounts(admin_client):
    groups = [GroupFactory(name=f"Group {n:03d}", district=district("Asht")) for n in range(60)]
    for n, group in enumerate(groups):
        for _ in range(n % 4):
            MemberFactory(group=group)
    response = admin_client.get("/groups/?sort=-name&page=2")
    html = response.content.decode()
    expected = sorted(groups, key=lambda g: (g.name, g.pk), reverse=True)[50:]
    assert GROUP_ROW.findall(html) == [g.code for g in expected]
    page = list(response.context["object_list"])
    assert [g.current_women for g in page] == [groups.index(g) % 4 for g in expected]
    assert response.context["paginator"].count == 60


def test_an_empty_or_out_of_range_page_is_still_a_page(admin_client, namesakes):
    assert member_rows(admin_client, "/members/?q=nobody-is-called-this") == []
    members, others = namesakes
    last = expected_order(members + others)[50:]
    assert member_rows(admin_client, "/members/?page=999") == last


def test_an_export_writes_the_labels_the_records_themselves_show(admin_client):
    members = [
        MemberFactory(surname="Karimov", sex=Member.Sex.MALE, role=Member.Role.TREASURER),
        MemberFactory(surname="Rahimova", role=Member.Role.DEPUTY, migration_link="returnee"),
    ]
    response = admin_client.get("/members/export/csv/?sort=name")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    exported = list(csv.DictReader(io.StringIO(text)))
    for member, row in zip(members, exported, strict=True):
        assert row["Sex"] == member.get_sex_display()
        assert row["Role"] == member.get_role_display()
        assert row["Migration link"] == member.get_migration_link_display()


def test_the_choice_labels_of_an_export_are_those_of_the_record():
    member = MemberFactory(sex=Member.Sex.FEMALE, role=Member.Role.LEADER)
    expected = (member.get_sex_display(), member.get_role_display())
    _ChoiceLabels(Member).attach(member)
    assert (member.get_sex_display(), member.get_role_display()) == expected
    member.role = "chief"  # not a choice: shown as stored, as Django does
    _ChoiceLabels(Member).attach(member)
    assert member.get_role_display() == "chief"
    with translation.override("ru"):  # translated once, in the request's language
        labels = _ChoiceLabels(Member)
        female = str(Member.Sex.FEMALE.label)
    assert labels.fields["get_sex_display"][1]["F"] == female


def test_a_search_counts_its_matches_with_its_page(admin_client, namesakes):
    """The members search finds its page's keys and the count in one statement (COUNT(*)
    OVER ()), not a COUNT and then the keys: the matches are found once."""
    members, _others = namesakes
    for page in ("1", "2", "x", "999"):
        with CaptureQueriesContext(connection) as captured:
            response = admin_client.get(f"/members/?q=rahimova&page={page}")
        assert response.context["paginator"].count == len(members)
        sql = " ".join(q["sql"] for q in captured.captured_queries)
        if page in ("1", "2", "x"):
            assert "OVER ()" in sql
            assert 'COUNT(*) AS "__count"' not in sql
    # Out of range: the usual way, clamped to the last page (asserted above for the rows).
    assert response.context["page_obj"].number == 2


def test_a_long_choice_list_shows_only_the_chosen_record(admin_client, monkeypatch):
    """The groups' cooperative filter lists every cooperative up to CappedSelect.cap; past
    it, only the chosen one (5,000 options would cost seconds of rendering per page)."""
    coops = [CooperativeFactory(name=f"Coop {n}") for n in range(4)]
    html = admin_client.get("/groups/").content.decode()
    assert all(f">Coop {n}</option>" in html for n in range(4))
    monkeypatch.setattr(CappedSelect, "cap", 3)
    html = admin_client.get("/groups/").content.decode()
    assert ">Coop 0</option>" not in html
    assert "too many to list" in html
    response = admin_client.get(f"/groups/?cooperative={coops[2].pk}")
    html = response.content.decode()
    assert re.search(rf'<option value="{coops[2].pk}" selected>Coop 2</option>', html)
    assert ">Coop 1</option>" not in html
    assert response.context["filter"].is_valid()


def test_an_export_of_plain_rows_is_the_export_of_the_records(admin_client, monkeypatch):
    """The members export reads plain rows with districts and provinces shared across rows;
    its file is byte for byte the one built from model instances."""
    for n in range(5):
        MemberFactory(surname=f"Karimova{n}", head_of_household=bool(n % 2), phone="+992 90")
    MemberFactory(
        surname="Nazarov", sex=Member.Sex.MALE, group=GroupFactory(district=district("Rasht"))
    )

    def export():
        response = admin_client.get("/members/export/csv/")
        return b"".join(response.streaming_content)

    plain = export()
    monkeypatch.setattr(MemberListView, "export_plain_rows", False)
    assert export() == plain
    assert plain.count(b"\n") == 7
