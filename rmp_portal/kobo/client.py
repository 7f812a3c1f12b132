"""Reading a form's submissions from KoboToolbox's API v2 with the standard library's urllib
(no dependency): GET {server}/api/v2/assets/{uid}/data/?format=json, page after page."""

import json
import logging
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)
# A form's data arrives in pages (Kobo's default is 1,000 a page at most 30,000): this bounds
# a server that keeps answering "next".
MAX_PAGES = 1000


class KoboError(Exception):
    """KoboToolbox could not be read; the message says why, for the admin or the command."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def data_url(server_url: str, asset_uid: str) -> str:
    uid = urllib.parse.quote(asset_uid.strip(), safe="")
    return f"{server_url.rstrip('/')}/api/v2/assets/{uid}/data/?format=json"


def _origin(url: str) -> tuple[str, str]:
    parts = urllib.parse.urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()


def fetch_submissions(*, server_url: str, asset_uid: str, token: str) -> list[dict]:
    """Every submission of the form, following `next` until there is none. The token is sent
    only to the server it belongs to: a `next` pointing elsewhere is refused."""
    url = data_url(server_url, asset_uid)
    origin = _origin(url)
    if origin[0] not in ("http", "https"):
        raise KoboError(_("The server address must start with https:// (or http://)."))
    submissions: list[dict] = []
    for _page in range(MAX_PAGES):
        page = _get(url, token=token, server_url=server_url)
        results = page.get("results") if isinstance(page, dict) else None
        if not isinstance(results, list):
            raise KoboError(
                _(
                    "KoboToolbox answered without a list of submissions (“results”): "
                    "is %(url)s a form's data?"
                )
                % {"url": url}
            )
        submissions.extend(r for r in results if isinstance(r, dict))
        url = page.get("next")
        if not url:
            return submissions
        if _origin(url) != origin:
            raise KoboError(
                _("KoboToolbox's next page is on another server (%(url)s): not followed.")
                % {"url": url[:200]}
            )
    raise KoboError(
        _("KoboToolbox kept sending more pages: stopped after %(count)d.") % {"count": MAX_PAGES}
    )


def _get(url: str, *, token: str, server_url: str):
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked to be http(s)
        url, headers={"Authorization": f"Token {token}", "Accept": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.KOBO_TIMEOUT) as response:  # noqa: S310
            body = response.read()
    except urllib.error.HTTPError as error:
        if error.code in (401, 403):
            raise KoboError(
                _(
                    "KoboToolbox refused the API token (HTTP %(status)d). Check the token in "
                    "the form's settings, and that its account may see this form's data."
                )
                % {"status": error.code}
            ) from None
        if error.code == 404:
            raise KoboError(
                _("KoboToolbox has no form with this asset uid (HTTP 404). Check the asset uid.")
            ) from None
        raise KoboError(
            _("KoboToolbox answered with an error (HTTP %(status)d). Try again later.")
            % {"status": error.code}
        ) from None
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        logger.warning("KoboToolbox at %s unreachable: %s", server_url, reason)
        raise KoboError(
            _(
                "Could not reach KoboToolbox at %(server)s (%(reason)s). Check the server "
                "address and the connection."
            )
            % {"server": server_url, "reason": str(reason)[:200]}
        ) from None
    try:
        return json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise KoboError(
            _("KoboToolbox answered with something that is not JSON: is the server address right?")
        ) from None
