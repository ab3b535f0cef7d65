"""Settings for the contact platform, read from the environment (twelve-factor).

Only four variables matter to most installs: ``DATABASE_URL`` (default: a SQLite file next
to ``manage.py``), ``SECRET_KEY``, ``DEBUG`` and ``ALLOWED_HOSTS``. The rest have safe
defaults and are documented in the README.
"""

import os
import tempfile
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    """Read a boolean such as ``1``/``true``/``yes`` from the environment."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    """Read a comma-separated list from the environment."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# The fallback key only suits a laptop; `manage.py check --deploy` flags it in production.
SECRET_KEY = os.environ.get("SECRET_KEY", "django-insecure-local-development-key-change-me")
# Earlier secret keys, still accepted for signatures (and API key encryption derived from them).
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

# Production over HTTPS (README, "Production"): secure cookies, HSTS and a redirect to HTTPS.
HTTPS = env_bool("HTTPS", False)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000")) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS and env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = HTTPS and env_bool("SECURE_HSTS_PRELOAD", True)
# Probes of a load balancer may speak plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
if env_bool("PROXY_SSL_HEADER", False):
    # Behind a proxy that terminates TLS and sets X-Forwarded-Proto (and strips it from clients).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "contacts",
    "paths",
    "attributes",
]

MIDDLEWARE = [
    "contacts.observability.requests.RequestTelemetryMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "contacts.dialects.middleware.RequestLimitsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "contacts.dialects.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "contacts_project.urls"
WSGI_APPLICATION = "contacts_project.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        # Persistent connections: a request does not pay for connecting (and, on PostgreSQL,
        # a new server process); one found broken is replaced before the request uses it.
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
POSTGRESQL = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
if POSTGRESQL:
    # Django's backend, with a health check that sends nothing (contacts/foundations/postgresql).
    DATABASES["default"]["ENGINE"] = "contacts.foundations.postgresql"
if POSTGRESQL and env_bool("DATABASE_JIT_OFF", True):
    # Short statements that merely look costly (correlated subqueries, statistics not yet
    # refreshed after a bulk load) would be JIT-compiled, for tens of milliseconds each time.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = f"{options.get('options', '')} -c jit=off".strip()
if POSTGRESQL and env_bool("DATABASE_PREPARED_STATEMENTS", True):
    # Parameters travel apart from the statement (server-side binding), and a statement that
    # a connection sends a fifth time is prepared: PostgreSQL does not parse it again. The
    # engine's and the readers' statements keep one text whatever the batch size, so on a
    # kept connection (CONN_MAX_AGE) a request's statements are all prepared. They are also
    # planned once: their parameters are id arrays and organization ids, whose values do not
    # change the best plan, but PostgreSQL cannot tell the size of an array parameter and
    # would otherwise plan every execution anew (a generic plan is forced). Off behind a
    # pooler that cannot keep prepared statements (pgbouncer in transaction mode before 1.21).
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options.update(server_side_binding=True, prepare_threshold=5)
    options["options"] = f"{options.get('options', '')} -c plan_cache_mode=force_generic_plan".strip()
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent writers wait for the lock instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# In development, serve static files straight from the apps; production runs collectstatic.
WHITENOISE_USE_FINDERS = DEBUG

# Routes answer with and without a trailing slash on their own (DESIGN §9: URLs).
APPEND_SLASH = False

# Request bodies above 5 MiB are refused with 413 (DESIGN §5.1: lengths).
MAX_REQUEST_BODY_BYTES = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_REQUEST_BODY_BYTES
DATA_UPLOAD_MAX_NUMBER_FIELDS = 100_000

# Where an admin import's upload waits between its preview and its confirmation.
IMPORT_UPLOAD_DIR = Path(os.environ.get("IMPORT_UPLOAD_DIR") or Path(tempfile.gettempdir()) / "contacts-imports")

# Fernet keys that encrypt API keys at rest (needed to verify WSSE digests), newest first: the
# first encrypts, all decrypt (rotation: README). Without any, a key derived from SECRET_KEY.
API_KEY_ENCRYPTION_KEYS = env_list("API_KEY_ENCRYPTION_KEYS", os.environ.get("API_KEY_ENCRYPTION_KEY", ""))

# One rate limit per API key for all dialects (DESIGN §5.1), counted on the shared cache.
API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "6000/min")
CACHE_URL = os.environ.get("CACHE_URL") or os.environ.get("REDIS_URL")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # The first class answers WWW-Authenticate, so missing credentials give 401.
        "contacts.auth.authentication.BearerKeyAuthentication",
        "contacts.auth.authentication.BasicKeyAuthentication",
        "contacts.auth.authentication.HeaderKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["contacts.auth.throttling.ApiKeyRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": ["contacts.api.parsers.StrictJSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "contacts.api.pagination.PageNumberPagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "contacts.api.errors.native_exception_handler",
    # DESIGN §9: timestamps are always written in one format, microseconds included.
    "DATETIME_FORMAT": "%Y-%m-%dT%H:%M:%S.%fZ",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Contact platform API",
    "DESCRIPTION": (
        "One update engine, five wire dialects. This schema describes the REST ones: native "
        "(`/rest/...`, with the reference data it relies on), keyed (`/api/v2/...`), external "
        "(`/external/v1/...`) and legacy REST (`/api/2.0/contacts/...`). The fifth, legacy "
        "XML-RPC (`POST /api/2.0/xmlrpc`: `contacts.UpdateContact`, `contacts.GetContact`, "
        "`system.listMethods`), is not HTTP-resource shaped and is described in the README. "
        "Writes take `Idempotency-Key`; native and keyed writes take a dry-run flag."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # No validator badge: it would load an image from validator.swagger.io.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {"EventTypeEnum": "contacts.models.history.EVENT_TYPE_CHOICES"},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "contacts.dialects.schema.document_error_answers",
    ],
}

LOGIN_URL = "admin:login"

# Who may read /metrics (Prometheus): addresses or networks, comma-separated.
METRICS_ALLOWED_IPS = env_list("METRICS_ALLOWED_IPS", "127.0.0.1,::1")

# Webhooks (README "Change events"): private, loopback and link-local targets are refused
# unless this is set (a receiver inside your own network, or tests).
WEBHOOK_ALLOW_PRIVATE = env_bool("WEBHOOK_ALLOW_PRIVATE", False)
WEBHOOK_TIMEOUT_SECONDS = float(os.environ.get("WEBHOOK_TIMEOUT_SECONDS", "10"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
