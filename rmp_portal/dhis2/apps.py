from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Dhis2Config(AppConfig):
    """Figures sent to DHIS2 as a dataValueSets payload: codes, periods, dry runs."""

    name = "rmp_portal.dhis2"
    label = "dhis2"
    verbose_name = _("DHIS2 export")
