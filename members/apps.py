from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Members")

    def ready(self) -> None:
        from groups import selectors as groups
        from members import selectors

        # The groups registry's headcounts, leader column and member filters.
        groups.register_row_annotations(selectors.group_row_annotations)
        groups.register_condition("has_men", selectors.group_has_men)
        groups.register_condition("has_leader", selectors.group_has_leader)
        groups.register_condition("leader_matches", selectors.group_leader_matches)
