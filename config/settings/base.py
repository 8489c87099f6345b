"""Settings shared by every environment. Configuration comes from environment variables
(documented in README.md, section "Cấu hình"); nothing secret is committed."""

import os
from pathlib import Path
from typing import overload

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parents[2]
SRC_DIR = BASE_DIR / "src"


@overload
def env(name: str, default: str) -> str: ...
@overload
def env(name: str, default: None = None) -> str | None: ...
def env(name: str, default: str | None = None) -> str | None:
    """`CCHC_<name>` from the environment; a setting with a default is never None."""
    return os.environ.get(f"CCHC_{name}", default)


def env_bool(name: str, default: bool = False) -> bool:
    value = env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in (env(name) or default).split(",") if item.strip()]


SECRET_KEY = env("SECRET_KEY", "dev-only-insecure-key-change-me")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
CSRF_FAILURE_VIEW = "cchc.core.views.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "axes",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "cchc.core",
    "cchc.organizations",
    "cchc.plans",
    "cchc.operations",
    "cchc.indicators",
    "cchc.national",
    "cchc.parindex",
    "cchc.reports",
    "cchc.inspections",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "cchc.api",
    "cchc.portal",
    "cchc.demo",  # the demo's generators and accounts, on top of every app
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "cchc.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Axes must be last: it turns a lockout into a response.
    "axes.middleware.AxesMiddleware",
]

# Only the site's own files run as scripts (no inline script or handler in any page: static/
# cchc/app.js); styles may be inline (style="…", and the <style> htmx adds for its
# indicators); images also as data: URIs (Swagger UI's icons, ECharts' exports).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SRC_DIR / "cchc" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cchc.organizations.context_processors.current_membership",
            ],
        },
    },
]

# SQLite is the embedded default so that `make demo` needs no server; production and CI use
# PostgreSQL through CCHC_DATABASE_URL (postgres://user:pass@host:5432/name).
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'cchc.sqlite3'}"),
        conn_max_age=int(env("DB_CONN_MAX_AGE", "60") or 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Write-ahead log: pages keep reading while an import writes (in the default rollback
    # journal a large write locks readers out until it commits: the import page itself stalled
    # during the roll-up). IMMEDIATE takes the write lock when a transaction begins, so two
    # writers wait their turn (`timeout`) instead of failing with "database is locked".
    # A page cache of 64 MiB a connection (SQLite's default is 2 MiB): a million dossiers
    # go into the dossier table and its indexes in 4,3 s instead of 6,5 s (measured with
    # INSERT … SELECT; docs/benchmarks.md).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        init_command=(
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536;"
        ),
        transaction_mode="IMMEDIATE",
        timeout=30,
    )
# A change's reason is what an official typed (reopening an assessment, revoking a token, a
# note on an upload): kept whole, not in django-simple-history's default varchar(100), on
# which PostgreSQL refused any longer reason with an error page (SQLite ignores the length).
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend that loads the membership with the user (one query per request less)
    "cchc.organizations.backends.MembershipBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Repeated failed logins lock the (username, IP) pair for an hour.
AXES_FAILURE_LIMIT = int(env("AXES_FAILURE_LIMIT", "5") or 5)
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True

# Vietnamese only, whatever the browser asks for: no LocaleMiddleware, so an office computer
# set to English neither reads 10/11/2022 as 11 October nor shows English messages (ADR 0015).
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt"))]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
# dd/mm/yyyy dates and 1.234,5 numbers everywhere (config/formats/vi/formats.py).
FORMAT_MODULE_PATH = ["config.formats"]
USE_THOUSAND_SEPARATOR = True
LOCALE_PATHS = [SRC_DIR / "cchc" / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [SRC_DIR / "cchc" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "var" / "media")) or "")

# Sessions in the database, read without the ORM (cchc/core/sessions.py).
SESSION_ENGINE = "cchc.core.sessions"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 60 * 60  # one working day
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "cchc@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    # fastexcel warns of every column empty under the header ("falling back to string"):
    # an ordinary sheet's blank column, read as blank cells (core/tabular/excel.py).
    "loggers": {"axes": {"level": "WARNING"}, "fastexcel": {"level": "ERROR"}},
}

FORM_RENDERER = "cchc.core.forms.FormRenderer"

# Background jobs (imports, indicator refresh) run in `manage.py worker` (django-tasks'
# `db_worker` plus the repairs of ADR 0016); `make demo` starts one beside the web server.
# Tests run jobs immediately in the calling thread.
TASKS = {"default": {"BACKEND": env("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}
# The steps of an import's write, told by the worker to the page while the write's transaction
# is open (the run's own row is only seen at commit): files that the web and worker processes
# both reach, as they both reach the uploaded file (ADR 0009).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "progress": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": env("PROGRESS_DIR", str(BASE_DIR / "var" / "progress")),
    },
}
# Largest file accepted by an upload form (imports): 200 MB.
IMPORT_MAX_BYTES = int(env("IMPORT_MAX_BYTES", str(200 * 1024 * 1024)) or 0)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Reminders about task deadlines: working days before the deadline on which the lead and
# coordinating agencies are reminded (plus on the day and the working day after), and the
# weekday (0 = Monday) of the reform office's weekly digest.
REMINDER_DAYS_BEFORE = [int(d) for d in env_list("REMINDER_DAYS_BEFORE", "10,3")]
DIGEST_WEEKDAY = int(env("DIGEST_WEEKDAY", "0") or 0)
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000")
# Evidence files attached to progress reports and PAR INDEX scores.
EVIDENCE_MAX_BYTES = int(env("EVIDENCE_MAX_BYTES", str(20 * 1024 * 1024)) or 0)
# Periodic reports: the day of the month on which a period's data is cut off (Decree 09/2019:
# from the 15th of the month before the period to the 14th of its last month → 15).
REPORT_CUTOFF_DAY = int(env("REPORT_CUTOFF_DAY", "15") or 15)

# The REST API (/api/v1/, issue 18): tokens or the pages' session; every read through
# scope_for; requests per caller and minute limited (a cache per process: LocMem by default).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "cchc.api.auth.TokenAuthentication",
        "cchc.api.auth.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["cchc.api.auth.HasRole", "cchc.api.auth.PurposeMatches"],
    "DEFAULT_THROTTLE_CLASSES": ["cchc.api.auth.PerCaller"],
    "DEFAULT_THROTTLE_RATES": {"caller": env("API_RATE", "120/min")},
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 500,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "cchc API",
    "DESCRIPTION": "Dữ liệu cải cách hành chính của tỉnh: cơ quan, kế hoạch, chỉ tiêu, số liệu.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
