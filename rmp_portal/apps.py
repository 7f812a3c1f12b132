from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RmpPortalConfig(AppConfig):
    name = "rmp_portal"
    verbose_name = _("Staff access")
