from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MyWorkConfig(AppConfig):
    """A field officer's home: their districts' groups, what they changed, what waits."""

    name = "rmp_portal.mywork"
    label = "mywork"
    verbose_name = _("My work")
