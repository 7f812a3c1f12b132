from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from groups.selectors import provinces_visible
from rmp_portal.core.access import scope_for
from rmp_portal.quality.checks import may_read as may_read_quality

NAV = [
    ("home", _("Dashboard"), "/provinces/"),
    ("groups:list", _("Groups"), "/groups/"),
    ("members:list", _("Members"), "/members/"),
    ("cooperatives:list", _("Cooperatives"), "/cooperatives/"),
    ("initiatives:list", _("Initiatives"), "/initiatives/"),
    ("support:list", _("Support"), "/support/"),
]

ROLE_LABELS = {
    "admin": _("Administrator"),
    "field_officer": _("Field officer"),
    "manager": _("Manager"),
    "analyst": _("Analyst (figures only)"),
    "": _("No role assigned"),
}


def _officer_dashboard(user) -> str:
    """A field officer's dashboard: their own province's (the site's home is "My work")."""
    code = provinces_visible(user).order_by("code").values_list("code", flat=True).first()
    if code is None:
        raise NoReverseMatch
    return reverse("province_dashboard", args=[code])


def portal(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"LANGUAGES": settings.LANGUAGES}
    scope = scope_for(user)
    nav = []
    officer = scope.role == "field_officer"
    if officer:  # an officer's home (the site's home sends them there too)
        url = reverse("mywork:home")
        nav.append({"url": url, "label": _("My work"), "active": request.path.startswith(url)})
    for name, label, prefix in NAV:
        if name != "home" and not scope.reads_records:  # an analyst: the dashboards only
            continue
        try:
            url = _officer_dashboard(user) if officer and name == "home" else reverse(name)
        except NoReverseMatch:
            continue
        active = request.path == url or request.path.startswith(prefix)
        nav.append({"url": url, "label": label, "active": active})
    if may_read_quality(user):
        url = reverse("data_quality")
        nav.append({"url": url, "label": _("Data quality"), "active": request.path == url})
    if scope.can_edit:  # spreadsheet imports: field officers and admins (managers only read)
        url = reverse("imports:list")
        nav.append({"url": url, "label": _("Imports"), "active": request.path.startswith(url)})
    if user.is_staff:
        nav.append({"url": reverse("admin:index"), "label": _("Admin"), "active": False})
    return {
        "LANGUAGES": settings.LANGUAGES,
        "portal_scope": scope,
        "portal_nav": nav,
        "portal_role_label": ROLE_LABELS.get(scope.role, ""),
    }
