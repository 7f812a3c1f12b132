"""Limits a member's record keeps however it is written (form, import, a direct save): the
length of free text (a validator for the message, a check constraint in the database) and
the date of leaving, never after today in Dushanbe."""

import datetime
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from imports import services as import_services
from members import services
from members.models import SKILLS_MAX_LENGTH, Member
from tests.factories import GroupFactory, MemberFactory
from tests.imports.conftest import upload
from tests.members.forms import edit_data, form_data

pytestmark = pytest.mark.django_db

TOO_LONG = "Ensure this value has at most 2000 characters (it has 2001)."
FUTURE = "The date of leaving cannot be in the future."
IMPORT_HEAD = "Group;Surname;Given name;Sex;Joined;Left;Skills\r\n"


@pytest.fixture
def group(db):
    group = GroupFactory(name="Bonuvoni Yakhtan")
    assert group.code == "SU-0001"  # the import rows name it
    return group


@pytest.fixture
def member(group):
    return MemberFactory(group=group, surname="Rahimova", given_name="Gulnora", skills="sewing")


def snapshot():
    return list(Member.objects.order_by("pk").values()), Member.history.count()


def import_rows(user, text: str):
    return import_services.import_preview(
        user=user, kind="members", upload=upload("m.csv", IMPORT_HEAD + text)
    )


# ---- length of free text -----------------------------------------------------------------


def test_skills_over_2000_characters_are_refused_by_the_forms(client, officer, group, member):
    assert SKILLS_MAX_LENGTH == 2000
    client.force_login(officer)
    before = snapshot()

    created = client.post("/members/new/", form_data(group, skills="x" * 2001))
    edited = client.post(f"/members/{member.pk}/edit/", edit_data(member, skills="x" * 2001))

    for response in (created, edited):
        assert response.status_code == 200
        assert response.context["form"].errors["skills"] == [TOO_LONG]
    assert snapshot() == before
    # 2,000 characters are fine.
    response = client.post("/members/new/", form_data(group, skills="x" * 2000))
    assert response.status_code == 302
    assert Member.objects.get(surname="Karimova").skills == "x" * 2000


def test_skills_over_2000_characters_are_an_error_row_in_an_import(officer, group, member):
    before = snapshot()

    run = import_rows(
        officer,
        f"SU-0001;Karimova;Zebo;F;01.03.2014;;{'x' * 2001}\r\n"
        f"SU-0001;Rahimova;Gulnora;F;01.03.2012;;{'y' * 2001}\r\n"  # an update of `member`
        f"SU-0001;Nazarova;Shahlo;F;01.03.2014;;{'z' * 2000}\r\n",
    )

    assert [r["s"] for r in run.results] == ["error", "error", "new"]
    for result in run.results[:2]:
        assert result["e"] == [["skills", TOO_LONG]]
    import_services.import_commit(run=run, user=officer)
    # Only the valid row is written; the record the second row would update is as it was.
    assert list(Member.objects.exclude(surname="Nazarova").order_by("pk").values()) == before[0]
    assert Member.objects.get(surname="Nazarova").skills == "z" * 2000


def test_the_database_refuses_skills_over_2000_characters(member):
    member.skills = "x" * 2001
    with pytest.raises(IntegrityError), transaction.atomic():
        member.save()  # save() does not validate: the check constraint does
    with pytest.raises(IntegrityError), transaction.atomic():
        Member.objects.filter(pk=member.pk).update(skills="x" * 2001)
    member.refresh_from_db()
    assert member.skills == "sewing"


# ---- the date of leaving -------------------------------------------------------------------


def test_a_future_leaving_date_is_refused_by_the_model_the_import_and_the_service(
    officer, group, member
):
    today = timezone.localdate()
    tomorrow = today + datetime.timedelta(days=1)
    before = snapshot()

    # The model: any path that validates (forms, admin, services, imports) is refused.
    member.left_on = tomorrow
    with pytest.raises(ValidationError) as refused:
        member.full_clean()
    assert refused.value.message_dict == {"left_on": [FUTURE]}
    with translation.override("ru"):
        assert refused.value.message_dict["left_on"][0] != FUTURE  # translated
    member.refresh_from_db()

    # An import row: an error, and nothing is written.
    run = import_rows(
        officer,
        f"SU-0001;Karimova;Zebo;F;01.03.2014;{tomorrow:%d.%m.%Y};\r\n"
        f"SU-0001;Rahimova;Gulnora;F;01.03.2012;{tomorrow:%d.%m.%Y};sewing\r\n",
    )
    assert [r["s"] for r in run.results] == ["error", "error"]
    assert all(r["e"] == [["left_on", FUTURE]] for r in run.results)
    import_services.import_commit(run=run, user=officer)
    assert snapshot() == before

    # Recording a departure: tomorrow is refused, today is recorded.
    with pytest.raises(ValidationError) as refused:
        services.member_leave(member=member, user=officer, left_on=tomorrow)
    assert refused.value.message_dict == {"left_on": [FUTURE]}
    assert snapshot() == before
    left = services.member_leave(member=member, user=officer, left_on=today)
    assert Member.objects.get(pk=left.pk).left_on == today


def test_today_is_the_date_in_dushanbe_not_in_utc(member):
    """At 02:30 in Dushanbe (UTC+5) it is still yesterday in UTC, the database's clock."""
    utc_evening = datetime.datetime(2026, 3, 9, 21, 30, tzinfo=datetime.UTC)
    with mock.patch("django.utils.timezone.now", return_value=utc_evening):
        assert timezone.localdate() == datetime.date(2026, 3, 10)
        member.left_on = datetime.date(2026, 3, 10)
        member.full_clean()  # today in Dushanbe: fine
        member.left_on = datetime.date(2026, 3, 11)
        with pytest.raises(ValidationError) as refused:
            member.full_clean()
    assert refused.value.message_dict == {"left_on": [FUTURE]}
