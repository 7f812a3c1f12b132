"""Who may see and change what: a user's *scope*, and the filters that apply it to a queryset.

The scope (which districts a user edits, which provinces they read, where they may see personal
data) is computed once per request by the resolver the staff layer registers
(`rmp_portal.selectors.staff_scope`, connected in `RmpPortalConfig.ready()`): this module knows
no model. Each domain app applies the scope to its own querysets in its `selectors.py`
(`groups.selectors.groups_visible`, `members.selectors.members_visible`, ...) with
`by_province` / `by_district`; views, exports and dashboards go through those. The rules
(README, "Who may do what"):

- admins (Django staff) see and change everything;
- field officers change records in their districts, read the registry of the rest of their
  province without personal data, and see dashboards (aggregates) of every province;
- managers read and export their provinces (programme-wide managers: all) and change nothing;
- analysts (donors' analysts) read the figures of every province, never a record.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet

PERSONAL_FIELDS = ("phone", "birth_year", "patronymic")


@dataclass(frozen=True)
class Scope:
    """A user's reach, computed once per request. `None` means "everything"."""

    role: str  # "admin", "field_officer", "manager", "analyst" or "" (no role yet)
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
    def reads_records(self) -> bool:
        """Whether the user may read any record (registries, record pages, the API's
        resources). An analyst reads figures only."""
        return self.read_province_ids is None or bool(self.read_province_ids)

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


_resolver: Callable[[object], Scope] | None = None


def register_scope_resolver(resolver: Callable[[object], Scope]) -> None:
    """Name the function that computes an active, signed-in user's scope (once per request)."""
    global _resolver
    _resolver = resolver


def scope_for(user) -> Scope:
    """The user's scope, cached on the user object for the request."""
    if not user.is_authenticated or not user.is_active:
        return NO_ROLE
    cached = getattr(user, "_rmp_scope", None)
    if cached is None:
        if _resolver is None:
            raise ImproperlyConfigured("No scope resolver is registered (core.access).")
        cached = _resolver(user)
        user._rmp_scope = cached
    return cached


def by_province(queryset: QuerySet, scope: Scope, path: str) -> QuerySet:
    """`queryset` narrowed to the provinces `scope` reads; `path` leads to a province id."""
    if scope.read_province_ids is None:
        return queryset
    return queryset.filter(**{f"{path}__in": scope.read_province_ids})


def by_district(queryset: QuerySet, scope: Scope, path: str) -> QuerySet:
    """`queryset` narrowed to the districts `scope` edits; `path` leads to a district id."""
    if scope.is_admin:
        return queryset
    return queryset.filter(**{f"{path}__in": scope.edit_district_ids})


def by_dashboard_province(queryset: QuerySet, scope: Scope, path: str) -> QuerySet:
    """`queryset` narrowed to the provinces whose dashboards `scope` sees."""
    if scope.dashboard_province_ids is None:
        return queryset
    return queryset.filter(**{f"{path}__in": scope.dashboard_province_ids})


def may_see_personal_data(user, district_id: int | None) -> bool:
    return scope_for(user).may_see_personal_data(district_id)
