from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QualityConfig(AppConfig):
    """The data-quality page: records that break a programme rule, in the user's scope."""

    name = "rmp_portal.quality"
    label = "quality"
    verbose_name = _("Data quality")
