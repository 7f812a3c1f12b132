from django.contrib.auth.models import Group
from django.db import transaction

from rmp_portal.models import StaffProfile

ROLE_GROUP_NAMES = {
    StaffProfile.Role.FIELD_OFFICER: "Field officers",
    StaffProfile.Role.MANAGER: "Managers",
}


@transaction.atomic
def staff_profile_sync_groups(*, profile: StaffProfile) -> None:
    """Put the user in the permission group of their role, and out of the other roles'."""
    user = profile.user
    user.groups.remove(*Group.objects.filter(name__in=ROLE_GROUP_NAMES.values()))
    user.groups.add(Group.objects.get(name=ROLE_GROUP_NAMES[profile.role]))
