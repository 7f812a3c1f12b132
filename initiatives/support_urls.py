"""The support registry's routes, mounted at /support/ (namespace "support")."""

from django.urls import path

from initiatives import views

app_name = "support"

urlpatterns = [
    path("", views.SupportListView.as_view(), name="list"),
    path("export/<str:fmt>/", views.SupportExportView.as_view(), name="export"),
    path("new/", views.support_create, name="create"),
    path("<int:pk>/", views.support_detail, name="detail"),
    path("<int:pk>/edit/", views.support_edit, name="edit"),
]
