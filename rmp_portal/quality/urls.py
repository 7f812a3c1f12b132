from django.urls import path

from rmp_portal.quality import views

urlpatterns = [
    path("data-quality/", views.data_quality, name="data_quality"),
]
