from django.urls import path

from groups import views

app_name = "groups"

urlpatterns = [
    path("", views.GroupListView.as_view(), name="list"),
    path("export/<str:fmt>/", views.GroupExportView.as_view(), name="export"),
    path("new/", views.group_create, name="create"),
    path("<str:code>/", views.group_detail, name="detail"),
    path("<str:code>/edit/", views.group_edit, name="edit"),
]
