from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The foundation every app builds on. It has no models of its own (only abstract bases);
    it is an app so that its templates and template tags are found."""

    name = "rmp_portal.core"
    label = "core"
    verbose_name = "Core"
