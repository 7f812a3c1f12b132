import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from cooperatives.models import Cooperative
from groups.models import (
    ActivityType,
    District,
    Jamoat,
    Province,
    ReferenceName,
    SelfHelpGroup,
    localized_name_order,
)
from groups.selectors import current_leaders, current_members, current_memberships, existing_on
from members.models import Member
from rmp_portal import access
from rmp_portal.registry import CappedSelect
from rmp_portal.text import search_key

YES_NO = (("yes", _("yes")), ("no", _("no")))


class DateInput(forms.DateInput):
    """A date picker. Its value is always ISO (what <input type="date"> shows and sends),
    never the language's format (24.11.2026), which the picker would take for empty."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class DateRangeInput(django_filters.widgets.DateRangeWidget):
    """Two date inputs under the field's legend, each with its own accessible name ("from",
    "to"): a legend alone does not label the inputs for screen readers."""

    def __init__(self, attrs=None):
        super().__init__(attrs={"type": "date", **(attrs or {})})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        for subwidget, word in zip(
            context["widget"]["subwidgets"], (_("from"), _("to")), strict=True
        ):
            subwidget["attrs"]["aria-label"] = word
        return context


def scope_geography_filters(filterset, user) -> None:
    """Province and district choices the user may read; once a province is chosen, the
    district choices narrow to it. The raw query-string value is only compared with the
    visible provinces' ids, never put into a query (a huge number would overflow SQLite)."""
    provinces = access.provinces_visible(user)
    filterset.filters["province"].queryset = provinces
    districts = access.districts_visible(user)
    chosen = filterset.data.get("province") if filterset.data else None
    province_ids = {str(pk) for pk in provinces.values_list("pk", flat=True)}
    if chosen in province_ids:
        districts = districts.filter(province_id=int(chosen))
    filterset.filters["district"].queryset = districts
    order_reference_choices(filterset)


def order_reference_choices(filterset) -> None:
    """Districts, jamoats, activity types and topics listed in the alphabetical order of the
    current language's names (their models order by the English name)."""
    for name, filter_ in filterset.filters.items():
        queryset = getattr(filter_, "queryset", None)
        model = getattr(queryset, "model", None)
        if model is None or not issubclass(model, ReferenceName) or model is Province:
            continue
        first = ("province__code",) if model is District else ()
        filterset.filters[name].queryset = localized_name_order(queryset, *first)


def search_tokens(value: str) -> list[str]:
    return search_key(value).split()[:8]


class ReportingDateMixin(django_filters.FilterSet):
    """`as_of`: the registry as it stood on a date (used by the dashboards' drill-down)."""

    as_of = django_filters.DateFilter(
        label=_("As of date"), method="filter_as_of", widget=DateInput
    )

    @property
    def as_of_date(self):
        if self.is_bound and self.is_valid():
            return self.form.cleaned_data.get("as_of")
        return None


class GroupFilter(ReportingDateMixin):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        help_text=_("Code, name, village, leader or district (also former names)."),
    )
    province = django_filters.ModelChoiceFilter(
        field_name="district__province", queryset=Province.objects.all(), label=_("Province")
    )
    district = django_filters.ModelChoiceFilter(
        queryset=District.objects.none(), label=_("District")
    )
    jamoat = django_filters.ModelChoiceFilter(queryset=Jamoat.objects.none(), label=_("Jamoat"))
    status = django_filters.ChoiceFilter(choices=SelfHelpGroup.Status.choices, label=_("Status"))
    activity = django_filters.ModelChoiceFilter(
        field_name="activities", queryset=ActivityType.objects.all(), label=_("Activity")
    )
    in_cooperative = django_filters.ChoiceFilter(
        choices=YES_NO, method="filter_in_cooperative", label=_("In a cooperative")
    )
    cooperative = django_filters.ModelChoiceFilter(
        queryset=Cooperative.objects.none(),
        method="filter_cooperative",
        label=_("Cooperative"),
        widget=CappedSelect,  # 5,000 cooperatives at national scale
    )
    established = django_filters.DateFromToRangeFilter(
        field_name="established_on",
        label=_("Established between"),
        widget=DateRangeInput(),
    )
    has_men = django_filters.ChoiceFilter(
        choices=YES_NO, method="filter_has_men", label=_("Has men members")
    )
    needs_leader = django_filters.ChoiceFilter(
        choices=YES_NO, method="filter_needs_leader", label=_("Needs a leader")
    )

    class Meta:
        model = SelfHelpGroup
        fields = []

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        user = request.user
        self.filters["jamoat"].queryset = Jamoat.objects.filter(
            district__in=access.districts_visible(user)
        ).select_related("district")
        scope_geography_filters(self, user)
        self.filters["cooperative"].queryset = access.cooperatives_visible(user)

    def filter_queryset(self, queryset):
        as_of = self.form.cleaned_data.get("as_of")
        if as_of:
            queryset = existing_on(queryset, as_of)
        self._as_of = as_of
        return super().filter_queryset(queryset)

    def filter_as_of(self, queryset, name, value):
        return queryset  # applied first, in filter_queryset, because other filters use it

    def filter_search(self, queryset, name, value):
        for token in search_tokens(value):
            leader_matches = current_leaders().filter(
                group=OuterRef("pk"), search_key__contains=token
            )
            queryset = queryset.filter(
                Q(search_key__contains=token)
                | Q(district__search_key__contains=token)
                | Exists(leader_matches)
            )
        return queryset

    def filter_in_cooperative(self, queryset, name, value):
        in_coop = Exists(current_memberships(self._as_of).filter(group=OuterRef("pk")))
        return queryset.filter(in_coop) if value == "yes" else queryset.exclude(in_coop)

    def filter_cooperative(self, queryset, name, value):
        memberships = current_memberships(self._as_of).filter(
            group=OuterRef("pk"), cooperative=value
        )
        return queryset.filter(Exists(memberships))

    def filter_has_men(self, queryset, name, value):
        men = Exists(current_members(self._as_of).filter(group=OuterRef("pk"), sex=Member.Sex.MALE))
        return queryset.filter(men) if value == "yes" else queryset.exclude(men)

    def filter_needs_leader(self, queryset, name, value):
        leader = Exists(current_leaders(self._as_of).filter(group=OuterRef("pk")))
        return queryset.exclude(leader) if value == "yes" else queryset.filter(leader)
