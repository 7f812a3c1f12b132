"""Database rules of the geography and of self-help groups, each proven twice: the database
refuses the bad row however it is written, and full_clean() names the field with a message."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from groups.models import District, GroupCodeCounter, Jamoat, Province, SelfHelpGroup
from tests.factories import GroupFactory, MemberFactory

pytestmark = pytest.mark.django_db


def errors_of(instance) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        instance.full_clean()
    return caught.value.message_dict


def district(name: str) -> District:
    return District.objects.get(name=name)


def jamoat(name: str, district_name: str) -> Jamoat:
    return Jamoat.objects.get(name=name, district__name=district_name)


# Registry codes


def test_it_numbers_groups_per_province():
    first_sughd = GroupFactory(district=district("Devashtich"))
    second_sughd = GroupFactory(district=district("Asht"))
    first_rasht = GroupFactory(district=district("Rasht"))

    assert [first_sughd.code, second_sughd.code, first_rasht.code] == [
        "SU-0001",
        "SU-0002",
        "RA-0001",
    ]
    assert GroupCodeCounter.objects.get(province__code="SU").last_number == 2


def test_it_never_reuses_the_code_of_a_deleted_group():
    GroupFactory()
    newest = GroupFactory()
    assert newest.code == "SU-0002"
    newest.delete()

    assert GroupFactory().code == "SU-0003"


def test_it_keeps_the_code_when_a_group_is_saved_again():
    group = GroupFactory()
    group.name = "Guncha"
    group.save()

    group.refresh_from_db()
    assert group.code == "SU-0001"
    assert GroupCodeCounter.objects.get(province__code="SU").last_number == 1


def test_a_block_of_codes_is_reserved_at_once_and_follows_on():
    sughd = Province.objects.get(code="SU")
    GroupFactory(district=district("Devashtich"))

    assert GroupCodeCounter.reserve(sughd, 3) == ["SU-0002", "SU-0003", "SU-0004"]
    assert GroupCodeCounter.reserve(sughd, 0) == []
    assert GroupCodeCounter.objects.get(province=sughd).last_number == 4
    assert GroupFactory(district=district("Asht")).code == "SU-0005"
    assert GroupCodeCounter.format_code("RA", 12) == "RA-0012"
    assert GroupCodeCounter.format_code("RA", 12345) == "RA-12345"


def test_reserving_numbers_locks_the_counter_once(django_assert_num_queries):
    rasht = Province.objects.get(code="RA")
    GroupCodeCounter.objects.create(province=rasht, last_number=7)

    with django_assert_num_queries(2):  # the locked read, the update
        assert GroupCodeCounter.reserve_numbers(rasht, 100) == range(8, 108)


def test_the_search_key_is_refreshed_from_code_name_and_village():
    group = GroupFactory(name="Ҷамъияти Гулҳо", village="Ғозиён")
    assert group.search_key == SelfHelpGroup.search_key_for(group.code, group.name, group.village)
    assert group.search_key == "su 0001 jamiati gulho gozien"

    group.village = ""
    group.refresh_derived()
    assert group.search_key == "su 0001 jamiati gulho"


def test_the_database_refuses_a_duplicate_code():
    existing = GroupFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        SelfHelpGroup.objects.create(
            code=existing.code,
            name="Copy",
            district=existing.district,
            established_on=datetime.date(2015, 1, 1),
        )


def test_the_database_refuses_an_update_to_another_groups_code():
    first, second = GroupFactory(), GroupFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        SelfHelpGroup.objects.filter(pk=second.pk).update(code=first.code)


def test_full_clean_reports_a_duplicate_code_on_the_code_field():
    existing = GroupFactory()
    copy = GroupFactory.build(code=existing.code)

    assert "already exists" in " ".join(errors_of(copy)["code"])


# Districts


def test_the_database_refuses_a_second_district_of_the_same_name_in_a_province():
    sughd = Province.objects.get(code="SU")

    with pytest.raises(IntegrityError), transaction.atomic():
        District.objects.create(province=sughd, name="Asht")


def test_it_allows_the_same_district_name_in_another_province():
    rasht_valley = Province.objects.get(code="RA")

    twin = District.objects.create(province=rasht_valley, name="Asht")

    assert District.objects.filter(name="Asht").count() == 2
    assert twin.province.code == "RA"


def test_full_clean_reports_a_duplicate_district_name_in_a_province():
    # The rule spans two fields (province, name), so Django reports it for the form as a whole.
    copy = District(province=Province.objects.get(code="SU"), name="Asht")

    errors = errors_of(copy)

    assert "Province and Name (English) already exists" in " ".join(errors["__all__"])


def test_it_refreshes_a_districts_search_key_from_its_names():
    asht = district("Asht")
    asht.former_names = "Old Asht"
    asht.save()

    asht.refresh_from_db()
    assert "old asht" in asht.search_key


# The jamoat of a group lies in the group's district


def test_it_accepts_a_jamoat_of_the_groups_district():
    group = GroupFactory(jamoat=jamoat("Yakhtan", "Devashtich"))

    group.full_clean()
    group.refresh_from_db()
    assert group.jamoat.name == "Yakhtan"


def test_the_database_refuses_a_new_group_in_a_jamoat_of_another_district():
    with pytest.raises(IntegrityError), transaction.atomic():
        SelfHelpGroup.objects.create(
            name="Misplaced",
            district=district("Devashtich"),
            jamoat=jamoat("Shaidon", "Asht"),
            established_on=datetime.date(2015, 1, 1),
        )
    assert not SelfHelpGroup.objects.filter(name="Misplaced").exists()


def test_the_database_refuses_moving_a_group_to_a_jamoat_of_another_district():
    group = GroupFactory(jamoat=jamoat("Yakhtan", "Devashtich"))

    with pytest.raises(IntegrityError), transaction.atomic():
        SelfHelpGroup.objects.filter(pk=group.pk).update(jamoat=jamoat("Shaidon", "Asht"))


def test_the_database_refuses_moving_a_group_to_another_district_away_from_its_jamoat():
    group = GroupFactory(jamoat=jamoat("Yakhtan", "Devashtich"))

    with pytest.raises(IntegrityError), transaction.atomic():
        SelfHelpGroup.objects.filter(pk=group.pk).update(district=district("Asht"))


def test_the_database_lets_a_group_move_district_with_its_jamoat():
    group = GroupFactory(jamoat=jamoat("Yakhtan", "Devashtich"))

    SelfHelpGroup.objects.filter(pk=group.pk).update(
        district=district("Asht"), jamoat=jamoat("Shaidon", "Asht")
    )

    group.refresh_from_db()
    assert (group.district.name, group.jamoat.name) == ("Asht", "Shaidon")


def test_full_clean_reports_a_jamoat_of_another_district_on_the_jamoat_field():
    group = GroupFactory.build(district=district("Devashtich"), jamoat=jamoat("Shaidon", "Asht"))

    assert "not in the district" in " ".join(errors_of(group)["jamoat"])


def test_the_database_refuses_moving_a_jamoat_away_from_its_groups_district():
    yakhtan = jamoat("Yakhtan", "Devashtich")
    GroupFactory(jamoat=yakhtan)

    with pytest.raises(IntegrityError), transaction.atomic():
        Jamoat.objects.filter(pk=yakhtan.pk).update(district=district("Asht"))


def test_the_database_lets_a_jamoat_without_groups_move_district():
    yakhtan = jamoat("Yakhtan", "Devashtich")

    Jamoat.objects.filter(pk=yakhtan.pk).update(district=district("Asht"))

    yakhtan.refresh_from_db()
    assert yakhtan.district.name == "Asht"


def test_full_clean_reports_moving_a_jamoat_away_from_its_groups_on_the_district_field():
    yakhtan = jamoat("Yakhtan", "Devashtich")
    GroupFactory(jamoat=yakhtan)
    yakhtan.district = district("Asht")

    assert "cannot be moved away" in " ".join(errors_of(yakhtan)["district"])


# Geography and groups are protected from deletion while in use


def test_it_refuses_to_delete_a_district_with_groups():
    rasht = district("Rasht")  # no reference jamoats, so only the group protects it
    group = GroupFactory(district=rasht)

    with pytest.raises(ProtectedError) as caught:
        rasht.delete()

    assert set(caught.value.protected_objects) == {group}
    assert District.objects.filter(pk=rasht.pk).exists()


def test_it_refuses_to_delete_a_jamoat_with_groups():
    yakhtan = jamoat("Yakhtan", "Devashtich")
    group = GroupFactory(jamoat=yakhtan)

    with pytest.raises(ProtectedError) as caught:
        yakhtan.delete()

    assert set(caught.value.protected_objects) == {group}
    assert Jamoat.objects.filter(pk=yakhtan.pk).exists()


def test_it_refuses_to_delete_a_group_with_members():
    member = MemberFactory()
    group = member.group

    with pytest.raises(ProtectedError) as caught:
        group.delete()

    assert set(caught.value.protected_objects) == {member}
    assert SelfHelpGroup.objects.filter(pk=group.pk).exists()


# Status and dates


def test_it_accepts_a_dissolved_group_with_its_date():
    group = GroupFactory(
        status=SelfHelpGroup.Status.DISSOLVED, dissolved_on=datetime.date(2018, 1, 1)
    )

    group.full_clean()


@pytest.mark.parametrize(
    ("status", "dissolved_on", "message"),
    [
        ("dissolved", None, "Give the date the group was dissolved"),
        ("active", datetime.date(2018, 1, 1), "Only a dissolved group has a date"),
        ("inactive", datetime.date(2018, 1, 1), "Only a dissolved group has a date"),
    ],
)
def test_it_refuses_a_status_that_disagrees_with_the_dissolution_date(
    status, dissolved_on, message
):
    group = GroupFactory.build(status=status, dissolved_on=dissolved_on)
    assert message in " ".join(errors_of(group)["dissolved_on"])

    with pytest.raises(IntegrityError), transaction.atomic():
        SelfHelpGroup.objects.create(
            name="Inconsistent",
            district=district("Devashtich"),
            established_on=datetime.date(2012, 3, 1),
            status=status,
            dissolved_on=dissolved_on,
        )


def test_the_database_refuses_dissolving_a_group_without_a_date():
    group = GroupFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        SelfHelpGroup.objects.filter(pk=group.pk).update(status=SelfHelpGroup.Status.DISSOLVED)


def test_the_database_refuses_a_group_dissolved_before_it_was_established():
    group = GroupFactory(established_on=datetime.date(2012, 3, 1))

    with pytest.raises(IntegrityError), transaction.atomic():
        SelfHelpGroup.objects.filter(pk=group.pk).update(
            status=SelfHelpGroup.Status.DISSOLVED, dissolved_on=datetime.date(2012, 2, 29)
        )


def test_full_clean_reports_a_group_dissolved_before_it_was_established():
    group = GroupFactory.build(
        established_on=datetime.date(2012, 3, 1),
        status=SelfHelpGroup.Status.DISSOLVED,
        dissolved_on=datetime.date(2012, 2, 29),
    )

    assert "dissolved before it was established" in " ".join(errors_of(group)["dissolved_on"])


def test_it_accepts_a_group_established_today_or_on_the_first_day_of_the_programme():
    GroupFactory.build(established_on=timezone.localdate()).full_clean()
    GroupFactory.build(established_on=datetime.date(2010, 1, 1)).full_clean()


def test_full_clean_refuses_a_group_established_in_the_future():
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    group = GroupFactory.build(established_on=tomorrow)

    assert "cannot be in the future" in " ".join(errors_of(group)["established_on"])


def test_full_clean_refuses_a_group_established_before_the_programme():
    group = GroupFactory.build(established_on=datetime.date(2009, 12, 31))

    assert "before 1 January 2010" in " ".join(errors_of(group)["established_on"])


def test_an_admin_can_accept_a_group_established_before_the_programme():
    group = GroupFactory.build(established_on=datetime.date(2009, 12, 31))
    group.allow_date_before_programme = True

    group.full_clean()


def test_the_database_refuses_an_unknown_group_status():
    group = GroupFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        SelfHelpGroup.objects.filter(pk=group.pk).update(status="bogus")


def test_full_clean_refuses_an_unknown_group_status():
    group = GroupFactory.build(status="bogus")

    assert "not a valid choice" in " ".join(errors_of(group)["status"])
