"""The dashboards' "Initiatives and support" section, as an inclusion tag."""

from django import template

from rmp_portal.core.cache import cached
from rmp_portal.dashboards import initiatives

register = template.Library()


@register.inclusion_tag("dashboard/_initiatives.html")
def initiatives_dashboard(board):
    """The section for a dashboard (`board`: rmp_portal.dashboards.figures.Dashboard, whose
    province, reporting dates, areas and linkability it follows)."""
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
    return {"section": cached(key, lambda: initiatives.section(board), past=not dates.is_today)}
