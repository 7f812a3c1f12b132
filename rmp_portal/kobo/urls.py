from django.urls import path

from rmp_portal.kobo import views

app_name = "kobo"

urlpatterns = [
    path("hook/<slug:slug>/", views.hook, name="hook"),
]
