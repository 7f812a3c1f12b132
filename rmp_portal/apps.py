from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RmpPortalConfig(AppConfig):
    """The staff layer (StaffProfile, Target) and the project shell (settings, urls, errors)."""

    name = "rmp_portal"
    verbose_name = _("Staff access")

    def ready(self) -> None:
        from rmp_portal.core import access
        from rmp_portal.selectors import staff_scope

        access.register_scope_resolver(staff_scope)
