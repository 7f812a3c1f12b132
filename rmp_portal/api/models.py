"""API keys: each tied to a staff user, so a partner's system reads exactly what that user
may read (rmp_portal.core.access), through the same selectors as the pages."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework_api_key.models import AbstractAPIKey, BaseAPIKeyManager


class UserAPIKey(AbstractAPIKey):
    """A hashed API key (djangorestframework-api-key) acting as `user`. Only its prefix and
    hash are stored: the key is shown once, when an admin creates it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_keys",
        verbose_name=_("user"),
        help_text=_("The key reads exactly what this user may read."),
    )

    objects = BaseAPIKeyManager()

    class Meta(AbstractAPIKey.Meta):
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
