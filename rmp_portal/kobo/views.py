"""The webhook Kobo's REST Services call with each new submission: no login, no CSRF token
(Kobo has neither), but the form's shared secret; the submission waits in the form's open
webhook run for an officer to confirm it on the imports pages."""

import json
import logging

from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from rmp_portal.kobo import services
from rmp_portal.kobo.client import KoboError
from rmp_portal.kobo.models import KoboForm

logger = logging.getLogger(__name__)
SECRET_HEADER = "X-Kobo-Secret"  # noqa: S105 - the header's name, not a secret


def _answer(status: int, detail: str, **extra) -> JsonResponse:
    return JsonResponse({"detail": detail, **extra}, status=status)


@login_not_required
@csrf_exempt
@require_POST
def hook(request, slug: str):
    form = KoboForm.objects.select_related("user").filter(slug=slug).first()
    given = request.headers.get(SECRET_HEADER) or request.GET.get("secret", "")
    # Compared in constant time, and an unknown form answers as a wrong secret does.
    expected = form.webhook_secret if form is not None else services.SOURCE_MAX_LENGTH * "-"
    if not (constant_time_compare(given, expected) and form is not None and given):
        return _answer(403, _("Wrong or missing secret."))
    try:
        submission = json.loads(request.body)
    except (UnicodeDecodeError, ValueError):
        return _answer(400, _("The body is not JSON."))
    try:
        intake = services.kobo_receive(form=form, submission=submission)
    except services.BadSubmission as error:
        return _answer(400, error.message)
    except KoboError as error:
        logger.warning("Kobo webhook for %s refused: %s", form.slug, error.message)
        return _answer(409, error.message)
    if intake.run is None:
        return _answer(200, _("Already received: not added again."), added=False)
    return _answer(
        201,
        _("Received: it waits in import #%(run)d for confirmation.") % {"run": intake.run.pk},
        added=True,
        run=intake.run.pk,
    )
