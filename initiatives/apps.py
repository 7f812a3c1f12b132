from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InitiativesConfig(AppConfig):
    """Joint economic initiatives and support activities (see the package docstring for why
    they are an app of their own)."""

    name = "initiatives"
    verbose_name = _("Initiatives and support")
