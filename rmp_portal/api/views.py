"""The read-only API, version 1: each resource is the registry's selector (the user's scope,
the registry's columns) filtered by the registry's FilterSet, paged by (updated_at, id)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from drf_spectacular.renderers import (
    OpenApiJsonRenderer,
    OpenApiJsonRenderer2,
    OpenApiYamlRenderer,
    OpenApiYamlRenderer2,
)
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from drf_spectacular.views import SpectacularAPIView
from rest_framework import exceptions, generics, viewsets
from rest_framework.response import Response

from cooperatives.selectors import cooperative_registry
from groups.models import District
from groups.selectors import dashboard_provinces, group_registry
from initiatives.selectors import initiative_registry, support_registry
from members.selectors import member_registry
from rmp_portal.api import filters, serializers
from rmp_portal.api.filters import reject_unknown_params
from rmp_portal.api.permissions import HasRole, ReadsRecords
from rmp_portal.api.tombstones import RESOURCES, tombstones
from rmp_portal.core.access import scope_for
from rmp_portal.dashboards import figures

ID_MAX_DIGITS = 18  # below 2**63: a longer id is no record's (404, not a database error)


class RecordViewSet(viewsets.ReadOnlyModelViewSet):
    """A registry as a resource: list (filtered, paged) and one record by id."""

    permission_classes = [ReadsRecords]
    filter_backends = [filters.RegistryFilterBackend]
    lookup_value_regex = "[^/]+"
    selector = None

    def get_queryset(self):
        as_of = None
        if self.action == "list":
            as_of = self._as_of()
        return type(self).selector(user=self.request.user, as_of=as_of)

    def _as_of(self):
        """The registry's reporting date (its selector needs it before filtering), read by
        the FilterSet's own field; an invalid date is reported by the filters."""
        field = self.filterset_class.base_filters["as_of"].field
        try:
            return field.clean(self.request.query_params.get("as_of") or None)
        except forms.ValidationError:
            return None

    def get_object(self):
        raw = self.kwargs.get("pk", "")
        if not (raw.isdigit() and len(raw) <= ID_MAX_DIGITS):
            raise exceptions.NotFound()
        reject_unknown_params(self.request, ())
        obj = generics.get_object_or_404(self.get_queryset(), pk=int(raw))
        self.check_object_permissions(self.request, obj)
        return obj


ERRORS = dict.fromkeys((400, 401, 403, 404, 429), serializers.ErrorSerializer)

ID_PARAMETER = OpenApiParameter(
    "id", OpenApiTypes.INT, OpenApiParameter.PATH, description=_("The record's id.")
)


def _described(name: str, plural: str, serializer):
    return extend_schema_view(
        list=extend_schema(
            summary=plural,
            responses={200: serializer(many=True), **ERRORS},
            description=_(
                "The records you may read, filtered as the registry page filters them, "
                "ordered by (updated_at, id) and paged by cursor."
            ),
        ),
        retrieve=extend_schema(
            summary=name, parameters=[ID_PARAMETER], responses={200: serializer, **ERRORS}
        ),
    )


@_described(_("A self-help group"), _("Self-help groups"), serializers.GroupSerializer)
class GroupViewSet(RecordViewSet):
    serializer_class = serializers.GroupSerializer
    filterset_class = filters.GroupApiFilter
    selector = staticmethod(group_registry)

    def get_queryset(self):
        return super().get_queryset().prefetch_related("activities")


@_described(_("A member"), _("Members"), serializers.MemberSerializer)
class MemberViewSet(RecordViewSet):
    serializer_class = serializers.MemberSerializer
    filterset_class = filters.MemberApiFilter
    selector = staticmethod(member_registry)


@_described(_("A cooperative"), _("Cooperatives"), serializers.CooperativeSerializer)
class CooperativeViewSet(RecordViewSet):
    serializer_class = serializers.CooperativeSerializer
    filterset_class = filters.CooperativeApiFilter
    selector = staticmethod(cooperative_registry)


@_described(
    _("A joint economic initiative"),
    _("Joint economic initiatives"),
    serializers.InitiativeSerializer,
)
class InitiativeViewSet(RecordViewSet):
    serializer_class = serializers.InitiativeSerializer
    filterset_class = filters.InitiativeApiFilter
    selector = staticmethod(initiative_registry)


@_described(_("A support activity"), _("Support activities"), serializers.SupportSerializer)
class SupportViewSet(RecordViewSet):
    serializer_class = serializers.SupportSerializer
    filterset_class = filters.SupportApiFilter
    selector = staticmethod(support_registry)


@extend_schema_view(
    list=extend_schema(
        summary=_("Districts"),
        responses={200: serializers.DistrictSerializer(many=True), **ERRORS},
        description=_(
            "The districts of the provinces whose figures you may read, ordered and paged "
            "by id (reference data, without updated_since)."
        ),
    ),
    retrieve=extend_schema(
        summary=_("A district"),
        parameters=[ID_PARAMETER],
        responses={200: serializers.DistrictSerializer, **ERRORS},
    ),
)
class DistrictViewSet(RecordViewSet):
    """Districts are reference data every role reads (an analyst too), as far as they read
    the provinces' figures: the province dashboards list them."""

    permission_classes = [HasRole]
    serializer_class = serializers.DistrictSerializer
    filter_backends = []
    cursor_time_field = None

    def get_queryset(self):
        return District.objects.filter(province__in=dashboard_provinces(self.request.user))

    def list(self, request, *args, **kwargs):
        reject_unknown_params(request, ())
        return super().list(request, *args, **kwargs)


# ---- tombstones --------------------------------------------------------------------------


class TombstoneParams(forms.Form):
    resource = forms.ChoiceField(choices=[(name, name) for name in RESOURCES])
    updated_since = forms.DateTimeField()


@extend_schema(
    summary=_("Tombstones"),
    responses={200: serializers.TombstoneSerializer(many=True), **ERRORS},
    description=_(
        "Records of a resource deleted, or moved out of what you may read, at or after "
        "updated_since; ordered by (removed_at, id) and paged by cursor."
    ),
    parameters=[
        OpenApiParameter(
            "resource",
            str,
            enum=list(RESOURCES),
            required=True,
            description=_("The resource: groups, members, cooperatives, initiatives or support."),
        ),
        OpenApiParameter(
            "updated_since",
            OpenApiTypes.DATETIME,
            required=True,
            description=_("From this moment on (ISO 8601), as for the resource's own list."),
        ),
    ],
)
class TombstoneList(generics.ListAPIView):
    permission_classes = [ReadsRecords]
    serializer_class = serializers.TombstoneSerializer
    filter_backends = []
    cursor_time_field = "removed_at"
    cursor_id_field = "id"

    def get_queryset(self):
        reject_unknown_params(self.request, TombstoneParams.base_fields)
        params = TombstoneParams(self.request.query_params)
        if not params.is_valid():
            raise exceptions.ValidationError(params.errors)
        return tombstones(
            user=self.request.user,
            resource=params.cleaned_data["resource"],
            since=params.cleaned_data["updated_since"],
        )


# ---- figures -----------------------------------------------------------------------------


def _counts(counts: figures.Counts) -> dict:
    return {key: getattr(counts, key) for key in serializers.FigureSerializer().fields}


@extend_schema(
    summary=_("Dashboard figures"),
    description=_(
        "The dashboard's figures on a reporting date: the programme's (one row per "
        "province) or, with `province`, a province's (one row per district). The same "
        "numbers as the dashboard pages."
    ),
    parameters=[
        OpenApiParameter(
            "as_of",
            OpenApiTypes.DATE,
            description=_("The reporting date (YYYY-MM-DD, from 2000, not in the future)."),
        ),
        OpenApiParameter(
            "period_start",
            OpenApiTypes.DATE,
            description=_("The period's first day (default: twelve months before as_of)."),
        ),
        OpenApiParameter(
            "period_end",
            OpenApiTypes.DATE,
            description=_("The period's last day (default: as_of)."),
        ),
        OpenApiParameter(
            "province",
            str,
            description=_("A province's code (e.g. SU): its figures, one row per district."),
        ),
    ],
    responses={200: serializers.DashboardSerializer, **ERRORS},
)
class FiguresView(generics.GenericAPIView):
    """Figures come from rmp_portal.dashboards.figures, never counted here. Who sees which
    province's figures: the dashboards' rule (dashboard_provinces). The programme's totals
    are for those who see every province's (not a province manager)."""

    permission_classes = [HasRole]
    serializer_class = serializers.DashboardSerializer
    filter_backends = []
    pagination_class = None

    def get(self, request):
        reject_unknown_params(request, ("as_of", "period_start", "period_end", "province"))
        dates = figures.reporting_dates(request.query_params)
        if dates.notices:
            raise exceptions.ValidationError({"dates": list(dates.notices)})
        code = (request.query_params.get("province") or "").strip().upper()
        province = None
        if code:
            province = dashboard_provinces(request.user).filter(code=code[:10]).first()
            if province is None:
                raise exceptions.NotFound()
        elif scope_for(request.user).dashboard_province_ids is not None:
            raise exceptions.PermissionDenied()
        board = figures.dashboard(province=province, dates=dates, linkable=False)
        data = {
            "as_of": dates.as_of,
            "period_start": dates.period.start,
            "period_end": dates.period.end,
            "province": province.code if province else None,
            "figures": _counts(board.total),
            "areas": [
                {
                    "id": row.area.pk,
                    "code": row.area.code,
                    "name": row.area.name,
                    "figures": _counts(row.counts),
                }
                for row in board.rows
            ],
        }
        return Response(serializers.DashboardSerializer(data).data)


@extend_schema(exclude=True)
class NotFoundView(generics.GenericAPIView):
    """Any other address under /api/: a JSON 404 (401 without credentials), not a page."""

    permission_classes = [HasRole]
    filter_backends = []
    pagination_class = None

    def get(self, request, *args, **kwargs):
        raise exceptions.NotFound()


class SchemaView(SpectacularAPIView):
    """The OpenAPI schema, JSON first (YAML with ?format=yaml), so its errors are JSON too."""

    renderer_classes = [
        OpenApiJsonRenderer,
        OpenApiJsonRenderer2,
        OpenApiYamlRenderer,
        OpenApiYamlRenderer2,
    ]
