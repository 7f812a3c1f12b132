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
    return {"section": dashboards.section(board)}
