"""Views of the project shell: the language switch (the rest of the pages belong to the apps)."""

from django.conf import settings
from django.views.i18n import set_language as django_set_language


def set_language(request):
    """Django's language switch (cookie, back to the same page), and for a signed-in user
    with a staff profile the choice is saved there too, so it follows them to other devices
    (see rmp_portal.middleware.ProfileLanguageMiddleware)."""
    response = django_set_language(request)
    cookie = response.cookies.get(settings.LANGUAGE_COOKIE_NAME)
    user = request.user
    profile = getattr(user, "staff_profile", None) if user.is_authenticated else None
    # The cookie is only set when a POST named a known language.
    if cookie is not None and profile is not None and profile.language != cookie.value:
        profile.language = cookie.value
        profile.save(update_fields=["language"])
    return response
