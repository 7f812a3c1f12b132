import pytest
from django.contrib.auth.models import Group

from rmp_portal.models import StaffProfile
from rmp_portal.services import staff_profile_sync_groups
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_role_permission_groups_exist_after_migrate():
    officers = Group.objects.get(name="Field officers")
    managers = Group.objects.get(name="Managers")
    assert officers.permissions.filter(codename="change_member").exists()
    assert not managers.permissions.filter(codename="change_member").exists()
    assert managers.permissions.filter(codename="view_selfhelpgroup").exists()


def test_a_role_change_moves_the_user_between_groups():
    user = UserFactory()
    profile = StaffProfile.objects.create(user=user, role=StaffProfile.Role.FIELD_OFFICER)
    staff_profile_sync_groups(profile=profile)
    assert list(user.groups.values_list("name", flat=True)) == ["Field officers"]
    profile.role = StaffProfile.Role.MANAGER
    profile.save()
    staff_profile_sync_groups(profile=profile)
    assert list(user.groups.values_list("name", flat=True)) == ["Managers"]
