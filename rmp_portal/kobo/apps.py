from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KoboConfig(AppConfig):
    """KoboToolbox submissions pulled or received by webhook into the import pipeline."""

    name = "rmp_portal.kobo"
    label = "kobo"
    verbose_name = _("KoboToolbox import")
