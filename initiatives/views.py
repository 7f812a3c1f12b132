from django.contrib import messages
from django.db.models import Count, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from cooperatives.models import Cooperative
from cooperatives.selectors import cooperatives_editable
from groups.models import SelfHelpGroup
from groups.selectors import groups_editable
from initiatives import selectors, services
from initiatives.filters import InitiativeFilter, SupportFilter
from initiatives.forms import InitiativeForm, StatusChangeForm, SupportForm
from initiatives.models import InitiativeStatus, JointInitiative, SupportActivity
from rmp_portal.core import access
from rmp_portal.core.editing import editors_only, run_action, submit
from rmp_portal.core.history import history_entries
from rmp_portal.core.registry import Column, RegistryExportMixin, RegistryListView

STATUS_LABELS = dict(InitiativeStatus.choices)


def _count_initiatives(n: int) -> str:
    return ngettext("%(count)s initiative", "%(count)s initiatives", n) % {
        "count": number_format(n, force_grouping=True)
    }


def _count_support(n: int) -> str:
    return ngettext("%(count)s support activity", "%(count)s support activities", n) % {
        "count": number_format(n, force_grouping=True)
    }


def _owner(i: JointInitiative) -> str:
    return str(i.group) if i.group_id else str(i.cooperative)


def _recipients(a: SupportActivity) -> str:
    if a.cooperative_id:
        return str(a.cooperative)
    return ", ".join(str(g) for g in a.groups.all())


def _province(a: SupportActivity) -> str:
    if a.cooperative_id:
        return str(a.cooperative.district.province)
    return ", ".join(sorted({str(g.district.province) for g in a.groups.all()}))


def _delivered_by(a: SupportActivity) -> str:
    if a.partner_name:
        return f"{a.get_delivered_by_display()}: {a.partner_name}"
    return a.get_delivered_by_display()


# Registries -------------------------------------------------------------------------------


class InitiativeListView(RegistryListView):
    title = gettext_lazy("Joint initiatives")
    filterset_class = InitiativeFilter
    row_template = "initiatives/_row.html"
    template_name = "initiatives/list.html"
    export_name = "initiatives"
    export_url_name = "initiatives:export"
    default_sort = "-started"
    count_label = staticmethod(_count_initiatives)
    district_path = "owner_district"
    columns = [
        Column("title", gettext_lazy("Title"), lambda i: i.title, "title"),
        Column("owner", gettext_lazy("Owner"), _owner, "owner_name"),
        Column(
            "district",
            gettext_lazy("District"),
            lambda i: str(i.owner.district),
            "owner_district_name",
        ),
        Column(
            "activity",
            gettext_lazy("Activity type"),
            lambda i: str(i.activity_type),
            "activity_type__name",
        ),
        Column(
            "status",
            gettext_lazy("Status"),
            lambda i: STATUS_LABELS.get(i.status_shown, ""),
            "status_shown",
        ),
        Column("started", gettext_lazy("Started"), lambda i: i.started_on, "started_on"),
        Column(
            "participants",
            gettext_lazy("Participants"),
            lambda i: i.participant_count,
            "participant_count",
        ),
        Column(
            "grant",
            gettext_lazy("Grant (TJS)"),
            lambda i: float(i.grant_amount) if i.grant_amount is not None else "",
            "grant_amount",
        ),
        Column(
            "province",
            gettext_lazy("Province"),
            lambda i: str(i.owner.district.province),
            "owner_province_code",
            in_table=False,
        ),
        Column("products", gettext_lazy("Products"), lambda i: i.products, in_table=False),
        Column("partners", gettext_lazy("Partners"), lambda i: i.partners, in_table=False),
        Column("grant_donor", gettext_lazy("Grant donor"), lambda i: i.grant_donor, in_table=False),
        Column("grant_date", gettext_lazy("Grant date"), lambda i: i.grant_date, in_table=False),
        Column(
            "grant_purchases",
            gettext_lazy("What the grant bought"),
            lambda i: i.grant_purchases,
            in_table=False,
        ),
    ]

    def base_queryset(self):
        return selectors.initiative_registry(user=self.request.user, as_of=self.as_of())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = self.get_filterset()
        if filterset.is_valid():
            context["grant_totals"] = filterset.qs.order_by().aggregate(
                grants=Count("grant_amount"), amount=Sum("grant_amount")
            )
        return context


class InitiativeExportView(RegistryExportMixin, InitiativeListView):
    pass


class SupportListView(RegistryListView):
    title = gettext_lazy("Support activities")
    filterset_class = SupportFilter
    row_template = "initiatives/_support_row.html"
    template_name = "initiatives/support_list.html"
    export_name = "support"
    export_url_name = "support:export"
    default_sort = "-date"
    count_label = staticmethod(_count_support)
    district_path = "area_district"
    columns = [
        Column("date", gettext_lazy("Date"), lambda a: a.held_on, "held_on"),
        Column("kind", gettext_lazy("Kind"), lambda a: a.get_kind_display(), "kind"),
        Column("topic", gettext_lazy("Topic"), lambda a: str(a.topic), "topic__name"),
        Column("delivered_by", gettext_lazy("Delivered by"), _delivered_by, "delivered_by"),
        Column("recipients", gettext_lazy("Recipients"), _recipients, "recipient_sort"),
        Column("district", gettext_lazy("District"), SupportActivity.recipient_districts),
        Column("women", gettext_lazy("Women"), lambda a: a.women, "women"),
        Column("men", gettext_lazy("Men"), lambda a: a.men, "men"),
        Column("province", gettext_lazy("Province"), _province, in_table=False),
        Column("notes", gettext_lazy("Notes"), lambda a: a.notes, in_table=False),
    ]

    def base_queryset(self):
        return selectors.support_registry(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = self.get_filterset()
        if filterset.is_valid():
            context["participant_totals"] = filterset.qs.order_by().aggregate(
                women=Sum("women", default=0), men=Sum("men", default=0)
            )
        return context


class SupportExportView(RegistryExportMixin, SupportListView):
    pass


# Initiatives: pages ------------------------------------------------------------------------


def initiative_detail(request, pk):
    initiative = selectors.initiative_detail(user=request.user, pk=pk)
    can_edit = access.scope_for(request.user).may_edit_district(initiative.owner_district_id)
    context = {
        "initiative": initiative,
        "owner": initiative.owner,
        "participants": initiative.participants.select_related("group").order_by(
            "group__code", "surname", "given_name"
        ),
        "status_changes": initiative.status_changes.select_related("recorded_by").order_by(
            "-changed_on", "-pk"
        ),
        "can_edit": can_edit,
        "status_form": StatusChangeForm(current=initiative.status) if can_edit else None,
        "history": history_entries(initiative),
    }
    return render(request, "initiatives/detail.html", context)


@editors_only
def initiative_create(request):
    owner = selectors.editable_owner(
        request.user,
        group_code=request.GET.get("group", ""),
        cooperative_pk=request.GET.get("cooperative", ""),
    )
    if owner is None:
        return _choose_owner(request)
    done = submit(
        request,
        InitiativeForm(request.POST or None, owner=owner),
        lambda data: services.initiative_create(user=request.user, owner=owner, data=data),
    )
    if done.saved:
        initiative = done.result
        messages.success(request, _("Initiative “%(title)s” added.") % {"title": initiative})
        return redirect("initiatives:detail", pk=initiative.pk)
    return render(request, "initiatives/form.html", {"form": done.form, "owner": owner})


def _choose_owner(request):
    """Before the form: whose initiative it is (a group or a cooperative the user may
    change), as a GET form back to the same page."""
    context = {
        "groups": groups_editable(request.user)
        .exclude(status=SelfHelpGroup.Status.DISSOLVED)
        .select_related("district")
        .order_by("district__name", "code"),
        "cooperatives": cooperatives_editable(request.user)
        .exclude(status=Cooperative.Status.DISSOLVED)
        .select_related("district")
        .order_by("name"),
        "asked": bool(request.GET.get("group") or request.GET.get("cooperative")),
    }
    return render(request, "initiatives/choose_owner.html", context)


def initiative_edit(request, pk):
    initiative = get_object_or_404(
        selectors.initiatives_editable(request.user).select_related(
            "group__district", "cooperative__district"
        ),
        pk=pk,
    )
    done = submit(
        request,
        InitiativeForm(request.POST or None, instance=initiative, owner=initiative.owner),
        lambda data: services.initiative_update(
            initiative=initiative, user=request.user, data=data, version=data.get("version")
        ),
        reload=lambda current: InitiativeForm(instance=current, owner=current.owner),
    )
    if done.saved:
        messages.success(request, _("Initiative “%(title)s” saved.") % {"title": initiative})
        return redirect("initiatives:detail", pk=initiative.pk)
    context = {
        "form": done.form,
        "owner": initiative.owner,
        "initiative": initiative,
        "stale_changes": done.stale_changes,
    }
    return render(request, "initiatives/form.html", context)


@require_POST
def initiative_change_status(request, pk):
    initiative = get_object_or_404(selectors.initiatives_editable(request.user), pk=pk)
    change = run_action(
        request,
        StatusChangeForm(request.POST),
        lambda data: services.initiative_change_status(
            user=request.user, initiative=initiative, **data
        ),
    )
    if change is not None:
        messages.success(
            request,
            _("The initiative is %(status)s from %(date)s.")
            % {
                "status": change.get_status_display(),
                "date": date_format(change.changed_on, "SHORT_DATE_FORMAT"),
            },
        )
    return redirect("initiatives:detail", pk=initiative.pk)


# Support activities: pages -----------------------------------------------------------------


def support_detail(request, pk):
    activity = selectors.support_detail(user=request.user, pk=pk)
    context = {
        "activity": activity,
        "groups": activity.groups.select_related("district__province").order_by("code"),
        "can_edit": selectors.support_editable(request.user).filter(pk=activity.pk).exists(),
        "history": history_entries(activity),
    }
    return render(request, "initiatives/support_detail.html", context)


@editors_only
def support_create(request):
    initial = {}
    owner = selectors.editable_owner(
        request.user,
        group_code=request.GET.get("group", ""),
        cooperative_pk=request.GET.get("cooperative", ""),
    )
    if isinstance(owner, SelfHelpGroup):
        initial["groups"] = [owner.pk]
    elif owner is not None:
        initial["cooperative"] = owner.pk
    done = submit(
        request,
        SupportForm(request.POST or None, user=request.user, initial=initial),
        lambda data: services.support_create(user=request.user, data=data),
    )
    if done.saved:
        messages.success(request, _("Support activity recorded."))
        return redirect("support:detail", pk=done.result.pk)
    return render(request, "initiatives/support_form.html", {"form": done.form})


def support_edit(request, pk):
    activity = get_object_or_404(selectors.support_editable(request.user), pk=pk)
    done = submit(
        request,
        SupportForm(request.POST or None, instance=activity, user=request.user),
        lambda data: services.support_update(
            activity=activity, user=request.user, data=data, version=data.get("version")
        ),
        reload=lambda current: SupportForm(instance=current, user=request.user),
    )
    if done.saved:
        messages.success(request, _("Support activity saved."))
        return redirect("support:detail", pk=activity.pk)
    context = {"form": done.form, "activity": activity, "stale_changes": done.stale_changes}
    return render(request, "initiatives/support_form.html", context)
