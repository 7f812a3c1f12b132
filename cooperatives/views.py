from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import number_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from cooperatives import selectors, services
from cooperatives.filters import CooperativeFilter
from cooperatives.forms import (
    AddGroupForm,
    CooperativeEditForm,
    CooperativeFormingForm,
    JoinCooperativeForm,
    LeaveCooperativeForm,
)
from cooperatives.selectors import cooperatives_editable
from groups.selectors import districts_editable, groups_editable, provinces_visible
from rmp_portal.core import access
from rmp_portal.core.editing import editors_only, run_action, submit
from rmp_portal.core.history import history_entries
from rmp_portal.core.registry import Column, RegistryExportMixin, RegistryListView


def _count(n: int) -> str:
    return ngettext("%(count)s cooperative", "%(count)s cooperatives", n) % {
        "count": number_format(n, force_grouping=True)
    }


def _branches(cooperative) -> str:
    return ", ".join(str(b) for b in cooperative.branches.all())


class CooperativeListView(RegistryListView):
    title = gettext_lazy("Cooperatives")
    filterset_class = CooperativeFilter
    row_template = "cooperatives/_row.html"
    template_name = "cooperatives/list.html"
    export_name = "cooperatives"
    export_url_name = "cooperatives:export"
    default_sort = "name"
    count_label = staticmethod(_count)
    columns = [
        Column("name", gettext_lazy("Name"), lambda c: c.name, "name"),
        Column("district", gettext_lazy("District"), lambda c: str(c.district), "district__name"),
        Column("status", gettext_lazy("Status"), lambda c: c.get_status_display(), "status"),
        Column("formed", gettext_lazy("Formed"), lambda c: c.formed_on, "formed_on"),
        Column("groups", gettext_lazy("Groups"), lambda c: c.current_groups, "current_groups"),
        Column("women", gettext_lazy("Women"), lambda c: c.current_women, "current_women"),
        Column("men", gettext_lazy("Men"), lambda c: c.current_men, "current_men"),
        Column("branches", gettext_lazy("Business branches"), _branches, "first_branch"),
        Column("director", gettext_lazy("Director"), lambda c: c.director_name, "director_name"),
        Column(
            "province",
            gettext_lazy("Province"),
            lambda c: str(c.district.province),
            "district__province__code",
            in_table=False,
        ),
        Column(
            "registration_number",
            gettext_lazy("Registration number"),
            lambda c: c.registration_number,
            "registration_number",
            in_table=False,
        ),
        Column("dissolved", gettext_lazy("Dissolved"), lambda c: c.dissolved_on, in_table=False),
    ]

    def base_queryset(self):
        return selectors.cooperative_registry(user=self.request.user, as_of=self.as_of())


class CooperativeExportView(RegistryExportMixin, CooperativeListView):
    pass


def cooperative_detail(request, pk):
    cooperative = selectors.cooperative_detail(user=request.user, pk=pk)
    memberships = list(selectors.cooperative_memberships(cooperative=cooperative))
    current = [m for m in memberships if m.left_on is None]
    can_edit = access.scope_for(request.user).may_edit_district(cooperative.district_id)
    add_group_form = None
    if can_edit and cooperative.status != cooperative.Status.DISSOLVED:
        add_group_form = AddGroupForm(user=request.user, cooperative=cooperative)
    context = {
        "cooperative": cooperative,
        "current_memberships": current,
        "former_memberships": [m for m in memberships if m.left_on is not None],
        "women": sum(m.current_women for m in current),
        "men": sum(m.current_men for m in current),
        "branches": cooperative.branches.all(),
        "can_edit": can_edit,
        "closable": _closable(request.user, cooperative, current),
        "add_group_form": add_group_form,
        # The cooperative's own changes and its groups joining and leaving.
        "history": history_entries(cooperative),
    }
    return render(request, "cooperatives/detail.html", context)


def _closable(user, cooperative, current) -> set[int]:
    """Ids of the current memberships the user may close (own cooperative or own group)."""
    scope = access.scope_for(user)
    if scope.may_edit_district(cooperative.district_id):
        return {m.pk for m in current}
    return {m.pk for m in current if scope.may_edit_district(m.group.district_id)}


@editors_only
def cooperative_form(request):
    """Forming a cooperative of groups ("merging groups")."""
    provinces = (
        provinces_visible(request.user)
        .filter(districts__in=districts_editable(request.user))
        .distinct()
    )
    province = provinces.filter(code=request.GET.get("province", "")).first()
    form = CooperativeFormingForm(request.POST or None, user=request.user, province=province)
    done = submit(request, form, lambda data: services.cooperative_form(user=request.user, **data))
    if done.saved:
        cooperative = done.result
        messages.success(
            request,
            _("Cooperative %(name)s formed by %(count)d groups.")
            % {"name": cooperative.name, "count": len(form.cleaned_data["groups"])},
        )
        return redirect("cooperatives:detail", pk=cooperative.pk)
    context = {"form": done.form, "provinces": provinces, "province": province}
    return render(request, "cooperatives/form.html", context)


def cooperative_edit(request, pk):
    cooperative = get_object_or_404(cooperatives_editable(request.user), pk=pk)
    done = submit(
        request,
        CooperativeEditForm(request.POST or None, instance=cooperative),
        lambda data: services.cooperative_update(
            cooperative=cooperative, user=request.user, data=data, version=data.get("version")
        ),
        reload=lambda current: CooperativeEditForm(instance=current),
    )
    if done.saved:
        messages.success(request, _("Cooperative %(name)s saved.") % {"name": cooperative})
        return redirect("cooperatives:detail", pk=cooperative.pk)
    context = {"form": done.form, "cooperative": cooperative, "stale_changes": done.stale_changes}
    return render(request, "cooperatives/edit.html", context)


def choose_cooperative(request, code):
    """A page with the join form, for a group page that does not carry it."""
    group = get_object_or_404(
        groups_editable(request.user).select_related("district__province"), code=code
    )
    context = {"group": group, "join_form": JoinCooperativeForm(user=request.user, group=group)}
    return render(request, "cooperatives/join.html", context)


@require_POST
def group_join(request, code):
    """From a group's page: the group joins a cooperative."""
    group = get_object_or_404(groups_editable(request.user).select_related("district"), code=code)
    form = JoinCooperativeForm(request.POST, user=request.user, group=group)
    if _run(request, form, services.group_join_cooperative, group=group):
        messages.success(
            request,
            _("%(group)s joined the cooperative %(cooperative)s.")
            % {"group": group, "cooperative": form.cleaned_data["cooperative"]},
        )
    return _back(request, "groups:detail", code=group.code)


@require_POST
def cooperative_add_group(request, pk):
    """From a cooperative's page: a group joins it."""
    cooperative = get_object_or_404(
        cooperatives_editable(request.user).select_related("district"), pk=pk
    )
    form = AddGroupForm(request.POST, user=request.user, cooperative=cooperative)
    if _run(request, form, services.group_join_cooperative, cooperative=cooperative):
        messages.success(
            request,
            _("%(group)s joined the cooperative %(cooperative)s.")
            % {"group": form.cleaned_data["group"], "cooperative": cooperative},
        )
    return redirect("cooperatives:detail", pk=cooperative.pk)


@require_POST
def membership_leave(request, pk):
    """A group leaves its cooperative (from the group's or the cooperative's page)."""
    membership = get_object_or_404(selectors.memberships_changeable(request.user), pk=pk)
    form = LeaveCooperativeForm(request.POST)
    result = _run(request, form, services.group_leave_cooperative, membership=membership)
    if result:
        messages.success(
            request,
            _("%(group)s left the cooperative %(cooperative)s.")
            % {"group": membership.group, "cooperative": membership.cooperative},
        )
        if result.director_cleared:
            messages.warning(
                request,
                _(
                    "The director was a member of this group, so the cooperative has no "
                    "director now: choose a new one."
                ),
            )
    return _back(request, "cooperatives:detail", pk=membership.cooperative_id)


def _run(request, form: forms.Form, service, **objects):
    """A small action form's service call (core.editing.run_action); the action's page is
    the record's page, which the user is sent back to."""
    return run_action(request, form, lambda data: service(user=request.user, **objects, **data))


def _back(request, fallback: str, **kwargs):
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(fallback, **kwargs)
