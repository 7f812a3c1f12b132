import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from groups.models import ActivityType, District, Jamoat, Province, SelfHelpGroup
from groups.selectors import (
    choices_for,
    districts_visible,
    existing_on,
    group_condition,
    provinces_visible,
)
from rmp_portal.core.filters import YES_NO, DistrictFilter, ReportingDateMixin, search_tokens
from rmp_portal.core.models import ReferenceName, localized_name_order
from rmp_portal.core.registry import CappedSelect
from rmp_portal.core.widgets import DateRangeInput


def scope_geography_filters(filterset, user) -> None:
    """Province and district choices the user may read; once a province is chosen, the
    district choices narrow to it. The raw query-string value is only compared with the
    visible provinces' ids, never put into a query (a huge number would overflow SQLite)."""
    provinces = provinces_visible(user)
    filterset.filters["province"].queryset = provinces
    districts = districts_visible(user)
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


def search_groups(queryset: QuerySet[SelfHelpGroup], text: str) -> QuerySet[SelfHelpGroup]:
    """The groups registry's search, also used wherever groups are looked up by typing (an
    officer's home, choosing the group of a new member): every word of `text` in the
    group's code, name or village, its district's name (also former names) or its current
    leader's name, in Latin or Cyrillic."""
    for token in search_tokens(text):
        queryset = queryset.filter(
            Q(search_key__contains=token)
            | Q(district__search_key__contains=token)
            | group_condition("leader_matches", token)
        )
    return queryset


class GroupFilter(ReportingDateMixin):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        help_text=_("Code, name, village, leader or district (also former names)."),
    )
    province = django_filters.ModelChoiceFilter(
        field_name="district__province", queryset=Province.objects.all(), label=_("Province")
    )
    # For a field officer also "My districts", where the registry opens (core.filters).
    district = DistrictFilter(queryset=District.objects.none(), label=_("District"))
    jamoat = django_filters.ModelChoiceFilter(queryset=Jamoat.objects.none(), label=_("Jamoat"))
    status = django_filters.ChoiceFilter(choices=SelfHelpGroup.Status.choices, label=_("Status"))
    activity = django_filters.ModelChoiceFilter(
        field_name="activities", queryset=ActivityType.objects.all(), label=_("Activity")
    )
    in_cooperative = django_filters.ChoiceFilter(
        choices=YES_NO, method="filter_in_cooperative", label=_("In a cooperative")
    )
    # Its choices are the cooperatives the user may read (registered by cooperatives).
    cooperative = django_filters.ModelChoiceFilter(
        queryset=SelfHelpGroup.objects.none(),
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
            district__in=districts_visible(user)
        ).select_related("district")
        scope_geography_filters(self, user)
        self.filters["cooperative"].queryset = choices_for("cooperative", user)

    def filter_queryset(self, queryset):
        as_of = self.form.cleaned_data.get("as_of")
        if as_of:
            queryset = existing_on(queryset, as_of)
        self._as_of = as_of
        return super().filter_queryset(queryset)

    def filter_as_of(self, queryset, name, value):
        return queryset  # applied first, in filter_queryset, because other filters use it

    def filter_search(self, queryset, name, value):
        return search_groups(queryset, value)

    def filter_in_cooperative(self, queryset, name, value):
        in_coop = group_condition("in_cooperative", self._as_of)
        return queryset.filter(in_coop) if value == "yes" else queryset.exclude(in_coop)

    def filter_cooperative(self, queryset, name, value):
        return queryset.filter(group_condition("in_cooperative", self._as_of, cooperative=value))

    def filter_has_men(self, queryset, name, value):
        men = group_condition("has_men", self._as_of)
        return queryset.filter(men) if value == "yes" else queryset.exclude(men)

    def filter_needs_leader(self, queryset, name, value):
        leader = group_condition("has_leader", self._as_of)
        return queryset.exclude(leader) if value == "yes" else queryset.filter(leader)
