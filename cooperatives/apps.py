from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CooperativesConfig(AppConfig):
    name = "cooperatives"
    verbose_name = _("Cooperatives")

    def ready(self) -> None:
        from cooperatives import selectors
        from cooperatives.models import Cooperative, CooperativeMembership
        from groups import selectors as groups
        from groups.models import SelfHelpGroup
        from rmp_portal.core.history import Children, register_children

        # The groups registry's cooperative column and filters.
        groups.register_row_annotations(selectors.group_row_annotations)
        groups.register_condition("in_cooperative", selectors.group_in_cooperative)
        groups.register_choices("cooperative", selectors.cooperatives_visible)

        # A cooperative's page shows its groups joining and leaving; a group's page, the
        # cooperatives it was in.
        register_children(
            Cooperative,
            Children(
                CooperativeMembership,
                "cooperative",
                "group",
                _("Group in the cooperative: %(name)s"),
            ),
        )
        register_children(
            SelfHelpGroup,
            Children(
                CooperativeMembership,
                "group",
                "cooperative",
                _("Cooperative membership: %(name)s"),
            ),
        )
