"""Template helpers of the initiatives app, and what other apps' pages show of it: the
initiatives and support of a group or cooperative."""

from django import template
from django.urls import reverse

from groups.models import SelfHelpGroup
from initiatives import selectors
from initiatives.models import InitiativeStatus
from rmp_portal.core import access

register = template.Library()

STATUS_LABELS = dict(InitiativeStatus.choices)


@register.filter
def initiative_status(value: str) -> str:
    return STATUS_LABELS.get(value, "—")


@register.inclusion_tag("initiatives/_for_owner.html", takes_context=True)
def owner_initiatives(context, owner):
    """The "Initiatives" and "Support received" cards of a group's or a cooperative's page."""
    user = context["request"].user
    kind = "group" if isinstance(owner, SelfHelpGroup) else "cooperative"
    key = owner.code if kind == "group" else owner.pk
    may_add = (
        access.scope_for(user).may_edit_district(owner.district_id) and owner.status != "dissolved"
    )
    query = f"?{kind}={key}"
    return {
        "owner_initiatives": list(selectors.initiatives_of(owner=owner)),
        "owner_support": list(selectors.support_to(owner=owner)),
        "owner_new_initiative_url": reverse("initiatives:create") + query if may_add else "",
        "owner_new_support_url": reverse("support:create") + query if may_add else "",
    }
