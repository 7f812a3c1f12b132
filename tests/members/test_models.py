"""Database rules of members, each proven twice: the database refuses the bad row however it is
written, and full_clean() names the field with a message."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from members.models import Member
from tests.factories import GroupFactory, MemberFactory

pytestmark = pytest.mark.django_db

LEADER = Member.Role.LEADER


def errors_of(instance) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        instance.full_clean()
    return caught.value.message_dict


def new_member(**fields) -> Member:
    """Write a member straight to the database, bypassing Python validation."""
    values = {
        "group": fields.pop("group", None) or GroupFactory(),
        "surname": "Rahimova",
        "given_name": "Gulnora",
        "sex": Member.Sex.FEMALE,
        "joined_on": datetime.date(2012, 3, 1),
    }
    return Member.objects.create(**(values | fields))


# The leader is a woman


def test_it_accepts_a_woman_as_leader_and_a_man_in_another_role():
    group = GroupFactory()
    leader = MemberFactory(group=group, role=LEADER)
    deputy = MemberFactory(group=group, sex=Member.Sex.MALE, role=Member.Role.DEPUTY)

    leader.full_clean()
    deputy.full_clean()


def test_the_database_refuses_a_man_as_leader():
    with pytest.raises(IntegrityError), transaction.atomic():
        new_member(sex=Member.Sex.MALE, role=LEADER)


def test_the_database_refuses_making_a_man_leader():
    man = MemberFactory(sex=Member.Sex.MALE)

    with pytest.raises(IntegrityError), transaction.atomic():
        Member.objects.filter(pk=man.pk).update(role=LEADER)


def test_the_database_refuses_changing_the_leaders_sex_to_male():
    leader = MemberFactory(role=LEADER)

    with pytest.raises(IntegrityError), transaction.atomic():
        Member.objects.filter(pk=leader.pk).update(sex=Member.Sex.MALE)


def test_it_refuses_a_man_as_leader():
    man = MemberFactory.build(group=GroupFactory(), sex=Member.Sex.MALE, role=LEADER)

    assert "a man cannot be the leader" in " ".join(errors_of(man)["role"])


# At most one current leader per group


def test_the_database_refuses_a_second_current_leader():
    leader = MemberFactory(role=LEADER)

    with pytest.raises(IntegrityError), transaction.atomic():
        new_member(group=leader.group, role=LEADER)


def test_the_database_refuses_promoting_a_member_while_the_group_has_a_leader():
    leader = MemberFactory(role=LEADER)
    member = MemberFactory(group=leader.group)

    with pytest.raises(IntegrityError), transaction.atomic():
        Member.objects.filter(pk=member.pk).update(role=LEADER)


def test_the_database_refuses_a_former_leader_coming_back_beside_the_new_leader():
    former = MemberFactory(role=LEADER, left_on=datetime.date(2015, 1, 1))
    MemberFactory(group=former.group, role=LEADER)

    with pytest.raises(IntegrityError), transaction.atomic():
        Member.objects.filter(pk=former.pk).update(left_on=None)


def test_it_refuses_a_second_current_leader():
    leader = MemberFactory(role=LEADER)
    rival = MemberFactory.build(group=leader.group, role=LEADER)

    assert "already has a current leader" in " ".join(errors_of(rival)["role"])


def test_it_accepts_a_new_leader_after_the_former_leader_left():
    group = GroupFactory()
    MemberFactory(group=group, role=LEADER, left_on=datetime.date(2015, 1, 1))
    MemberFactory(group=group, role=LEADER, left_on=datetime.date(2017, 1, 1))
    successor = MemberFactory.build(group=group, role=LEADER)

    successor.full_clean()
    successor.save()
    assert group.members.filter(role=LEADER).count() == 3


def test_it_accepts_a_leader_when_another_group_has_one():
    MemberFactory(role=LEADER)
    other = MemberFactory.build(group=GroupFactory(), role=LEADER)

    other.full_clean()
    other.save()
    assert Member.objects.filter(role=LEADER).count() == 2


def test_the_current_leader_does_not_block_her_own_edit():
    leader = MemberFactory(role=LEADER)
    leader.phone = "+992 93 000 00 00"

    leader.full_clean()


# Dates of membership


def test_the_database_refuses_leaving_before_joining():
    with pytest.raises(IntegrityError), transaction.atomic():
        new_member(joined_on=datetime.date(2015, 5, 2), left_on=datetime.date(2015, 5, 1))


def test_the_database_refuses_an_update_to_leave_before_joining():
    member = MemberFactory(joined_on=datetime.date(2015, 5, 2))

    with pytest.raises(IntegrityError), transaction.atomic():
        Member.objects.filter(pk=member.pk).update(left_on=datetime.date(2015, 5, 1))


def test_it_refuses_leaving_before_joining():
    member = MemberFactory.build(
        group=GroupFactory(),
        joined_on=datetime.date(2015, 5, 2),
        left_on=datetime.date(2015, 5, 1),
    )

    assert "cannot leave before the date they joined" in " ".join(errors_of(member)["left_on"])


def test_it_accepts_leaving_on_the_day_of_joining():
    member = MemberFactory(joined_on=datetime.date(2015, 5, 2), left_on=datetime.date(2015, 5, 2))

    member.full_clean()


def test_it_refuses_a_joining_date_in_the_future():
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    member = MemberFactory.build(group=GroupFactory(), joined_on=tomorrow)

    assert "cannot be in the future" in " ".join(errors_of(member)["joined_on"])


def test_it_accepts_joining_today():
    MemberFactory.build(group=GroupFactory(), joined_on=timezone.localdate()).full_clean()


# Birth year and age


@pytest.mark.parametrize("birth_year", [1899, 2101])
def test_the_database_refuses_an_implausible_birth_year(birth_year):
    member = MemberFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        Member.objects.filter(pk=member.pk).update(birth_year=birth_year)


@pytest.mark.parametrize("birth_year", [1900, 2100, None])
def test_the_database_accepts_birth_years_within_its_bounds(birth_year):
    member = MemberFactory()

    Member.objects.filter(pk=member.pk).update(birth_year=birth_year)

    member.refresh_from_db()
    assert member.birth_year == birth_year


@pytest.mark.parametrize(("age", "valid"), [(13, False), (14, True), (100, True), (101, False)])
def test_it_accepts_members_between_14_and_100_years_old(age, valid):
    member = MemberFactory.build(group=GroupFactory(), birth_year=timezone.localdate().year - age)

    if valid:
        member.full_clean()
    else:
        assert "between 14 and 100 years old" in " ".join(errors_of(member)["birth_year"])


def test_it_accepts_an_unknown_birth_year():
    MemberFactory.build(group=GroupFactory(), birth_year=None).full_clean()


# Choices


@pytest.mark.parametrize(
    ("field", "bogus"), [("sex", "X"), ("role", "boss"), ("migration_link", "tourist")]
)
def test_the_database_refuses_an_unknown_choice(field, bogus):
    member = MemberFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        Member.objects.filter(pk=member.pk).update(**{field: bogus})


@pytest.mark.parametrize(
    ("field", "bogus"), [("sex", "X"), ("role", "boss"), ("migration_link", "tourist")]
)
def test_it_refuses_an_unknown_choice(field, bogus):
    member = MemberFactory.build(group=GroupFactory(), **{field: bogus})

    assert "not a valid choice" in " ".join(errors_of(member)[field])


# Search keys written on save


def test_it_keys_a_member_for_search_in_either_script():
    member = MemberFactory(surname="Раҳимова", given_name="Гулнора", phone="+992 (92) 123-45-67")

    assert member.search_key == "rahimov gulnora saidovna"
    assert member.phone_digits == "992921234567"
    assert Member.objects.filter(search_key__contains="rahimov gulnora").get() == member


# Derived columns


def test_save_derives_the_search_key_and_the_phone_digits():
    member = new_member(surname="Раҳимова", patronymic="Karimovna", phone="+992 (92) 123-45-67")

    assert member.search_key == Member.search_key_for("Раҳимова", "Gulnora", "Karimovna")
    assert member.search_key == "rahimov gulnora karimovna"
    assert member.phone_digits == Member.phone_digits_for(member.phone) == "992921234567"

    member.phone = ""
    member.refresh_derived()
    assert member.phone_digits == ""
