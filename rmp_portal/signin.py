"""Sign-in throttling for django-axes (configured in rmp_portal/settings/base.py): which
address a request comes from, and how many failures lock it."""

import ipaddress

from axes.models import AccessFailureLog
from django.conf import settings
from django.utils import timezone


def client_ip_address(request) -> str | None:
    """AXES_CLIENT_IP_CALLABLE: the client's address, as NUM_PROXIES says (above). A header
    with fewer addresses than proxies, or not an address, means REMOTE_ADDR."""
    remote = request.META.get("REMOTE_ADDR")
    proxies = settings.NUM_PROXIES
    if not proxies:
        return remote
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if len(forwarded) < proxies:
        return remote
    try:
        return str(ipaddress.ip_address(forwarded[-proxies]))
    except ValueError:
        return remote


def login_failure_limit(request, credentials) -> int:
    """AXES_FAILURE_LIMIT: how many failures of this username from this address lock it --
    LOGIN_FAILURES_PER_USERNAME, or 0 (locked whatever the username) while the address has
    LOGIN_FAILURES_PER_ADDRESS failures in the last LOGIN_ADDRESS_WINDOW."""
    address = getattr(request, "axes_ip_address", None)
    if address:
        since = timezone.now() - settings.LOGIN_ADDRESS_WINDOW
        recent = AccessFailureLog.objects.filter(ip_address=address, attempt_time__gte=since)
        if recent.count() >= settings.LOGIN_FAILURES_PER_ADDRESS:
            return 0
    return settings.LOGIN_FAILURES_PER_USERNAME
