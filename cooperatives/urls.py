from django.urls import path

from cooperatives import views

app_name = "cooperatives"

urlpatterns = [
    path("", views.CooperativeListView.as_view(), name="list"),
    path("export/<str:fmt>/", views.CooperativeExportView.as_view(), name="export"),
    path("new/", views.cooperative_form, name="form"),
    path("<int:pk>/", views.cooperative_detail, name="detail"),
    path("<int:pk>/edit/", views.cooperative_edit, name="edit"),
    path("<int:pk>/groups/add/", views.cooperative_add_group, name="add_group"),
    path("memberships/<int:pk>/leave/", views.membership_leave, name="leave"),
    path("groups/<str:code>/join/", views.group_join, name="join"),
    path("groups/<str:code>/choose/", views.choose_cooperative, name="choose"),
]
