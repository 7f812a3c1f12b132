from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from groups import selectors, services
from groups.filters import GroupFilter
from groups.forms import GroupForm
from groups.selectors import groups_editable
from rmp_portal.core import access
from rmp_portal.core.concurrency import STALE_MESSAGE, StaleEdit
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


def group_create(request):
    if not access.scope_for(request.user).can_edit:
        return render(request, "403.html", status=403)
    form = GroupForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            group = services.group_create(user=request.user, data=form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Group %(code)s registered.") % {"code": group.code})
            return redirect("groups:detail", code=group.code)
    return render(request, "groups/form.html", {"form": form, "creating": True})


def group_edit(request, code):
    group = get_object_or_404(groups_editable(request.user), code=code)
    form = GroupForm(request.POST or None, instance=group, user=request.user)
    changes = None
    if request.method == "POST" and form.is_valid():
        try:
            services.group_update(
                group=group,
                user=request.user,
                data=form.cleaned_data,
                version=form.cleaned_data.get("version"),
            )
        except StaleEdit as stale:
            changes = stale.changes
            messages.error(request, STALE_MESSAGE)
            form = GroupForm(instance=stale.current, user=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Group %(code)s saved.") % {"code": group.code})
            return redirect("groups:detail", code=group.code)
    context = {"form": form, "group": group, "creating": False, "stale_changes": changes}
    return render(request, "groups/form.html", context)
