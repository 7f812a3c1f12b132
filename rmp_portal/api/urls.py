"""/api/: version 1 of the read-only API, its OpenAPI schema and its documentation pages
(Swagger UI from drf-spectacular-sidecar's vendored files, no inline script: the portal's CSP
allows scripts from 'self' only. Redoc is not offered: it injects inline styles, which the CSP
blocks, and shows only an error)."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from rmp_portal.api import views

app_name = "api"

router = DefaultRouter()
router.include_format_suffixes = False  # one URL per resource: JSON (or ?format=api)
router.register("districts", views.DistrictViewSet, basename="district")
router.register("groups", views.GroupViewSet, basename="group")
router.register("members", views.MemberViewSet, basename="member")
router.register("cooperatives", views.CooperativeViewSet, basename="cooperative")
router.register("initiatives", views.InitiativeViewSet, basename="initiative")
router.register("support", views.SupportViewSet, basename="support")

v1 = [
    *router.urls,
    path("tombstones/", views.TombstoneList.as_view(), name="tombstones"),
    path("figures/", views.FiguresView.as_view(), name="figures"),
]

urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", views.SchemaView.as_view(), name="schema"),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api:schema", template_name="api/swagger_ui.html"
        ),
        name="docs",
    ),
    re_path(r"^.*$", views.NotFoundView.as_view(), name="not_found"),
]
