"""The data-quality line "Members with a phone number that is not valid": the numbers saved
before they were checked (and left as they were by the migration members.0006), listed to
those who see the member's district, with the number to correct."""

import importlib
import random
import re
from types import SimpleNamespace

import phonenumbers
import pytest
from django.apps import apps as django_apps
from django.db import connection

from members.models import Member
from rmp_portal.core.phones import TAJIK_STORED, invalid_phone
from rmp_portal.quality import checks as quality
from tests.factories import GroupFactory, MemberFactory, district
from tests.rmp_portal.quality_page import URL, counts_on_page, section

pytestmark = pytest.mark.django_db


def with_old_phone(group, phone: str, **fields) -> Member:
    """A member whose phone was saved before numbers were checked (written past save())."""
    member = MemberFactory(group=group, **fields)
    Member.objects.filter(pk=member.pk).update(phone=phone)
    return member


def test_the_migration_leaves_an_unreadable_number_and_the_page_lists_it(
    client, officer, officer_same_province
):
    group = GroupFactory(district=district("Devashtich"))
    unreadable = with_old_phone(group, "92 12", surname="Nazarova", given_name="Shahlo")
    readable = with_old_phone(group, "92-765-43-21", surname="Karimova", given_name="Zebo")
    migration = importlib.import_module("members.migrations.0006_member_phone_e164")

    migration.normalise_phones(django_apps, SimpleNamespace(connection=connection))

    unreadable.refresh_from_db()
    readable.refresh_from_db()
    assert (unreadable.phone, readable.phone) == ("92 12", "+992927654321")
    client.force_login(officer)
    html = client.get(URL).content.decode()
    assert counts_on_page(client)["phones"] == 1
    phones = section(html, "phones")
    assert "Members with a phone number that is not valid" in phones
    assert f'href="/members/{unreadable.pk}/"' in phones and "Nazarova Shahlo" in phones
    assert "92 12" in phones
    assert "Karimova" not in phones
    # An officer of another district of the province does not see it (nor its number).
    client.force_login(officer_same_province)
    assert counts_on_page(client)["phones"] == 0
    assert "Nazarova" not in section(client.get(URL).content.decode(), "phones")


def test_valid_numbers_and_empty_ones_are_not_listed(client, officer):
    group = GroupFactory(district=district("Devashtich"))
    MemberFactory(group=group, phone="92 123 4567")
    MemberFactory(group=group, phone="+7 916 123 45 67")  # a migrant's Russian number
    MemberFactory(group=group, phone="+992 37 221 2345")  # a landline
    MemberFactory(group=group, phone="")
    listed = {
        with_old_phone(group, phone).pk
        for phone in (
            "92 12",
            "+992 92 123 4567",  # valid, but not in the one format
            "+9929212",  # E.164's form, but too short for a Tajik number
            "+992131234567",  # nine digits, but no such Tajik number
            "+992 92 ABC 4567",
            "0092",
        )
    }
    with_old_phone(GroupFactory(district=district("Asht")), "92 12")  # not her district
    with_old_phone(GroupFactory(district=district("Rasht")), "92 12")  # another province
    client.force_login(officer)

    assert counts_on_page(client)["phones"] == len(listed)
    lines = {line.key: line for line in quality.report(quality.Scope.of(officer))}
    assert {m.pk for m in lines["phones"].rows} == listed


def test_a_former_members_number_is_listed_too(officer):
    group = GroupFactory(district=district("Devashtich"))
    gone = with_old_phone(group, "92 12", left_on="2020-01-01")

    lines = {line.key: line for line in quality.report(quality.Scope.of(officer))}

    assert [m.pk for m in lines["phones"].rows] == [gone.pk]


def test_managers_see_their_provinces_numbers_only(client, manager_sughd, manager_rasht):
    with_old_phone(GroupFactory(district=district("Devashtich")), "92 12")
    with_old_phone(GroupFactory(district=district("Asht")), "12345")

    client.force_login(manager_sughd)
    assert counts_on_page(client)["phones"] == 2
    client.force_login(manager_rasht)
    assert counts_on_page(client)["phones"] == 0


def test_the_database_condition_agrees_with_phonenumbers_on_tajik_numbers():
    """Every nine-digit Tajik number the library calls valid, and only those, is valid to the
    check (which the database evaluates)."""
    rng = random.Random(992)
    pattern = re.compile(TAJIK_STORED)
    for prefix in range(1000):
        for _ in range(3):
            number = f"+992{prefix:03d}{rng.randrange(10**6):06d}"
            valid = phonenumbers.is_valid_number(phonenumbers.parse(number))
            assert bool(pattern.search(number)) == valid, number


def test_the_database_finds_exactly_the_invalid_numbers():
    group = GroupFactory()
    good = ["+992921234567", "+79161234567", "+442079460958", ""]
    bad = ["+992 92 123 4567", "+9929212", "+992131234567", "921234567", "+7", "x"]
    members = {phone: with_old_phone(group, phone).pk for phone in good + bad}

    found = set(Member.objects.filter(invalid_phone()).values_list("pk", flat=True))

    assert found == {members[phone] for phone in bad}
