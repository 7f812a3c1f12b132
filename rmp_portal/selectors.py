"""Reads of the staff layer: what a signed-in user's staff role lets them reach.

`staff_scope` is the resolver behind `rmp_portal.core.access.scope_for` (registered in
`RmpPortalConfig.ready()`), so core can answer "what may this user do" without knowing the
staff model, and the domain apps can apply the answer without importing this layer."""

from groups.models import District
from rmp_portal.core.access import NO_ROLE, Scope


def staff_scope(user) -> Scope:
    """An active, signed-in user's scope: admins (Django staff) reach everything; a field
    officer, manager or analyst what their staff profile names; anyone else nothing (NO_ROLE)."""
    if user.is_staff or user.is_superuser:
        return Scope(
            role="admin",
            read_province_ids=None,
            personal_district_ids=None,
            dashboard_province_ids=None,
        )
    profile = getattr(user, "staff_profile", None)
    if profile is None:
        return NO_ROLE
    if profile.role == "field_officer":
        district_ids = frozenset(profile.districts.values_list("id", flat=True))
        province_ids = frozenset(
            District.objects.filter(id__in=district_ids).values_list("province_id", flat=True)
        )
        if not district_ids:
            return NO_ROLE
        return Scope(
            role="field_officer",
            edit_district_ids=district_ids,
            read_province_ids=province_ids,
            personal_district_ids=district_ids,
            dashboard_province_ids=None,
        )
    if profile.role == "manager":
        if profile.programme_wide:
            return Scope(
                role="manager",
                read_province_ids=None,
                personal_district_ids=None,
                dashboard_province_ids=None,
            )
        province_ids = frozenset(profile.provinces.values_list("id", flat=True))
        if not province_ids:
            return NO_ROLE
        district_ids = frozenset(
            District.objects.filter(province_id__in=province_ids).values_list("id", flat=True)
        )
        return Scope(
            role="manager",
            read_province_ids=province_ids,
            personal_district_ids=district_ids,
            dashboard_province_ids=province_ids,
        )
    if profile.role == "analyst":
        # A donor's analyst: every province's figures (dashboards, the API's figures), no
        # person or group record at all.
        return Scope(role="analyst", dashboard_province_ids=None)
    return NO_ROLE
