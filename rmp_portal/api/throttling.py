"""Requests counted per API key (its prefix), or per signed-in user for the session, at the
rate of settings.API_THROTTLE_RATE. The counts live in the cache: with several workers it
must be shared (Redis), or each worker allows the full rate on its own."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from rmp_portal.api.models import UserAPIKey


class ApiKeyRateThrottle(SimpleRateThrottle):
    scope = "api"

    def get_rate(self):
        return settings.API_THROTTLE_RATE

    def get_cache_key(self, request, view):
        if isinstance(request.auth, UserAPIKey):
            ident = f"key:{request.auth.prefix}"
        elif request.user and request.user.is_authenticated:
            ident = f"user:{request.user.pk}"
        else:
            ident = f"address:{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
