"""Who is asking: an API key (`Authorization: Api-Key <key>`) acting as its user, or the
portal's session (the browsable API), with CSRF enforced as DRF does for unsafe methods."""

from drf_spectacular.authentication import SessionScheme
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from rmp_portal.api import exceptions as api_exceptions
from rmp_portal.api.models import UserAPIKey

KEYWORD = "Api-Key"


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """`Authorization: Api-Key <prefix>.<secret>`: a key that is known, not revoked and not
    expired authenticates as its user; any other key is a 401, never an anonymous request."""

    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(code=api_exceptions.HEADER_INVALID)
        try:
            key = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(code=api_exceptions.KEY_INVALID) from None
        prefix, dot, _secret = key.partition(".")
        api_key = (
            UserAPIKey.objects.select_related("user").filter(prefix=prefix).first()
            if dot and 0 < len(prefix) <= 8
            else None
        )
        if api_key is None or not api_key.is_valid(key):
            raise exceptions.AuthenticationFailed(code=api_exceptions.KEY_INVALID)
        if api_key.revoked:
            raise exceptions.AuthenticationFailed(code=api_exceptions.KEY_REVOKED)
        if api_key.has_expired:
            raise exceptions.AuthenticationFailed(code=api_exceptions.KEY_EXPIRED)
        if not api_key.user.is_active:
            raise exceptions.AuthenticationFailed(code=api_exceptions.KEY_INVALID)
        return api_key.user, api_key

    def authenticate_header(self, request):
        # Makes DRF answer 401 (not 403) to a request without credentials.
        return KEYWORD


class CsrfSessionAuthentication(authentication.SessionAuthentication):
    """DRF's session authentication (CSRF checked on unsafe methods), its refusal worded
    in the request's language (rmp_portal.api.exceptions)."""

    def enforce_csrf(self, request):
        try:
            super().enforce_csrf(request)
        except exceptions.PermissionDenied:
            raise exceptions.PermissionDenied(code=api_exceptions.CSRF_FAILED) from None


class ApiKeyScheme(OpenApiAuthenticationExtension):
    """The API key in the OpenAPI schema (drf-spectacular)."""

    target_class = ApiKeyAuthentication
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Authorization: Api-Key <key>",
        }


class CsrfSessionScheme(SessionScheme):
    """The session in the OpenAPI schema (drf-spectacular): the portal's session cookie."""

    target_class = CsrfSessionAuthentication
