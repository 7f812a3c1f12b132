"""What a signed-in caller's role lets them read (rmp_portal.core.access): every resource
needs a role; the records (groups, members, ...) need a role that reads records, which an
analyst's does not (figures and districts only)."""

from rest_framework import exceptions, permissions

from rmp_portal.api import exceptions as api_exceptions
from rmp_portal.core.access import scope_for


class HasRole(permissions.BasePermission):
    """Signed in (key or session) with a role; anonymous: 401, no role: 403."""

    def has_permission(self, request, view):
        user = request.user
        if not user or not user.is_authenticated:
            raise exceptions.NotAuthenticated()
        if not scope_for(user).has_role:
            raise exceptions.PermissionDenied(code=api_exceptions.NO_ROLE)
        return True


class ReadsRecords(HasRole):
    """A role that reads records (`Scope.reads_records`); an analyst gets 403."""

    def has_permission(self, request, view):
        super().has_permission(request, view)
        if not scope_for(request.user).reads_records:
            raise exceptions.PermissionDenied(code=api_exceptions.FIGURES_ONLY)
        return True
