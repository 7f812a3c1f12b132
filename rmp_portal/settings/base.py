"""Settings shared by every environment; every value a deployment may change comes from
the environment (see README, "Configuration", and .env.example)."""

import datetime
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A developer's .env is read if present; real deployments set the environment instead.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Django's form widget templates, for FORM_RENDERER below.
    "django.forms",
    "django_filters",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "axes",
    "django_htmx",
    "rmp_portal.core",
    "rmp_portal",
    "groups",
    "members",
    "cooperatives",
    "initiatives",
    "imports",
    "rmp_portal.dashboards",
    "rmp_portal.quality",
    "rmp_portal.devdata",
    "rmp_portal.mywork",
    "rest_framework",
    "rest_framework_api_key",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "rmp_portal.api",
    "rmp_portal.dhis2",
    "rmp_portal.kobo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # HTML compressed for weak connections (static files are already, by whitenoise).
    # Django's GZipMiddleware pads responses against BREACH, and CSRF tokens stay masked.
    "django.middleware.gzip.GZipMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "rmp_portal.middleware.ProfileLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "rmp_portal.middleware.LoginRequiredMiddleware",
    "rmp_portal.middleware.RoleRequiredMiddleware",
    "rmp_portal.middleware.DatabaseUnavailableMiddleware",
    # django-axes must come last.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "rmp_portal.urls"
WSGI_APPLICATION = "rmp_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "rmp_portal.context_processors.portal",
            ],
        },
    },
]

# The embedded default is a SQLite file in the project folder; production sets a
# postgres:// URL.
# An empty DATABASE_URL (`DATABASE_URL= make run`) means the default too.
DATABASES = {
    "default": env.db_url_config(
        env.str("DATABASE_URL", default="") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
    )
}
if not DATABASES["default"].get("ENGINE"):
    raise ImproperlyConfigured(
        "DATABASE_URL is not a database URL this portal knows (postgres://… or sqlite:///…)."
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=True)
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", env.int("DB_CONNECT_TIMEOUT", 3))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions end after 12 hours without a request.
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_SAVE_EVERY_REQUEST = True

# Guessing passwords (django-axes): 5 failures for a username from one address lock that
# pair for 15 minutes. Trying many usernames from one address (password spraying) is slowed
# too: 50 failures in an hour from one address lock the address, whatever the username, until
# fewer than 50 of its failures are less than an hour old. The address limit is well above
# the username's because field officers share carrier and office addresses. axes applies one
# failure limit to every lockout parameter, so the address's count is made by
# `rmp_portal.signin.login_failure_limit` (AXES_FAILURE_LIMIT) from axes' failure log.
LOGIN_FAILURES_PER_USERNAME = 5
LOGIN_FAILURES_PER_ADDRESS = 50
LOGIN_ADDRESS_WINDOW = datetime.timedelta(hours=1)
AXES_COOLOFF_TIME = 0.25  # hours: the username's lockout
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # every failure, with its address and time
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# The client's address. Behind a reverse proxy every request comes from the proxy
# (127.0.0.1): NUM_PROXIES is the number of trusted proxies in front of the portal, each
# appending the address it received the request from to X-Forwarded-For; the client is then
# the NUM_PROXIES-th address from the right. 0 (the default): REMOTE_ADDR, and
# X-Forwarded-For is ignored (anyone can send one).
NUM_PROXIES = env.int("NUM_PROXIES", default=0)
if NUM_PROXIES < 0:
    raise ImproperlyConfigured("NUM_PROXIES is the number of trusted proxies: 0 or more.")


AXES_FAILURE_LIMIT = "rmp_portal.signin.login_failure_limit"
AXES_CLIENT_IP_CALLABLE = "rmp_portal.signin.client_ip_address"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ru", _("Russian")), ("tg", _("Tajik"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
# Dates and numbers per language (24.11.2026, 2 884 in Russian and Tajik): rmp_portal/formats.
FORMAT_MODULE_PATH = ["rmp_portal.formats"]
# Grouping is asked for where a figure is shown (|intcomma, number_format(force_grouping=True)),
# not switched on for every number: with USE_THOUSAND_SEPARATOR, years, ids and page numbers
# printed with {{ }} would become "2 026" and break links and inputs.
USE_THOUSAND_SEPARATOR = False
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Dushanbe")
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
# Form widgets render with the project's templates, so templates/django/forms/ can override
# Django's: an empty choice reads "— choose —" in the user's language, not "---------".
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
# The same for django-filter's choice filters (the registries' search and filter panels).
FILTERS_EMPTY_CHOICE_LABEL = _("— choose —")

X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# The REST API (rmp_portal/api, docs/api.md). ------------------------------------------------
# Read-only, JSON, authenticated by an API key (each acting as its staff user) or the session
# (the browsable API); every resource requires a role (rmp_portal.api.permissions). Errors are
# JSON in the request's language (rmp_portal.api.exceptions); paging is a cursor over
# (updated_at, id). Throttling counts requests per key (or per signed-in user) in the cache:
# with several workers the cache must be shared (Redis), or each worker counts on its own.
API_THROTTLE_RATE = env.str("API_THROTTLE_RATE", default="1000/hour")
API_PAGE_SIZE = 100
API_MAX_PAGE_SIZE = 1000
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rmp_portal.api.authentication.ApiKeyAuthentication",
        "rmp_portal.api.authentication.CsrfSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rmp_portal.api.permissions.HasRole"],
    "DEFAULT_THROTTLE_CLASSES": ["rmp_portal.api.throttling.ApiKeyRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rmp_portal.api.pagination.UpdatedCursorPagination",
    "PAGE_SIZE": API_PAGE_SIZE,
    "EXCEPTION_HANDLER": "rmp_portal.api.exceptions.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DATETIME_FORMAT": "iso-8601",
    "COERCE_DECIMAL_TO_STRING": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "RMP Portal API",
    "DESCRIPTION": "Read-only API of the RMP Portal, version 1 (docs/api.md).",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and its pages, like the API, for a signed-in user (or key) with a role.
    "SERVE_PERMISSIONS": ["rmp_portal.api.permissions.HasRole"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1/",
    "COMPONENT_SPLIT_REQUEST": True,
}
# End of the REST API's settings. ------------------------------------------------------------

# DHIS2 (rmp_portal/dhis2, docs/dhis2.md): where the dataValueSets go. Empty: files only. -----
DHIS2_URL = env.str("DHIS2_URL", default="")
DHIS2_USERNAME = env.str("DHIS2_USERNAME", default="")
DHIS2_PASSWORD = env.str("DHIS2_PASSWORD", default="")
DHIS2_TIMEOUT = env.int("DHIS2_TIMEOUT", default=30)
# End of DHIS2's settings. ---------------------------------------------------------------------

# KoboToolbox (rmp_portal/kobo, docs/api.md): forms, tokens and field mappings are set in admin.
KOBO_TIMEOUT = env.int("KOBO_TIMEOUT", default=30)
# End of KoboToolbox's settings. ---------------------------------------------------------------

# The cache: the dashboards' figures and the API's throttle counts. The default is each
# process's own memory, enough for one server process; with several gunicorn workers or
# servers, REDIS_URL (redis://host:6379/0) makes it one shared Redis (Django's RedisCache),
# so the API's per-key limit counts every worker's requests together.
REDIS_URL = env.str("REDIS_URL", default="")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}
