from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from groups import selectors, services
from groups.filters import GroupFilter
from groups.forms import GroupForm
from groups.selectors import groups_editable
from rmp_portal.core import access
from rmp_portal.core.editing import editors_only, submit
from rmp_portal.core.history import history_entries
from rmp_portal.core.registry import Column, RegistryExportMixin, RegistryListView


def _count(n: int) -> str:
    return ngettext("%(count)s group", "%(count)s groups", n) % {
        "count": number_format(n, force_grouping=True)
    }


class GroupListView(RegistryListView):
    title = _("Self-help groups")
    filterset_class = GroupFilter
    row_template = "groups/_row.html"
    template_name = "groups/list.html"
    export_name = "groups"
    export_url_name = "groups:export"
    default_sort = "code"
    count_label = staticmethod(_count)
    columns = [
        Column("code", _("Code"), lambda g: g.code, "code"),
        Column("name", _("Name"), lambda g: g.name, "name"),
        Column("district", _("District"), lambda g: str(g.district), "district__name"),
        Column(
            "province",
            _("Province"),
            lambda g: str(g.district.province),
            "district__province__code",
        ),
        Column("status", _("Status"), lambda g: g.get_status_display(), "status"),
        Column("established", _("Established"), lambda g: g.established_on, "established_on"),
        Column("women", _("Women"), lambda g: g.current_women, "current_women"),
        Column("men", _("Men"), lambda g: g.current_men, "current_men"),
        Column(
            "cooperative", _("Cooperative"), lambda g: g.cooperative_name or "", "cooperative_name"
        ),
        Column("leader", _("Leader"), lambda g: g.leader_name or "", "leader_name"),
        Column("jamoat", _("Jamoat"), lambda g: str(g.jamoat or ""), in_table=False),
        Column("village", _("Village"), lambda g: g.village, in_table=False),
    ]

    def base_queryset(self):
        return selectors.group_registry(user=self.request.user, as_of=self.as_of())


class GroupExportView(RegistryExportMixin, GroupListView):
    pass


def group_detail(request, code):
    group = selectors.group_detail(user=request.user, code=code)
    scope = access.scope_for(request.user)
    members = list(group.members.order_by("left_on", "role", "surname", "given_name"))
    role_order = {"leader": 0, "deputy": 1, "treasurer": 2, "member": 3}
    current = sorted(
        (m for m in members if m.left_on is None), key=lambda m: (role_order[m.role], m.surname)
    )
    former = [m for m in members if m.left_on is not None]
    context = {
        "group": group,
        "current_members": current,
        "former_members": former,
        "women": sum(1 for m in current if m.sex == "F"),
        "men": sum(1 for m in current if m.sex == "M"),
        "has_leader": any(m.role == "leader" for m in current),
        "memberships": group.cooperative_memberships.select_related("cooperative").order_by(
            "-joined_on"
        ),
        "activities": group.activities.all(),
        "can_edit": scope.may_edit_district(group.district_id),
        "personal": scope.may_see_personal_data(group.district_id),
        "history": history_entries(group),
    }
    return render(request, "groups/detail.html", context)


@editors_only
def group_create(request):
    form = GroupForm(request.POST or None, user=request.user)
    done = submit(request, form, lambda data: services.group_create(user=request.user, data=data))
    if done.saved:
        group = done.result
        messages.success(request, _("Group %(code)s registered.") % {"code": group.code})
        return redirect("groups:detail", code=group.code)
    return render(request, "groups/form.html", {"form": done.form, "creating": True})


def group_edit(request, code):
    group = get_object_or_404(groups_editable(request.user), code=code)
    done = submit(
        request,
        GroupForm(request.POST or None, instance=group, user=request.user),
        lambda data: services.group_update(
            group=group, user=request.user, data=data, version=data.get("version")
        ),
        reload=lambda current: GroupForm(instance=current, user=request.user),
    )
    if done.saved:
        messages.success(request, _("Group %(code)s saved.") % {"code": group.code})
        return redirect("groups:detail", code=group.code)
    context = {
        "form": done.form,
        "group": group,
        "creating": False,
        "stale_changes": done.stale_changes,
    }
    return render(request, "groups/form.html", context)
