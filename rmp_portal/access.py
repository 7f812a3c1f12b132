"""Who may see and change what: the one place that answers it, as querysets.

Every view, export and dashboard goes through these functions; templates only decide how to
show what they were given. The rules (DESIGN.md, "Who may do what"):

- admins (Django staff) see and change everything;
- field officers change records in their districts, read the registry of the rest of their
  province without personal data, and see dashboards (aggregates) of every province;
- managers read and export their provinces (programme-wide managers: all) and change nothing.
"""

from dataclasses import dataclass, field

from django.db.models import QuerySet

from groups.models import District, Province, SelfHelpGroup
from members.models import Member

PERSONAL_FIELDS = ("phone", "birth_year", "patronymic")


@dataclass(frozen=True)
class Scope:
    """A user's reach, computed once per request. `None` means "everything"."""

    role: str  # "admin", "field_officer", "manager" or "" (no role yet)
    edit_district_ids: frozenset[int] = field(default_factory=frozenset)
    read_province_ids: frozenset[int] | None = field(default_factory=frozenset)
    personal_district_ids: frozenset[int] | None = field(default_factory=frozenset)
    dashboard_province_ids: frozenset[int] | None = field(default_factory=frozenset)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def has_role(self) -> bool:
        return bool(self.role)

    @property
    def can_edit(self) -> bool:
        return self.is_admin or bool(self.edit_district_ids)

    def may_edit_district(self, district_id: int | None) -> bool:
        return self.is_admin or district_id in self.edit_district_ids

    def may_read_province(self, province_id: int) -> bool:
        return self.read_province_ids is None or province_id in self.read_province_ids

    def may_see_personal_data(self, district_id: int | None) -> bool:
        return self.personal_district_ids is None or district_id in self.personal_district_ids

    def may_see_dashboard(self, province_id: int) -> bool:
        return self.dashboard_province_ids is None or province_id in self.dashboard_province_ids


NO_ROLE = Scope(role="")


def scope_for(user) -> Scope:
    """The user's scope, cached on the user object for the request."""
    if not user.is_authenticated or not user.is_active:
        return NO_ROLE
    cached = getattr(user, "_rmp_scope", None)
    if cached is None:
        cached = _compute_scope(user)
        user._rmp_scope = cached
    return cached


def _compute_scope(user) -> Scope:
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
    return NO_ROLE


def _by_province(queryset: QuerySet, scope: Scope, path: str) -> QuerySet:
    if scope.read_province_ids is None:
        return queryset
    return queryset.filter(**{f"{path}__in": scope.read_province_ids})


def _by_district(queryset: QuerySet, scope: Scope, path: str) -> QuerySet:
    if scope.is_admin:
        return queryset
    return queryset.filter(**{f"{path}__in": scope.edit_district_ids})


def groups_visible(user) -> QuerySet[SelfHelpGroup]:
    return _by_province(SelfHelpGroup.objects.all(), scope_for(user), "district__province_id")


def groups_editable(user) -> QuerySet[SelfHelpGroup]:
    return _by_district(SelfHelpGroup.objects.all(), scope_for(user), "district_id")


def members_visible(user) -> QuerySet[Member]:
    return _by_province(Member.objects.all(), scope_for(user), "group__district__province_id")


def members_editable(user) -> QuerySet[Member]:
    return _by_district(Member.objects.all(), scope_for(user), "group__district_id")


def cooperatives_visible(user):
    from cooperatives.models import Cooperative

    return _by_province(Cooperative.objects.all(), scope_for(user), "district__province_id")


def cooperatives_editable(user):
    from cooperatives.models import Cooperative

    return _by_district(Cooperative.objects.all(), scope_for(user), "district_id")


def districts_editable(user) -> QuerySet[District]:
    return _by_district(District.objects.select_related("province"), scope_for(user), "id")


def districts_visible(user) -> QuerySet[District]:
    return _by_province(District.objects.select_related("province"), scope_for(user), "province_id")


def provinces_visible(user) -> QuerySet[Province]:
    return _by_province(Province.objects.all(), scope_for(user), "id")


def dashboard_provinces(user) -> QuerySet[Province]:
    scope = scope_for(user)
    if scope.dashboard_province_ids is None:
        return Province.objects.all()
    return Province.objects.filter(id__in=scope.dashboard_province_ids)


def may_see_personal_data(user, district_id: int | None) -> bool:
    return scope_for(user).may_see_personal_data(district_id)
