import logging

from django.db import OperationalError
from django.shortcuts import render

from rmp_portal.access import scope_for

logger = logging.getLogger(__name__)

# Pages a signed-in user without a role may still open: their own account, the language
# switch, Django admin's own login, and what needs no login at all.
_ROLE_FREE_PREFIXES = ("/accounts/", "/i18n/", "/admin/", "/static/", "/healthz")


class RoleRequiredMiddleware:
    """A signed-in user with no role sees a polite page saying whom to ask, and nothing
    else. Runs after authentication and LoginRequiredMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(_ROLE_FREE_PREFIXES)
            and not scope_for(user).has_role
        ):
            return render(request, "no_role.html", status=403)
        return self.get_response(request)


class DatabaseUnavailableMiddleware:
    """While the database is unreachable, answer quickly with a friendly 503 page instead of
    a 500; the next request after it is back works again without restarting workers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OverflowError):
            # SQLite's driver cannot bind integers beyond 64 bits, which a forged id such as
            # 9223372036854775808 in any form or filter becomes inside Django's own choice
            # fields (PostgreSQL compares them fine). The input is bad: say so, save nothing.
            return render(request, "400.html", status=400)
        if isinstance(exception, OperationalError):
            logger.error("Database unavailable on %s: %s", request.path, exception)
            response = render(request, "503.html", status=503)
            response["Retry-After"] = "30"
            return response
        return None
