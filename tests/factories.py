"""factory_boy factories. Geography comes from the reference data the migrations load."""

import datetime

import factory
from django.contrib.auth import get_user_model

from cooperatives.models import Cooperative, CooperativeMembership
from groups.models import District, SelfHelpGroup
from members.models import Member
from rmp_portal.models import StaffProfile

PASSWORD = "Correct-Horse-42"


def district(name: str) -> District:
    return District.objects.get(name=name)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def field_officer(*district_names: str, username: str | None = None):
    user = UserFactory(**({"username": username} if username else {}))
    profile = StaffProfile.objects.create(user=user, role=StaffProfile.Role.FIELD_OFFICER)
    profile.districts.set(District.objects.filter(name__in=district_names))
    return user


def manager(*province_codes: str, programme_wide: bool = False, username: str | None = None):
    from groups.models import Province

    user = UserFactory(**({"username": username} if username else {}))
    profile = StaffProfile.objects.create(
        user=user, role=StaffProfile.Role.MANAGER, programme_wide=programme_wide
    )
    profile.provinces.set(Province.objects.filter(code__in=province_codes))
    return user


def analyst(*, username: str | None = None):
    """A donors' analyst: figures only."""
    user = UserFactory(**({"username": username} if username else {}))
    StaffProfile.objects.create(user=user, role=StaffProfile.Role.ANALYST)
    return user


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SelfHelpGroup
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Group {n}")
    district = factory.LazyFunction(lambda: district("Devashtich"))
    village = "Yakhtan"
    established_on = datetime.date(2012, 3, 1)
    status = SelfHelpGroup.Status.ACTIVE


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    group = factory.SubFactory(GroupFactory)
    surname = factory.Sequence(lambda n: f"Rahimova{n}")
    given_name = "Gulnora"
    patronymic = "Saidovna"
    sex = Member.Sex.FEMALE
    birth_year = 1980
    phone = factory.Sequence(lambda n: f"+992 92 {n:07d}")
    role = Member.Role.MEMBER
    joined_on = datetime.date(2012, 3, 1)


class CooperativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cooperative

    name = factory.Sequence(lambda n: f"Cooperative {n}")
    district = factory.LazyFunction(lambda: district("Devashtich"))
    formed_on = datetime.date(2013, 5, 1)
    status = Cooperative.Status.REGISTERED


class CooperativeMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CooperativeMembership

    cooperative = factory.SubFactory(CooperativeFactory)
    group = factory.SubFactory(GroupFactory)
    joined_on = datetime.date(2013, 5, 1)
