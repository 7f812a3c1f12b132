from django.apps import AppConfig


class DevdataConfig(AppConfig):
    """Demo data (`load_demo_data`) and the national-scale generator (`generate_scale_data`)."""

    name = "rmp_portal.devdata"
    label = "devdata"
    verbose_name = "Demo and scale data"
