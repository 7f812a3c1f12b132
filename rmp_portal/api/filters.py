"""The registries' own FilterSets (the same query-string filters, the same scope rules for
their choices and for personal data), each with `updated_since` added for incremental sync.

A parameter no filter knows is a 400 rather than ignored: a typo such as `update_since`
would otherwise silently return every record."""

import copy

import django_filters
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions

from cooperatives.filters import CooperativeFilter
from groups.filters import GroupFilter
from initiatives.filters import InitiativeFilter, SupportFilter
from members.filters import MemberFilter
from rmp_portal.api.pagination import CURSOR_PARAM, PAGE_SIZE_PARAM

# Parameters every list takes besides its filters (DRF's `format`: ?format=json).
COMMON_PARAMS = frozenset({CURSOR_PARAM, PAGE_SIZE_PARAM, "format"})
UNKNOWN_PARAMETER = _("Unknown parameter.")
UPDATED_SINCE_HELP = _(
    "Only records changed at or after this moment (ISO 8601, e.g. 2026-11-24T08:00:00Z): "
    "for incremental sync, with /api/v1/tombstones/ for what was removed."
)


def updated_since_filter():
    return django_filters.IsoDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        label=_("Updated since"),
        help_text=UPDATED_SINCE_HELP,
    )


def ids_in_schema(filterset_class, *names: str):
    """Say in the schema that these filters (a `method` over another model, which
    drf-spectacular cannot type) take ids; the filters themselves are the registry's."""
    for name in names:
        filter_ = copy.copy(filterset_class.base_filters[name])
        schema = {"type": "integer", "description": filter_.label}
        filterset_class.base_filters[name] = extend_schema_field(schema)(filter_)
    return filterset_class


class GroupApiFilter(GroupFilter):
    updated_since = updated_since_filter()

    class Meta(GroupFilter.Meta):
        pass


class MemberApiFilter(MemberFilter):
    updated_since = updated_since_filter()

    class Meta(MemberFilter.Meta):
        pass


class CooperativeApiFilter(CooperativeFilter):
    updated_since = updated_since_filter()

    class Meta(CooperativeFilter.Meta):
        pass


class InitiativeApiFilter(InitiativeFilter):
    updated_since = updated_since_filter()

    class Meta(InitiativeFilter.Meta):
        pass


class SupportApiFilter(SupportFilter):
    updated_since = updated_since_filter()

    class Meta(SupportFilter.Meta):
        pass


ids_in_schema(GroupApiFilter, "cooperative")
ids_in_schema(InitiativeApiFilter, "province", "district")
ids_in_schema(SupportApiFilter, "province", "district")


def reject_unknown_params(request, known) -> None:
    unknown = sorted(set(request.query_params) - set(known) - COMMON_PARAMS)
    if unknown:
        raise exceptions.ValidationError({name[:50]: [UNKNOWN_PARAMETER] for name in unknown[:10]})


class RegistryFilterBackend(DjangoFilterBackend):
    """django-filter's DRF backend, refusing parameters the FilterSet does not know. A date
    range filter `joined` reads `joined_after` and `joined_before`."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None:
            known = set()
            for name, filter_ in filterset_class.base_filters.items():
                if isinstance(filter_, django_filters.DateFromToRangeFilter):
                    known.update({f"{name}_after", f"{name}_before"})
                else:
                    known.add(name)
            reject_unknown_params(request, known)
        return super().filter_queryset(request, queryset, view)
