"""Filters of the /initiatives/ and /support/ registries, all in the query string.

`as_of` is the registry as it stood on a date (the dashboards' drill-down): initiatives that
had started by then, with their status on that day; support activities held by then."""

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from groups.filters import scope_geography_filters
from groups.models import ActivityType, District, Province
from initiatives.models import InitiativeStatus, JointInitiative, SupportActivity, SupportTopic
from rmp_portal.core.filters import YES_NO, ReportingDateMixin, search_tokens
from rmp_portal.core.widgets import DateRangeInput

OWNER_KINDS = (("group", _("a self-help group")), ("cooperative", _("a cooperative")))


class InitiativeFilter(ReportingDateMixin):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        help_text=_("Title, products, owner (name or code) or district (also former names)."),
    )
    province = django_filters.ModelChoiceFilter(
        queryset=Province.objects.all(), method="filter_province", label=_("Province")
    )
    district = django_filters.ModelChoiceFilter(
        queryset=District.objects.none(), method="filter_district", label=_("District")
    )
    status = django_filters.ChoiceFilter(
        choices=InitiativeStatus.choices,
        method="filter_status",
        label=_("Status"),
        help_text=_("On the “as of” date when one is given."),
    )
    activity_type = django_filters.ModelChoiceFilter(
        queryset=ActivityType.objects.all(), label=_("Activity type")
    )
    owner = django_filters.ChoiceFilter(
        choices=OWNER_KINDS, method="filter_owner", label=_("Owner is")
    )
    started = django_filters.DateFromToRangeFilter(
        field_name="started_on", label=_("Started between"), widget=DateRangeInput()
    )
    has_grant = django_filters.ChoiceFilter(
        choices=YES_NO, method="filter_has_grant", label=_("Has a grant")
    )
    granted = django_filters.DateFromToRangeFilter(
        field_name="grant_date", label=_("Grant received between"), widget=DateRangeInput()
    )

    class Meta:
        model = JointInitiative
        fields = []

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        scope_geography_filters(self, request.user)

    def filter_queryset(self, queryset):
        as_of = self.form.cleaned_data.get("as_of")
        if as_of:
            queryset = queryset.filter(started_on__lte=as_of)
        return super().filter_queryset(queryset)

    def filter_as_of(self, queryset, name, value):
        return queryset  # applied first, in filter_queryset

    def filter_search(self, queryset, name, value):
        for token in search_tokens(value):
            queryset = queryset.filter(
                Q(search_key__contains=token)
                | Q(group__search_key__contains=token)
                | Q(cooperative__name__icontains=token)
                | Q(group__district__search_key__contains=token)
                | Q(cooperative__district__search_key__contains=token)
            )
        return queryset

    def filter_province(self, queryset, name, value):
        return queryset.filter(
            Q(group__district__province=value) | Q(cooperative__district__province=value)
        )

    def filter_district(self, queryset, name, value):
        return queryset.filter(Q(group__district=value) | Q(cooperative__district=value))

    def filter_status(self, queryset, name, value):
        # status_shown: the status on the "as of" date, or today's (initiatives.selectors).
        return queryset.filter(status_shown=value)

    def filter_owner(self, queryset, name, value):
        return queryset.filter(**{f"{value}__isnull": False})

    def filter_has_grant(self, queryset, name, value):
        return queryset.filter(grant_amount__isnull=value != "yes")


def _recipient_groups(**conditions):
    through = SupportActivity.groups.through
    return Exists(through.objects.filter(supportactivity=OuterRef("pk"), **conditions))


class SupportFilter(ReportingDateMixin):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        help_text=_("Topic, partner NGO, recipient group or cooperative, or district."),
    )
    province = django_filters.ModelChoiceFilter(
        queryset=Province.objects.all(), method="filter_province", label=_("Province")
    )
    district = django_filters.ModelChoiceFilter(
        queryset=District.objects.none(), method="filter_district", label=_("District")
    )
    kind = django_filters.ChoiceFilter(choices=SupportActivity.Kind.choices, label=_("Kind"))
    topic = django_filters.ModelChoiceFilter(queryset=SupportTopic.objects.all(), label=_("Topic"))
    delivered_by = django_filters.ChoiceFilter(
        choices=SupportActivity.DeliveredBy.choices, label=_("Delivered by")
    )
    recipient = django_filters.ChoiceFilter(
        choices=SupportActivity.Recipient.choices, label=_("Recipient")
    )
    held = django_filters.DateFromToRangeFilter(
        field_name="held_on", label=_("Held between"), widget=DateRangeInput()
    )

    class Meta:
        model = SupportActivity
        fields = []

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        scope_geography_filters(self, request.user)

    def filter_queryset(self, queryset):
        as_of = self.form.cleaned_data.get("as_of")
        if as_of:
            queryset = queryset.filter(held_on__lte=as_of)
        return super().filter_queryset(queryset)

    def filter_as_of(self, queryset, name, value):
        return queryset  # applied first, in filter_queryset

    def filter_search(self, queryset, name, value):
        for token in search_tokens(value):
            group_matches = Q(selfhelpgroup__search_key__contains=token) | Q(
                selfhelpgroup__district__search_key__contains=token
            )
            through = SupportActivity.groups.through
            queryset = queryset.filter(
                Q(topic__search_key__contains=token)
                | Q(search_key__contains=token)
                | Q(cooperative__name__icontains=token)
                | Q(cooperative__district__search_key__contains=token)
                | Exists(through.objects.filter(group_matches, supportactivity=OuterRef("pk")))
            )
        return queryset

    def filter_province(self, queryset, name, value):
        return queryset.filter(
            Q(cooperative__district__province=value)
            | _recipient_groups(selfhelpgroup__district__province=value)
        )

    def filter_district(self, queryset, name, value):
        return queryset.filter(
            Q(cooperative__district=value) | _recipient_groups(selfhelpgroup__district=value)
        )
