"""cancelflow settings: one module, configured from the environment (12-factor).

Everything that differs between a laptop and production is an environment variable;
the defaults are safe (debug off) and need nothing but SQLite and local memory.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off. "
            "For local development, run with DJANGO_DEBUG=1 (make run does)."
        )
    SECRET_KEY = "insecure-development-only-key-never-use-in-production"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
ADMIN_PATH = os.environ.get("DJANGO_ADMIN_PATH", "admin/").strip("/") + "/"

INSTALLED_APPS = [
    "modeltranslation",  # before the admin, whose forms it extends (guides/translation.py)
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_htmx",
    "django_countries",
    "reversion",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks_db",  # the queue of background tasks, in the database (app label
    # django_tasks_database); `manage.py db_worker` runs them
    "guides",
    "accounts",
]

MIDDLEWARE = [
    "cancelflow.middleware.RequestIdMiddleware",
    "cancelflow.middleware.HealthCheckMiddleware",  # before the host check and the redirect
    "cancelflow.languages.PathLanguageMiddleware",  # first: even a 413 is in the page's language
    "cancelflow.middleware.RequestSizeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "cancelflow.middleware.SecurityHeadersMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.StaffIdleTimeoutMiddleware",
    "accounts.middleware.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "guides.caching.pages.PageCacheMiddleware",
    "cancelflow.middleware.ServiceUnavailableMiddleware",
]

ROOT_URLCONF = "cancelflow.urls"
WSGI_APPLICATION = "cancelflow.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
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

# Databases: SQLite by default, PostgreSQL (or anything dj-database-url knows) via DATABASE_URL.
# The default SQLite file is in CANCELFLOW_DATA_DIR (the image's writable volume, /data), or
# beside the code.
DATA_DIR = Path(os.environ.get("CANCELFLOW_DATA_DIR") or BASE_DIR)
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if not os.environ.get("DATABASE_URL") and not os.access(DATA_DIR, os.W_OK):
    raise ImproperlyConfigured(
        f"The SQLite database belongs in {DATA_DIR}, which this user (uid {os.getuid()}) cannot "
        "write to. Mount a folder it can write there (CANCELFLOW_DATA_DIR names it), or set "
        "DATABASE_URL."
    )

# Cache: local memory by default, a shared Redis via REDIS_URL.
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            # Several sites (or test runs) can share one Redis database under their own prefix.
            "KEY_PREFIX": os.environ.get("CANCELFLOW_CACHE_PREFIX", "cancelflow"),
            # An unreachable Redis fails fast: pages then come from the database.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }

# Anonymous guide pages are kept for at most this long (guides/caching/pages.py), in each
# process and, with REDIS_URL, in the shared cache; and guides, listings and the search index
# are kept in each process's memory (guides/caching/memory.py). Both are on in every shape of
# deployment: what is kept is dropped when the change log (guides/caching/versions.py) says
# that what it shows changed, which every process reads from the database.
# CANCELFLOW_PAGE_CACHE=0 and CANCELFLOW_KEEP_IN_MEMORY=0 turn them off.
PAGE_CACHE_SECONDS = (
    int(os.environ.get("CANCELFLOW_PAGE_CACHE_SECONDS", "600"))
    if env_bool("CANCELFLOW_PAGE_CACHE", True)
    else 0
)
KEEP_GUIDES_IN_MEMORY = env_bool("CANCELFLOW_KEEP_IN_MEMORY", True)
# How often, at most, a process reads the change log: an editor's change is served by every
# process of every instance within this many seconds, and at once by the one that saved it.
CONTENT_POLL_SECONDS = float(os.environ.get("CANCELFLOW_CONTENT_POLL_SECONDS", "0.25"))
# Visitors' feedback accepted per client per hour: enough for an honest visitor reporting
# every step of a long guide. Load tests, where every client is one address, raise it.
FEEDBACK_LIMIT = int(os.environ.get("CANCELFLOW_FEEDBACK_LIMIT", "10"))

# make bench serves a bare baseline view to compare every page with.
BENCH = env_bool("CANCELFLOW_BENCH")

# Staff sign-in (accounts/): an admin session ends after this long without an admin request,
# and the authenticator app shows the account under this name.
STAFF_SESSION_IDLE_SECONDS = int(os.environ.get("CANCELFLOW_STAFF_IDLE_SECONDS", str(30 * 60)))
OTP_TOTP_ISSUER = "cancelflow"

# Background tasks (django.tasks): queued in the database, run by `manage.py db_worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Checking the links in the guides (guides/links/): each request says who is asking and how to
# reach us, waits at most LINK_CHECK_TIMEOUT seconds, reads at most LINK_CHECK_MAX_BYTES of a
# body, and a host gets one request at a time, LINK_CHECK_HOST_DELAY seconds apart. Private,
# loopback and link-local addresses are never fetched (LINK_CHECK_ALLOW_LOOPBACK lets the
# tests reach 127.0.0.1).
SITE_NAME = "cancelflow"
CONTACT_EMAIL = os.environ.get("CANCELFLOW_CONTACT_EMAIL", "")
LINK_CHECK_USER_AGENT = os.environ.get("CANCELFLOW_LINK_CHECK_USER_AGENT") or (
    f"{SITE_NAME}-link-check/1.0"
    + (f" (+mailto:{CONTACT_EMAIL})" if CONTACT_EMAIL else " (checks the links in its guides)")
)
LINK_CHECK_TIMEOUT = float(os.environ.get("CANCELFLOW_LINK_CHECK_TIMEOUT", "10"))
LINK_CHECK_MAX_BYTES = 256 * 1024
LINK_CHECK_HOST_DELAY = float(os.environ.get("CANCELFLOW_LINK_CHECK_HOST_DELAY", "1"))
LINK_CHECK_ALLOW_LOOPBACK = False
# A check that could not tell because of a timeout, an unreachable host or a server error is
# tried again this many seconds later, then twice as long later (three attempts in all).
LINK_CHECK_RETRY_DELAY = float(os.environ.get("CANCELFLOW_LINK_CHECK_RETRY_DELAY", "300"))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The visitor's pages in these languages, each under its own prefix but English
# (cancelflow/languages.py); the interface's catalogs are in locale/.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("de", "German"), ("fr", "French"), ("es", "Spanish")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Where a part of a guide applies (guides/regions.py): the countries of django-countries, and
# the subdivisions and groups editors may name beside them.
COUNTRIES_OVERRIDE = {"EU": gettext_lazy("European Union"), "US-CA": gettext_lazy("California")}
# The guides' own texts in those languages (guides/translation.py): English is the source,
# and what is not translated yet is read in English.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "cancelflow.storage.StaticFilesStorage"  # whitenoise's, remembering addresses
        )
    },
}

# Requests. An editor's save of a whole page of steps may be large: the limit is far above
# what its fields allow together, so that a text too long gets a form error, with all of it
# kept, rather than a lost page. Nothing a visitor sends needs to be large
# (cancelflow.middleware.RequestSizeMiddleware answers 413 to both, above their limits).
DATA_UPLOAD_MAX_MEMORY_SIZE = 8 * 1024 * 1024
PUBLIC_POST_MAX_SIZE = 64 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

# Security headers. A strict Content-Security-Policy: no inline script or style anywhere.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
# No address of this site leaves it in a Referer header, so links to other sites need no
# rel="noreferrer" (nor "noopener": none opens a new window).
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # a load balancer's probe (HealthCheckMiddleware)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# Logs go to stderr: JSON lines in production (one per request, with its request id),
# plain text while developing. DJANGO_LOG_FORMAT=json|text overrides.
LOG_FORMAT = os.environ.get("DJANGO_LOG_FORMAT", "text" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "cancelflow.logging.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # The request line comes from cancelflow.request; Django's own would repeat it.
        "django.server": {"level": "WARNING"},
        "django.request": {"level": "ERROR"},
    },
}
