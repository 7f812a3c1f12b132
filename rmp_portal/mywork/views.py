"""A field officer's home ("My work"): the groups of their districts, a search among them, the
shortcuts to add a member or a group, and what they changed lately. Reads in selectors.py."""

from urllib.parse import urlencode

from django.shortcuts import render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import ngettext

from rmp_portal.core.editing import editors_only
from rmp_portal.core.filters import MY_DISTRICTS, offers_my_districts
from rmp_portal.mywork import selectors

SEARCH_MAX_LENGTH = 200


def _count(singular: str, plural: str, n: int) -> str:
    return ngettext(singular, plural, n) % {"count": number_format(n, force_grouping=True)}


@editors_only
def my_work(request):
    search = request.GET.get("q", "")[:SEARCH_MAX_LENGTH].strip()
    groups = selectors.my_groups(user=request.user, search=search)
    total = groups.count()
    shown = list(groups[: selectors.GROUPS_SHOWN])
    for group in shown:
        group.members_text = _count("%(count)s member", "%(count)s members", group.current_members)
    # The same groups in the registry (all of them, every column): the officer's districts.
    query = {"district": MY_DISTRICTS} if offers_my_districts(request.user) else {}
    if search:
        query["q"] = search
    registry_url = reverse("groups:list") + ("?" + urlencode(query) if query else "")
    context = {
        "search": search,
        "groups": shown,
        "total": total,
        "total_text": _count("%(count)s group", "%(count)s groups", total),
        "more": total > len(shown),
        "registry_url": registry_url,
        "changes": selectors.my_changes(user=request.user),
    }
    return render(request, "mywork/home.html", context)
