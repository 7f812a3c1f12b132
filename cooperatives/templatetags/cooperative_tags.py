"""What other apps' pages show of cooperatives: a group page's join/leave actions."""

from django import template

from cooperatives.forms import JoinCooperativeForm, LeaveCooperativeForm

register = template.Library()


@register.inclusion_tag("cooperatives/_group_cooperative_actions.html", takes_context=True)
def group_cooperative_actions(context, group, memberships):
    """The "Cooperative" card's join and leave forms on a group's page (for users who may
    edit the group; `memberships`: the group's cooperative memberships, newest first)."""
    request = context["request"]
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "group": group,
        "memberships": memberships,
        "join_form": JoinCooperativeForm(user=request.user, group=group),
    }


@register.simple_tag
def leave_date_field(membership):
    """The "Left on" field of a membership's leave form (a typed date, today by default), with
    an id of its own: a page may list several memberships."""
    return LeaveCooperativeForm(auto_id=f"left-on-{membership.pk}-%s")["left_on"]
