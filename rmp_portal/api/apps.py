from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The partner-facing REST API, version 1 (read-only), its tokens and its OpenAPI schema."""

    name = "rmp_portal.api"
    label = "api"
    verbose_name = _("REST API")
