from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.shortcuts import render
from django.utils import translation

from rmp_portal import errors
from rmp_portal.core.access import scope_for

# Pages a signed-in user without a role may still open: their own account, the language
# switch, Django admin's own login, and what needs no login at all.
_ROLE_FREE_PREFIXES = ("/accounts/", "/i18n/", "/admin/", "/static/", "/healthz", "/api/")

# The REST API authenticates its own way (tokens or the session, DRF's authentication classes)
# and answers 401/403 as JSON, never a sign-in page: its permission classes require the role.
API_PREFIX = "/api/"


class LoginRequiredMiddleware(DjangoLoginRequired):
    """Django's: every page but those marked `login_not_required` needs a signed-in user,
    except the REST API, whose views check their own token or session (rmp_portal/api)."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path.startswith(API_PREFIX):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


# What an analyst (figures only) may open besides the role-free pages: the programme
# dashboard ("/"), the province dashboards and their exports.
_FIGURES_PREFIXES = ("/provinces/", "/export/")


def _figures_page(path: str) -> bool:
    return path == "/" or path.startswith(_FIGURES_PREFIXES + _ROLE_FREE_PREFIXES)


class RoleRequiredMiddleware:
    """A signed-in user with no role sees a polite page saying whom to ask, and nothing
    else; an analyst, whose role shows figures only, sees the dashboards and a page saying so
    anywhere else (the selectors show them no record either). Runs after authentication and
    LoginRequiredMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not request.path.startswith(_ROLE_FREE_PREFIXES):
            scope = scope_for(user)
            if not scope.has_role:
                return render(request, "no_role.html", status=403)
            if not scope.reads_records and not _figures_page(request.path):
                return render(request, "figures_only.html", status=403)
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
        if isinstance(exception, errors.DATABASE_DOWN):
            return errors.database_unavailable(request)
        return None


def _profile_language(user) -> str:
    """The language saved on a signed-in user's staff profile, or "".

    Admins (Django staff) need no profile and are not looked up: the cookie is their choice.
    For everyone else the profile is read once per request and cached on the user, where
    rmp_portal.core.access.scope_for finds it, so this costs no query of its own."""
    if not user.is_authenticated or user.is_staff:
        return ""
    profile = getattr(user, "staff_profile", None)
    language = profile.language if profile is not None else ""
    return language if language in dict(settings.LANGUAGES) else ""


def set_language_cookie(response, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


class ProfileLanguageMiddleware:
    """The language a user chose, remembered on their staff profile across devices.

    The language cookie is the choice made in this browser and wins on every request. A
    signed-in user without one (another computer, cookies cleared) gets their profile's
    language, and the cookie is set so the profile is not read again. Signing in applies the
    profile's language even over a cookie, which may be a previous user's on a shared office
    computer. Runs after AuthenticationMiddleware; rmp_portal.views.set_language saves a
    new choice on the profile."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        was_signed_in = request.user.is_authenticated
        language = ""
        if was_signed_in and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
            language = _profile_language(request.user)
            if language:
                translation.activate(language)
                request.LANGUAGE_CODE = language
        response = self.get_response(request)
        if not was_signed_in and request.user.is_authenticated:  # this request signed in
            language = _profile_language(request.user)
        if language and settings.LANGUAGE_COOKIE_NAME not in response.cookies:
            set_language_cookie(response, language)
        return response
