import secrets
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from groups.filters import search_groups
from members import selectors, services
from members.filters import MemberFilter
from members.forms import LeaveForm, MemberCreateForm, MemberForm, TransferForm, open_groups
from members.models import Member
from members.selectors import members_editable, members_visible
from rmp_portal.core import access
from rmp_portal.core.editing import editors_only, submit
from rmp_portal.core.history import history_entries
from rmp_portal.core.registry import Column, RegistryExportMixin, RegistryListView


def _count(n: int) -> str:
    return ngettext("%(count)s member", "%(count)s members", n) % {
        "count": number_format(n, force_grouping=True)
    }


def _name(m: Member) -> str:
    return f"{m.surname} {m.given_name}"


class MemberListView(RegistryListView):
    title = _("Members")
    filterset_class = MemberFilter
    row_template = "members/_row.html"
    template_name = "members/list.html"
    export_name = "members"
    export_url_name = "members:export"
    default_sort = "name"
    district_path = "group__district_id"
    count_label = staticmethod(_count)
    search_counts_with_page = True  # rmp_portal.core.registry: one pass over a search's matches
    export_plain_rows = True  # rmp_portal.core.registry: the columns read fields only
    columns = [
        Column("name", _("Name"), _name, "surname"),
        Column("sex", _("Sex"), lambda m: m.get_sex_display(), "sex"),
        Column("group", _("Group"), lambda m: m.group.code, "group__code"),
        Column("district", _("District"), lambda m: str(m.group.district), "group__district__name"),
        Column("role", _("Role"), lambda m: m.get_role_display(), "role"),
        Column("joined", _("Joined"), lambda m: m.joined_on, "joined_on"),
        Column("left", _("Left"), lambda m: m.left_on, "left_on"),
        Column(
            "migration",
            _("Migration link"),
            lambda m: m.get_migration_link_display(),
            "migration_link",
        ),
        Column("group_name", _("Group name"), lambda m: m.group.name, in_table=False),
        Column("province", _("Province"), lambda m: str(m.group.district.province), in_table=False),
        Column(
            "patronymic", _("Patronymic"), lambda m: m.patronymic, personal=True, in_table=False
        ),
        Column(
            "birth_year", _("Birth year"), lambda m: m.birth_year, personal=True, in_table=False
        ),
        Column("phone", _("Phone"), lambda m: m.phone, personal=True, in_table=False),
        Column(
            "head_of_household",
            _("Head of household"),
            lambda m: m.head_of_household,
            in_table=False,
        ),
        Column(
            "skills", _("Skills and professional interests"), lambda m: m.skills, in_table=False
        ),
    ]

    def base_queryset(self):
        return selectors.member_registry(user=self.request.user, as_of=self.as_of())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        scope = context["scope"]
        rows = list(context["object_list"])
        for member in rows:
            member.personal_ok = scope.may_see_personal_data(member.group.district_id)
        context["object_list"] = rows
        return context


class MemberExportView(RegistryExportMixin, MemberListView):
    pass


def _detail(request, member: Member, *, leave_form=None, transfer_form=None, status=200):
    scope = access.scope_for(request.user)
    can_edit = scope.may_edit_district(member.group.district_id)
    personal = scope.may_see_personal_data(member.group.district_id)
    context = {
        "member": member,
        "group": member.group,
        "personal": personal,
        "can_edit": can_edit,
        "history": selectors.member_history(member=member),
        # Every field's changes; the role timeline above (`history`) summarises them.
        "change_history": history_entries(
            member, hidden=() if personal else access.PERSONAL_FIELDS
        ),
        "transferred_to": selectors.transfers_to(user=request.user, member=member),
        "transferred_from_visible": member.transferred_from_id is not None
        and members_visible(request.user).filter(pk=member.transferred_from_id).exists(),
    }
    if can_edit and member.is_current:
        context["leave_form"] = leave_form or LeaveForm()
        context["transfer_form"] = transfer_form or TransferForm(member=member, user=request.user)
    return render(request, "members/detail.html", context, status=status)


def member_detail(request, pk: int):
    return _detail(request, selectors.member_detail(user=request.user, pk=pk))


# How many groups the group chooser lists at most; beyond, the user searches.
CHOOSER_LIMIT = 50
# How many add-member forms a session remembers as saved (see _already_saved).
SUBMISSIONS_KEPT = 20
SUBMISSIONS_SESSION_KEY = "member_create_submissions"


@editors_only
def member_choose_group(request):
    """The members registry's "Add member": the group first. Lists (and searches, as the
    groups registry does) the groups the user may add members to, each leading to the
    add-member form for it; with only one such group, that form straight away."""
    groups = open_groups(request.user).select_related("district")
    search = request.GET.get("q", "")[:200].strip()
    if not search:
        first_two = list(groups[:2])
        if len(first_two) == 1:
            return redirect(_create_url(first_two[0].code))
    shown = search_groups(groups, search) if search else groups
    rows = list(shown[: CHOOSER_LIMIT + 1])
    context = {
        "groups": rows[:CHOOSER_LIMIT],
        "more": len(rows) > CHOOSER_LIMIT,
        "search": search,
    }
    return render(request, "members/choose_group.html", context)


def _create_url(code: str, **extra) -> str:
    return reverse("members:create") + "?" + urlencode({"group": code, **extra})


def _already_saved(request, token: str) -> Member | None:
    """The member an add-member form with this one-time `token` already saved in this
    session (the same POST sent twice: a double tap, a resend after a lost answer)."""
    pk = request.session.get(SUBMISSIONS_SESSION_KEY, {}).get(token) if token else None
    if pk is None:
        return None
    return members_editable(request.user).select_related("group").filter(pk=pk).first()


def _remember_saved(request, token: str, member: Member) -> None:
    if not token:
        return
    saved = dict(request.session.get(SUBMISSIONS_SESSION_KEY, {}))
    saved[token] = member.pk
    request.session[SUBMISSIONS_SESSION_KEY] = dict(list(saved.items())[-SUBMISSIONS_KEPT:])


def _after_create(request, member: Member):
    """Where a saved member leads: the group's page, or ("Save and add another") the form
    again for the same group, the joined date kept from the member just saved."""
    if request.POST.get("add_another"):
        return redirect(_create_url(member.group.code, after=member.pk))
    return redirect("groups:detail", code=member.group.code)


def _joined_on_of(request, group, after: str):
    """The joined date of the member just saved (`?after=<pk>`) in `group`, if the user
    may edit them; None otherwise."""
    if not (after.isdigit() and len(after) < 10):
        return None
    member = members_editable(request.user).filter(pk=int(after), group=group).first()
    return member.joined_on if member else None


@editors_only
def member_create(request):
    initial = {}
    group = None
    if code := request.GET.get("group"):
        group = open_groups(request.user).filter(code=code).first()
        if group is None:
            raise Http404
        initial["group"] = group
        if joined_on := _joined_on_of(request, group, request.GET.get("after", "")):
            initial["joined_on"] = joined_on
    # A one-time token per form shown: the same form sent twice saves one member (besides
    # the duplicate check below, which a ticked "different person" box would pass).
    posted_token = (request.POST.get("submission") or "")[:64]
    token = posted_token or secrets.token_urlsafe(16)
    if request.method == "POST" and (saved := _already_saved(request, posted_token)):
        messages.info(
            request,
            gettext("%(name)s was already added to the group %(code)s.")
            % {"name": _name(saved), "code": saved.group.code},
        )
        return _after_create(request, saved)
    offer_confirm = bool(request.POST.get("confirm_not_duplicate"))
    form = MemberCreateForm(
        request.POST or None, user=request.user, initial=initial, offer_confirm=offer_confirm
    )
    duplicates = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        duplicates = selectors.possible_duplicates(
            user=request.user,
            surname=data["surname"],
            given_name=data["given_name"],
            birth_year=data["birth_year"],
            phone=data["phone"],
        )
        if duplicates and not data.get("confirm_not_duplicate"):
            form = MemberCreateForm(request.POST, user=request.user, offer_confirm=True)
            form.is_valid()
            form.add_error(
                "confirm_not_duplicate",
                _("Check the possible duplicates above; tick this box if this is someone else."),
            )
        else:
            done = submit(
                request, form, lambda data: services.member_create(user=request.user, data=data)
            )
            if done.saved:
                member = done.result
                _remember_saved(request, posted_token, member)
                messages.success(
                    request,
                    gettext("%(name)s was added to the group %(code)s.")
                    % {"name": _name(member), "code": member.group.code},
                )
                return _after_create(request, member)
    if request.method != "POST" and group is not None:
        # The group is chosen: typing starts at the name (also after "Save and add another").
        form.fields["surname"].widget.attrs["autofocus"] = True
    context = {
        "form": form,
        "creating": True,
        "duplicates": duplicates,
        "duplicates_elsewhere": sum(1 for d in duplicates if d.member is None),
        "group": group,
        "submission": token,
    }
    return render(request, "members/form.html", context)


def member_edit(request, pk: int):
    member = selectors.member_editable(user=request.user, pk=pk)
    done = submit(
        request,
        MemberForm(request.POST or None, instance=member, user=request.user),
        lambda data: services.member_update(
            member=member, user=request.user, data=data, version=data.get("version")
        ),
        reload=lambda current: MemberForm(instance=current, user=request.user),
    )
    if done.saved:
        messages.success(request, gettext("%(name)s saved.") % {"name": _name(member)})
        return redirect("members:detail", pk=member.pk)
    context = {
        "form": done.form,
        "member": member,
        "creating": False,
        "stale_changes": done.stale_changes,
    }
    return render(request, "members/form.html", context)


@require_POST
def member_leave(request, pk: int):
    member = selectors.member_editable(user=request.user, pk=pk)
    form = LeaveForm(request.POST)
    done = submit(
        request,
        form,
        lambda data: services.member_leave(
            member=member, user=request.user, left_on=data["left_on"]
        ),
    )
    if done.saved:
        member = done.result
        text = gettext("%(name)s left the group %(code)s on %(date)s.") % {
            "name": _name(member),
            "code": member.group.code,
            "date": date_format(member.left_on, "SHORT_DATE_FORMAT"),
        }
        if member.role == Member.Role.LEADER:
            text += " " + gettext("The group now needs a leader.")
        messages.success(request, text)
        return redirect("groups:detail", code=member.group.code)
    return _detail(request, member, leave_form=form)


@require_POST
def member_make_leader(request, pk: int):
    member = selectors.member_editable(user=request.user, pk=pk)
    try:
        member, previous = services.member_make_leader(member=member, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        text = gettext("%(name)s is now the leader of %(code)s.") % {
            "name": _name(member),
            "code": member.group.code,
        }
        for former in previous:
            text += " " + gettext("%(name)s is now a member.") % {"name": _name(former)}
        messages.success(request, text)
    return redirect("groups:detail", code=member.group.code)


@require_POST
def member_transfer(request, pk: int):
    member = selectors.member_editable(user=request.user, pk=pk)
    form = TransferForm(request.POST, member=member, user=request.user)
    done = submit(
        request,
        form,
        lambda data: services.member_transfer(
            member=member, user=request.user, to_group=data["to_group"], on_date=data["on_date"]
        ),
    )
    if done.saved:
        moved = done.result
        text = gettext("%(name)s was transferred to %(code)s on %(date)s.") % {
            "name": _name(moved),
            "code": moved.group.code,
            "date": date_format(moved.joined_on, "SHORT_DATE_FORMAT"),
        }
        if member.role == Member.Role.LEADER:
            text += " " + gettext("The group %(code)s now needs a leader.") % {
                "code": member.group.code
            }
        messages.success(request, text)
        return redirect("groups:detail", code=member.group.code)
    return _detail(request, member, transfer_form=form)
