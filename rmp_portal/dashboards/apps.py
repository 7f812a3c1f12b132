from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    """Programme and province dashboards: figures as of a date, targets, exports, print."""

    name = "rmp_portal.dashboards"
    label = "dashboards"
    verbose_name = _("Dashboards")

    def ready(self) -> None:
        from cooperatives.models import Cooperative, CooperativeMembership
        from groups.models import ActivityType, District, Province, SelfHelpGroup
        from initiatives.models import (
            InitiativeStatusChange,
            JointInitiative,
            SupportActivity,
            SupportTopic,
        )
        from members.models import Member
        from rmp_portal.core import cache
        from rmp_portal.models import Target

        # Cache invalidation is infrastructure, not business logic (kept out of signals
        # otherwise): whichever service, admin page, import or shell writes a record the
        # dashboards count or show (names of areas and activities, targets), the cached
        # figures must not outlive it, and the model signals are the one place every ORM
        # write passes. The registers are also stamped (rmp_portal.core.cache).
        cache.watch(
            SelfHelpGroup,
            Member,
            Cooperative,
            CooperativeMembership,
            JointInitiative,
            InitiativeStatusChange,
            SupportActivity,
            stamp=True,
        )
        cache.watch(Target, ActivityType, District, Province, SupportTopic)
        cache.watch_links(
            SelfHelpGroup.activities,
            Cooperative.branches,
            JointInitiative.participants,
            SupportActivity.groups,
        )
