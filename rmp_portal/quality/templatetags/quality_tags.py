"""The data-quality badge other pages show (the dashboards' headline), so they need not know
how the count is made."""

from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils import timezone

from rmp_portal.core import access
from rmp_portal.core.cache import cached
from rmp_portal.quality import checks

register = template.Library()


@register.inclusion_tag("quality/_badge.html", takes_context=True)
def quality_badge(context, province=None):
    """The data-quality count of the page's area (a province, or the programme), for those
    who may read the data-quality page; nothing for the others."""
    user = context["request"].user
    if not checks.may_read(user):
        return {"total": 0}
    url = reverse("data_quality")
    if province is not None:
        url += "?" + urlencode({"province": province.code})
    # Cached like the dashboard figures (until a counted record is written), under what the
    # count depends on: the reach (a field officer's districts, or the provinces anyone else
    # reads), the area, today.
    key = "quality:{}:{}:{}".format(
        _reach(user),
        province.pk if province is not None else "all",
        timezone.localdate().isoformat(),
    )
    total = cached(key, lambda: checks.total(checks.Scope.of(user, province)))
    return {"total": total, "url": url}


def _reach(user) -> str:
    """What a user's data-quality count covers, as part of a cache key: "d:<district ids>"
    for a field officer (checks.Scope.of: their districts), "p:<province ids>" or "all" for
    the others. Two users with the same reach share the cached count."""
    scope = access.scope_for(user)
    if checks.by_district(user):
        return "d:" + ",".join(map(str, sorted(scope.edit_district_ids)))
    reach = scope.read_province_ids
    return "all" if reach is None else "p:" + ",".join(map(str, sorted(reach)))
