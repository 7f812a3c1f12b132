from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path

from rmp_portal import health, views

# Only sign-in, the health check and static files are served without login (the rest is
# guarded by LoginRequiredMiddleware). There is no self-service password reset: admins reset
# passwords, because field offices often share one e-mail address.
accounts = [
    path(
        "login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password_change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
]

urlpatterns = [
    path("", include("rmp_portal.dashboards.urls")),
    path("", include("rmp_portal.quality.urls")),
    path("my-work/", include("rmp_portal.mywork.urls")),
    path("healthz", health.healthz, name="healthz"),
    path("accounts/", include(accounts)),
    # The language can be chosen on the sign-in page too; it reveals nothing.
    path("i18n/setlang/", login_not_required(views.set_language), name="set_language"),
    path("groups/", include("groups.urls")),
    path("members/", include("members.urls")),
    path("cooperatives/", include("cooperatives.urls")),
    path("initiatives/", include("initiatives.urls")),
    path("support/", include("initiatives.support_urls")),
    path("imports/", include("imports.urls")),
    path("api/", include("rmp_portal.api.urls")),
    path("kobo/", include("rmp_portal.kobo.urls")),
    path("admin/", admin.site.urls),
]

# A database connection error anywhere (middleware included) answers the friendly 503 page.
handler500 = "rmp_portal.errors.server_error"
