from django.urls import path

from rmp_portal.dashboards import views

# Not namespaced: the programme dashboard is the site's home ("home"), linked from every page.
urlpatterns = [
    path("", views.home, name="home"),
    path("export/<slug:table>.<slug:fmt>", views.dashboard_export, name="home_export"),
    path("provinces/<str:code>/", views.province_dashboard, name="province_dashboard"),
    path(
        "provinces/<str:code>/export/<slug:table>.<slug:fmt>",
        views.dashboard_export,
        name="province_export",
    ),
]
