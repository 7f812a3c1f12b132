"""JSON errors in the request's language (Accept-Language: en, ru, tg).

DRF's own messages are translated into some languages but not Tajik, and its wording is
generic. Every error the API answers gets one of the messages below instead, chosen by its
status and code, with the parameters' own errors (from the registries' filter forms) under
`errors`. Input the database driver cannot take (an id beyond 64 bits on SQLite) is a 400,
never a 500."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions

# Codes of our own, raised by rmp_portal.api with `code=`.
NO_ROLE = "no_role"
FIGURES_ONLY = "figures_only"
KEY_EXPIRED = "key_expired"
KEY_REVOKED = "key_revoked"
KEY_INVALID = "key_invalid"
HEADER_INVALID = "header_invalid"
CSRF_FAILED = "csrf_failed"
INVALID_CURSOR = "invalid_cursor"

MESSAGES = {
    "invalid": _("The request is not valid: see the errors of each parameter."),
    "parse_error": _("The request could not be read."),
    INVALID_CURSOR: _("The cursor is not valid: start again from the first page."),
    "not_authenticated": _(
        "Authentication is required: send the header “Authorization: Api-Key <key>”, or sign in."
    ),
    "authentication_failed": _("The credentials are not valid."),
    KEY_INVALID: _("This API key is not valid."),
    KEY_EXPIRED: _("This API key has expired: ask an administrator for a new one."),
    KEY_REVOKED: _("This API key has been revoked: ask an administrator for a new one."),
    HEADER_INVALID: _("The Authorization header must read “Api-Key <key>”."),
    "permission_denied": _("You may not read this resource."),
    NO_ROLE: _("Your account has no role yet: ask an administrator to give you one."),
    FIGURES_ONLY: _("Your role reads figures only, not records."),
    CSRF_FAILED: _("The CSRF check failed: send the CSRF token with a signed-in request."),
    "not_found": _("Not found, or outside what you may read."),
    "method_not_allowed": _("This API is read-only: only GET requests are accepted."),
    "not_acceptable": _("This API answers in JSON only."),
    "unsupported_media_type": _("This API reads no request body."),
    "throttled": _("Too many requests: try again later."),
}

THROTTLED_WAIT = _("Too many requests: try again in %(seconds)s seconds.")

# The code each status falls back on.
DEFAULT_CODES = {
    400: "invalid",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    415: "unsupported_media_type",
    429: "throttled",
}


def _code(exc: exceptions.APIException, status_code: int) -> str:
    codes = exc.get_codes()
    if isinstance(codes, list) and len(codes) == 1:
        codes = codes[0]
    if isinstance(codes, str) and codes in MESSAGES:
        return codes
    return DEFAULT_CODES.get(status_code, "invalid")


def _field_errors(exc: exceptions.APIException) -> dict | None:
    """The parameters' own messages of a validation error, as {name: [messages]}."""
    if not isinstance(exc, exceptions.ValidationError) or not isinstance(exc.detail, dict):
        return None
    return {
        str(name): [str(message) for message in (value if isinstance(value, list) else [value])]
        for name, value in exc.detail.items()
    }


def exception_handler(exc, context):
    """DRF's handler (headers such as WWW-Authenticate and Retry-After), then the body
    replaced by {"status", "code", "detail"[, "errors"]} in the request's language."""
    # Imported here: rest_framework.views reads the API settings, which import this
    # package's authentication (and through it this module) while they load.
    from rest_framework.views import exception_handler as drf_exception_handler

    if isinstance(exc, OverflowError):
        exc = exceptions.ValidationError(code="invalid")
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    code = _code(exc, response.status_code)
    detail = MESSAGES[code]
    if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        detail = THROTTLED_WAIT % {"seconds": int(exc.wait) + 1}
    body = {"status": response.status_code, "code": code, "detail": str(detail)}
    errors = _field_errors(exc)
    if errors:
        body["errors"] = errors
    response.data = body
    return response
