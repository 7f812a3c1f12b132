from django.urls import path

from members import views

app_name = "members"

urlpatterns = [
    path("", views.MemberListView.as_view(), name="list"),
    path("export/<str:fmt>/", views.MemberExportView.as_view(), name="export"),
    path("new/", views.member_create, name="create"),
    path("add/", views.member_choose_group, name="choose_group"),
    path("<int:pk>/", views.member_detail, name="detail"),
    path("<int:pk>/edit/", views.member_edit, name="edit"),
    path("<int:pk>/leave/", views.member_leave, name="leave"),
    path("<int:pk>/make-leader/", views.member_make_leader, name="make_leader"),
    path("<int:pk>/transfer/", views.member_transfer, name="transfer"),
]
