"""Template helpers of the initiatives app, and the dashboards' "Initiatives and support"
section (an inclusion tag, so the dashboard views need not know about this app)."""

from django import template

from initiatives import dashboards
from initiatives.models import InitiativeStatus, SupportActivity

register = template.Library()

STATUS_LABELS = dict(InitiativeStatus.choices)


@register.filter
def initiative_status(value: str) -> str:
    return STATUS_LABELS.get(value, "—")


@register.filter
def recipient_districts(activity: SupportActivity) -> str:
    from initiatives.views import recipient_districts as districts

    return districts(activity)


@register.inclusion_tag("initiatives/_dashboard.html")
def initiatives_dashboard(board):
    """The section for a dashboard (`board`: rmp_portal.dashboards.Dashboard, whose
    province, reporting dates, areas and linkability it follows)."""
    from rmp_portal.dashboards import cached

    # Cached like the dashboard's own figures (until a counted record is written), under
    # what the section depends on; the active language is added by cached().
    dates = board.dates
    key = "initiatives:{}:{}:{}:{}:{}".format(
        board.province.pk if board.province else "all",
        dates.as_of.isoformat(),
        dates.period.start.isoformat(),
        dates.period.end.isoformat(),
        int(board.linkable),
    )
    return {"section": cached(key, lambda: dashboards.section(board), past=not dates.is_today)}
