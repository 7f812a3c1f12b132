"""Phone numbers are checked and stored in one format (E.164): the normaliser
(rmp_portal.core.phones), the member form, the model (so Django admin too), the registry's
phone search, and the migration that normalises the numbers saved before."""

import datetime
import importlib
import re
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from members import services
from members.models import Member
from rmp_portal.core.phones import MESSAGE, format_phone, normalize_phone
from tests.factories import GroupFactory, MemberFactory
from tests.members.forms import edit_data, form_data

pytestmark = pytest.mark.django_db

ROW_LINK = re.compile(r'href="/members/(\d+)/"')


@pytest.fixture
def group(db):
    return GroupFactory(name="Bonuvoni Yakhtan")


def legacy(member: Member, phone: str) -> Member:
    """`member` with a phone saved before numbers were checked (written past save())."""
    Member.objects.filter(pk=member.pk).update(phone=phone)
    return Member.objects.get(pk=member.pk)


# ---- the normaliser ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("92 123 4567", "+992921234567"),
        ("921234567", "+992921234567"),
        ("+992 92 123-45-67", "+992921234567"),
        ("+992 (92) 123 45 67", "+992921234567"),
        ("992921234567", "+992921234567"),
        ("00992921234567", "+992921234567"),
        ("00 992 92 123 45 67", "+992921234567"),
        ("  +992921234567  ", "+992921234567"),
        ("９２１２３４５６７", "+992921234567"),  # full-width digits, as some keyboards type
        ("+992 37 221 2345", "+992372212345"),  # a Dushanbe landline
        ("+7 916 123 45 67", "+79161234567"),  # a labour migrant's Russian number
        ("810 7 916 123 4567", "+79161234567"),  # dialled from Tajikistan (810)
        ("+998 90 123 45 67", "+998901234567"),  # Uzbekistan
    ],
)
def test_a_valid_number_is_stored_in_e164(typed, stored):
    assert normalize_phone(typed) == stored


@pytest.mark.parametrize(
    "typed",
    [
        "92 12",  # accepted before: too short
        "+992 92 123 45 678",  # ten digits after +992
        "+992 13 123 4567",  # no such Tajik number
        "0921234567",
        "8 92 123 4567",  # not a form phonenumbers reads for Tajikistan: not guessed
        "9161234567",  # a Russian number without +7
        "+992 92 ABC 4567",  # letters are not read as keypad digits
        "921234567 Akbar",
        "92 123 4567 ext 5",
        "92+1234567",
        "+",
        "phone",
    ],
)
def test_what_is_not_a_valid_number_is_refused_with_the_message(typed):
    with pytest.raises(ValidationError) as refused:
        normalize_phone(typed)
    assert refused.value.messages == [str(MESSAGE)]
    assert refused.value.error_list[0].code == "invalid_phone"


@pytest.mark.parametrize("empty", ["", "   ", None])
def test_an_empty_phone_stays_empty(empty):
    assert normalize_phone(empty) == ""


def test_a_stored_number_is_shown_grouped():
    assert format_phone("+992921234567") == "+992 92 123 4567"
    assert format_phone("+79161234567") == "+7 916 123-45-67"
    assert format_phone("92 12") == "92 12"
    assert format_phone("") == ""


# ---- the member form -----------------------------------------------------------------------


def test_the_form_refuses_a_short_number_on_the_field_and_saves_nothing(client, officer, group):
    client.force_login(officer)

    response = client.post("/members/new/", form_data(group, phone="92 12"))

    assert response.status_code == 200
    assert response.context["form"].errors["phone"] == [str(MESSAGE)]
    assert str(MESSAGE) in response.content.decode()
    assert not Member.objects.filter(surname="Karimova").exists()


def test_the_form_saves_a_local_number_in_e164(client, officer, group):
    client.force_login(officer)

    response = client.post("/members/new/", form_data(group, phone="92 123 4567"))

    assert response.status_code == 302
    member = Member.objects.get(surname="Karimova")
    assert member.phone == "+992921234567"
    assert member.phone_digits == "992921234567"


def test_the_form_accepts_a_russian_number(client, officer, group):
    client.force_login(officer)

    response = client.post("/members/new/", form_data(group, phone="+7 916 123 45 67"))

    assert response.status_code == 302
    assert Member.objects.get(surname="Karimova").phone == "+79161234567"


def test_the_phone_stays_optional(client, officer, group):
    client.force_login(officer)

    assert client.post("/members/new/", form_data(group, phone="")).status_code == 302
    assert Member.objects.get(surname="Karimova").phone == ""


def test_editing_a_member_with_an_old_invalid_number_asks_to_correct_it(client, officer, group):
    member = legacy(MemberFactory(group=group, skills=""), "92 12")
    client.force_login(officer)
    url = f"/members/{member.pk}/edit/"

    refused = client.post(url, edit_data(member, skills="sewing"))

    assert refused.status_code == 200
    assert refused.context["form"].errors["phone"] == [str(MESSAGE)]
    member.refresh_from_db()
    assert (member.phone, member.skills) == ("92 12", "")

    saved = client.post(url, edit_data(member, skills="sewing", phone="+992 92 123-45-67"))

    assert saved.status_code == 302
    member.refresh_from_db()
    assert (member.phone, member.skills) == ("+992921234567", "sewing")


# ---- the model: services and Django admin --------------------------------------------------


def test_the_model_refuses_an_invalid_number(group):
    member = Member(
        group=group, surname="Karimova", given_name="Zebo", sex="F", phone="92 12",
        joined_on=datetime.date(2020, 2, 1),
    )  # fmt: skip

    with pytest.raises(ValidationError) as refused:
        member.full_clean()

    assert refused.value.message_dict["phone"] == [str(MESSAGE)]


def test_a_service_refuses_an_invalid_number_and_writes_nothing(officer, group):
    member = MemberFactory(group=group, phone="+992 92 765 4321")

    with pytest.raises(ValidationError) as refused:
        services.member_update(
            member=member,
            user=officer,
            data={"phone": "92 12"},
            version=member.updated_at.isoformat(),
        )

    assert refused.value.message_dict["phone"] == [str(MESSAGE)]
    member.refresh_from_db()
    assert member.phone == "+992927654321"


def test_saving_stores_a_valid_number_in_e164_and_keeps_an_invalid_one():
    member = MemberFactory(phone="+992 (92) 123-45-67")
    assert (member.phone, member.phone_digits) == ("+992921234567", "992921234567")

    member.phone = "92 12"
    member.save()  # paths that store what they are given do not refuse it
    member.refresh_from_db()
    assert (member.phone, member.phone_digits) == ("92 12", "9212")


def test_an_old_invalid_number_does_not_stop_a_departure_or_a_transfer(officer, group):
    member = legacy(MemberFactory(group=group), "92 12")
    target = GroupFactory(name="Target")

    moved = services.member_transfer(
        member=member, user=officer, to_group=target, on_date=datetime.date(2022, 1, 10)
    )
    services.member_leave(member=moved, user=officer, left_on=datetime.date(2023, 1, 10))

    member.refresh_from_db()
    moved.refresh_from_db()
    assert (member.left_on, member.phone) == (datetime.date(2022, 1, 10), "92 12")
    assert (moved.left_on, moved.phone) == (datetime.date(2023, 1, 10), "92 12")


def admin_change_data(member, **overrides) -> dict:
    return {
        "group": member.group_id,
        "surname": member.surname,
        "given_name": member.given_name,
        "patronymic": member.patronymic,
        "sex": member.sex,
        "role": member.role,
        "joined_on": member.joined_on.isoformat(),
        "left_on": "",
        "transferred_from": "",
        "birth_year": member.birth_year or "",
        "phone": member.phone,
        "migration_link": member.migration_link,
        "skills": member.skills,
    } | overrides


def test_django_admin_refuses_an_invalid_number_and_stores_a_valid_one_in_e164(admin_client, group):
    member = MemberFactory(group=group)
    url = reverse("admin:members_member_change", args=[member.pk])

    refused = admin_client.post(url, admin_change_data(member, phone="92 12"))

    assert refused.status_code == 200
    assert refused.context["adminform"].form.errors["phone"] == [str(MESSAGE)]
    assert Member.objects.get(pk=member.pk).phone == member.phone

    saved = admin_client.post(url, admin_change_data(member, phone="92 123 4567"))

    assert saved.status_code == 302
    assert Member.objects.get(pk=member.pk).phone == "+992921234567"


# ---- the registry's phone search ----------------------------------------------------------


@pytest.mark.parametrize(
    "typed", ["92 123 4567", "+992921234567", "+992 92 123-45-67", "123-45-67", "921234567"]
)
def test_the_registry_finds_a_number_however_it_is_typed(client, officer, group, typed):
    found = MemberFactory(group=group, phone="92 123 4567")
    MemberFactory(group=group, phone="+992 93 765 4321")
    client.force_login(officer)

    response = client.get("/members/", {"q": typed})

    assert response.status_code == 200
    assert {int(pk) for pk in ROW_LINK.findall(response.content.decode())} == {found.pk}


# ---- the migration -------------------------------------------------------------------------


def test_the_migration_normalises_the_stored_numbers_and_leaves_what_it_cannot_read(
    client, officer, group
):
    old = {
        "+992 92 123 45 67": ("+992921234567", "992921234567"),
        "92-765-43-21": ("+992927654321", "992927654321"),
        "00992 93 111 2233": ("+992931112233", "992931112233"),
        "+7 (916) 123-45-67": ("+79161234567", "79161234567"),
        "+992901234567": ("+992901234567", "992901234567"),
        "92 12": ("92 12", "9212"),  # not a number: left as it was
        "call Akbar": ("call Akbar", ""),
        "": ("", ""),
    }
    members = {}
    for phone in old:
        member = MemberFactory(group=group)
        # As stored before: typed in any form, the digits of what was typed.
        Member.objects.filter(pk=member.pk).update(
            phone=phone, phone_digits="".join(c for c in phone if c.isdigit())
        )
        members[phone] = member
    history_before = {phone: m.history.count() for phone, m in members.items()}
    migration = importlib.import_module("members.migrations.0006_member_phone_e164")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(migration, "BATCH", 3)  # several batches
        migration.normalise_phones(django_apps, SimpleNamespace(connection=connection))

    for phone, (stored, digits) in old.items():
        member = Member.objects.get(pk=members[phone].pk)
        assert (member.phone, member.phone_digits) == (stored, digits), phone
        changed = stored != phone or digits != "".join(c for c in phone if c.isdigit())
        assert member.history.count() == history_before[phone] + changed, phone
        if changed:
            latest = member.history.latest("history_date")
            assert (latest.phone, latest.history_user) == (stored, None)
            assert latest.history_change_reason == migration.REASON
    # The member's history shows the new format as the migration's change.
    client.force_login(officer)
    page = client.get(f"/members/{members['+992 92 123 45 67'].pk}/")
    assert page.status_code == 200
    assert "→ <ins>+992921234567</ins>" in page.content.decode()
