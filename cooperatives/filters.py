import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cooperatives.models import Cooperative
from cooperatives.selectors import existing_cooperatives_on
from groups.filters import scope_geography_filters
from groups.models import ActivityType, District, Province
from rmp_portal.core.filters import DistrictFilter, ReportingDateMixin
from rmp_portal.core.text import search_key
from rmp_portal.core.widgets import DateRangeInput

MAX_SEARCH_WORDS = 8


class CooperativeFilter(ReportingDateMixin):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        help_text=_("Name, registration number or district (also former names)."),
    )
    province = django_filters.ModelChoiceFilter(
        field_name="district__province", queryset=Province.objects.all(), label=_("Province")
    )
    # For a field officer also "My districts", where the registry opens (core.filters).
    district = DistrictFilter(queryset=District.objects.none(), label=_("District"))
    status = django_filters.ChoiceFilter(choices=Cooperative.Status.choices, label=_("Status"))
    branch = django_filters.ModelChoiceFilter(
        field_name="branches", queryset=ActivityType.objects.all(), label=_("Business branch")
    )
    formed = django_filters.DateFromToRangeFilter(
        field_name="formed_on",
        label=_("Formed between"),
        widget=DateRangeInput(),
    )

    class Meta:
        model = Cooperative
        fields = []

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        user = request.user
        scope_geography_filters(self, user)

    def filter_queryset(self, queryset):
        as_of = self.form.cleaned_data.get("as_of")
        if as_of:
            queryset = existing_cooperatives_on(queryset, as_of)
        return super().filter_queryset(queryset)

    def filter_as_of(self, queryset, name, value):
        return queryset  # applied first, in filter_queryset

    def filter_search(self, queryset, name, value):
        # Cooperatives have no search key of their own: a name matches as typed or as its
        # Latin folding (Гунча finds Guncha); a district through its search key, which folds
        # scripts and spellings and includes former names (Ghonchi finds Devashtich).
        for word in value.split()[:MAX_SEARCH_WORDS]:
            matches = Q(name__icontains=word) | Q(registration_number__icontains=word)
            folded = search_key(word)
            if folded:
                matches |= Q(name__icontains=folded)
                district_match = Q()
                for key in folded.split():
                    district_match &= Q(district__search_key__contains=key)
                matches |= district_match
            queryset = queryset.filter(matches)
        return queryset
