from django.urls import path

from initiatives import views

app_name = "initiatives"

urlpatterns = [
    path("", views.InitiativeListView.as_view(), name="list"),
    path("export/<str:fmt>/", views.InitiativeExportView.as_view(), name="export"),
    path("new/", views.initiative_create, name="create"),
    path("<int:pk>/", views.initiative_detail, name="detail"),
    path("<int:pk>/edit/", views.initiative_edit, name="edit"),
    path("<int:pk>/status/", views.initiative_change_status, name="change_status"),
]
