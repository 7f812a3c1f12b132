"""Demo data (`load_demo_data`) and the national-scale generator (`generate_scale_data`) write
phone numbers as the portal stores them: valid, in E.164 (rmp_portal.core.phones), so the
data-quality page has no phone to list on a fresh demo."""

import io

import pytest
from django.core.management import call_command

from members.models import Member
from rmp_portal.core.phones import invalid_phone, normalize_phone
from rmp_portal.core.text import phone_key

pytestmark = pytest.mark.django_db


def assert_stored_as_the_portal_would(minimum: int) -> None:
    phones = list(Member.objects.exclude(phone="").values_list("phone", "phone_digits"))
    assert len(phones) >= minimum
    for phone, digits in phones:
        assert normalize_phone(phone) == phone  # valid, and already in E.164
        assert digits == phone_key(phone)
    assert not Member.objects.filter(invalid_phone()).exists()


def test_the_demo_data_phones_are_valid_and_in_e164():
    call_command("load_demo_data", force=True, stdout=io.StringIO())

    assert_stored_as_the_portal_would(minimum=500)
    director = Member.objects.get(surname="Usmonova", given_name="Rukhsora")
    assert director.phone == "+992927041158"


def test_the_generated_phones_are_valid_and_in_e164():
    call_command(
        "generate_scale_data", groups=40, members=400, stdout=io.StringIO(), stderr=io.StringIO()
    )

    assert_stored_as_the_portal_would(minimum=200)
