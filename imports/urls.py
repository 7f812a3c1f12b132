from django.urls import path

from imports import views

app_name = "imports"

urlpatterns = [
    path("", views.run_list, name="list"),
    path("<str:kind>/new/", views.upload, name="upload"),
    path("<str:kind>/template.<str:fmt>", views.template_download, name="template"),
    path("runs/<int:pk>/", views.run_detail, name="detail"),
    path("runs/<int:pk>/confirm/", views.run_confirm, name="confirm"),
    path("runs/<int:pk>/discard/", views.run_discard, name="discard"),
]
