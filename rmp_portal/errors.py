"""The portal's answer to an unhandled exception (`handler500`).

While the database is unreachable, every layer that touches it can fail: the session and the
user are loaded in middleware, before any view, and the session is saved after it. Django
turns an exception in any of those into the 500 handler's answer, so the handler is the one
place that sees them all: a database connection error becomes the friendly 503 page (the
next request after the database is back works again, without restarting workers); anything
else is the portal's 500 page. Neither page touches the database (no request context)."""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.template import loader
from django.utils.translation import get_language
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger(__name__)

DATABASE_DOWN = (OperationalError, InterfaceError)


def database_unavailable(request) -> HttpResponse:
    logger.error("Database unavailable on %s: %s", request.path, sys.exc_info()[1])
    body = loader.get_template("503.html").render({"LANGUAGE_CODE": get_language()})
    response = HttpResponse(body, status=503)
    response["Retry-After"] = "30"
    return response


@requires_csrf_token
def server_error(request) -> HttpResponse:
    if isinstance(sys.exc_info()[1], DATABASE_DOWN):
        return database_unavailable(request)
    body = loader.get_template("500.html").render({"LANGUAGE_CODE": get_language()})
    return HttpResponseServerError(body)
