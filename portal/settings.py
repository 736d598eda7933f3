"""Settings for the catalogue portal.

Every deploy-specific value comes from the environment, with a safe default for
development on a laptop: SQLite in the project folder and DEBUG off unless asked.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from portal.languages import Language

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, *, default=False):
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, *, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")

# `make run` writes a random key to this git-ignored file on first start, so a
# local portal works without configuration. A production server must be given
# SECRET_KEY in its environment and refuses to start without one.
SECRET_KEY_FILE = BASE_DIR / ".secret-key"
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY and SECRET_KEY_FILE.exists():
    SECRET_KEY = SECRET_KEY_FILE.read_text().strip()
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment (see .env.example), "
            "or run `make run`, which creates a local key in .secret-key."
        )
    SECRET_KEY = "insecure-development-key-only-for-debug"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", default="127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
PORT = int(os.environ.get("PORT", "8000"))
# Where the editors' admin lives; a less guessable path keeps some noise out of the login lockout.
ADMIN_URL = (os.environ.get("ADMIN_URL", "").strip().strip("/") or "admin") + "/"
# The agency's contact page, linked from every page's footer and wherever a text says "Kontakta oss".
CONTACT_URL = os.environ.get("CONTACT_URL", "https://www.migrationsverket.se/Kontakta-oss.html")
# A CSRF failure (an expired form, cookies blocked) gets the site's own page, in the visitor's language.
CSRF_FAILURE_VIEW = "portal.errors.csrf_failure"

INSTALLED_APPS = [
    # Before the admin: it adds a column per language to the translated fields (projects/translation.py).
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    # The sitemap (projects/sitemaps.py), rendered with its own templates.
    "django.contrib.sitemaps",
    # Full-text search on PostgreSQL (projects/search.py); inert on SQLite.
    "django.contrib.postgres",
    "django_countries",
    "django_filters",
    "simple_history",
    "projects",
    "feedback",
    "api",
    "axes",
]

MIDDLEWARE = [
    # First, so that every response has its headers, a redirect to HTTPS too (portal/headers.py).
    "portal.headers.response_headers_middleware",
    "django.middleware.security.SecurityMiddleware",
    "portal.replica.replica_middleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before the query is cleaned of control characters: the API refuses them instead (api/middleware.py).
    "api.middleware.api_middleware",
    "portal.printable.printable_query_middleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"

# The public pages in Jinja2 (portal/templating.py), found first; the admin in Django's templates.
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "portal.templating.environment",
            "context_processors": [
                "django.template.context_processors.i18n",
                "django.contrib.messages.context_processors.messages",
                "projects.context_processors.content_language",
                "feedback.context_processors.feedback_block",
            ],
        },
    },
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "projects.context_processors.content_language",
            ],
        },
    },
]

WSGI_APPLICATION = "portal.wsgi.application"

# SQLite in the project folder by default; DATABASE_URL=postgres://... in
# production and CI. Persistent connections spare a connect per request.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
}

# Django's PostgreSQL backend, with a health check that costs no round trip (portal/postgresql/base.py).
POSTGRESQL_ENGINE = "portal.postgresql"
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["ENGINE"] = POSTGRESQL_ENGINE
    # Short queries answered from indexes: compiling them with LLVM first costs more than it saves.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
    # A database that does not answer is a 503 within seconds, not a request left hanging.
    DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", 2)
    # Parameters sent apart from the query, and a query the connection has run five times prepared:
    # the server then plans it once per connection instead of on every request (planning took most
    # of the server's time for a page's queries). The app servers connect to PostgreSQL directly; a
    # pooler in transaction mode in between would need prepare_threshold None.
    DATABASES["default"]["OPTIONS"].setdefault("server_side_binding", True)
    DATABASES["default"]["OPTIONS"].setdefault("prepare_threshold", 5)

# Anonymous reads from a streaming replica, when there is one (portal/replica.py).
REPLICA_DATABASE_URL = os.environ.get("REPLICA_DATABASE_URL", "")
if REPLICA_DATABASE_URL:
    DATABASES["replica"] = {
        **dj_database_url.parse(
            REPLICA_DATABASE_URL,
            conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
            conn_health_checks=True,
            engine=POSTGRESQL_ENGINE,
        ),
        "OPTIONS": DATABASES["default"].get("OPTIONS", {}),
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_ROUTERS = ["portal.replica.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The feedback form's rate limit counts each client's posts in the cache. A local-memory
# cache lives in one process, so with several gunicorn workers or app servers each would
# count on its own and a client could post that many times more; REDIS_URL gives them one
# shared count. Without it (a laptop, the tests) no Redis is needed.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Public pages for visitors who are not logged in are kept in the cache above, under the
# catalogue version, so that an editor's change is seen at once (projects/pagecache.py).
PAGE_CACHE = env_bool("PAGE_CACHE", default=True)
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "300"))

# django-axes first: it refuses a locked-out login before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Five failed logins for one user name from one address lock that pair out for
# LOGIN_COOLOFF_MINUTES; a successful login starts the count again. Counting the pair, not
# the address alone, keeps one person's typos from locking out a whole office behind one NAT.
AXES_FAILURE_LIMIT = 5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_COOLOFF_MINUTES", "15")))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "portal.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "portal.clients.client_ip"
# No "AXES: BEGIN" line in the output of every manage.py command; lockouts are still logged.
AXES_VERBOSE = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "sv"
LANGUAGES = Language.choices
LOCALE_PATHS = [BASE_DIR / "locale"]
# Content is written in Swedish; an English text is shown where an editor has given one.
MODELTRANSLATION_DEFAULT_LANGUAGE = "sv"
MODELTRANSLATION_LANGUAGES = tuple(code for code, _name in LANGUAGES)
MODELTRANSLATION_FALLBACK_LANGUAGES = ("sv",)
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# How long what people leave behind is kept (`manage.py forget_old_records`, run daily; the
# privacy page says the same): login records (django-axes) and page feedback, in days. A
# feedback row's keyed hash of the client's address, which the rate limit counts, goes after a day.
LOGIN_RECORDS_DAYS = int(os.environ.get("LOGIN_RECORDS_DAYS", "90"))
FEEDBACK_DAYS = int(os.environ.get("FEEDBACK_DAYS", "365"))
FEEDBACK_CLIENT_HOURS = 24

# The API (api/, /api/v1/): each client may make API_RATE_LIMIT requests in each window of
# API_RATE_LIMIT_WINDOW seconds, counted in the cache above (shared with REDIS_URL); 0 turns the
# limit off (a load test, schemathesis in CI).
API_RATE_LIMIT = int(os.environ.get("API_RATE_LIMIT", "120"))
API_RATE_LIMIT_WINDOW = max(1, int(os.environ.get("API_RATE_LIMIT_WINDOW", "60")))

# An entry an editor has not checked for this many days is listed as needing review.
REVIEW_INTERVAL_DAYS = int(os.environ.get("REVIEW_INTERVAL_DAYS", "365"))

# The catalogue as IATI activities (projects/iati.py, /iati/activities.xml): who reports them, and
# how their identifiers begin. The agency's IATI organisation identifier is its organisation number
# (202100-2163) under the Swedish registration agency SE-ON; its type is 10, government. An
# activity's identifier is the prefix, a hyphen and the project's slug, and must never change once
# published: change a published project's slug only knowing that.
IATI_REPORTING_ORG_REF = os.environ.get("IATI_REPORTING_ORG_REF", "SE-ON-2021002163")
IATI_REPORTING_ORG_NAME = os.environ.get("IATI_REPORTING_ORG_NAME", "Migrationsverket")
IATI_REPORTING_ORG_TYPE = os.environ.get("IATI_REPORTING_ORG_TYPE", "10")
IATI_IDENTIFIER_PREFIX = os.environ.get("IATI_IDENTIFIER_PREFIX", IATI_REPORTING_ORG_REF)

# Kosovo has no ISO 3166-1 code of its own; XK is the user-assigned code the
# EU and the Swedish authorities use for it.
COUNTRIES_OVERRIDE = {"XK": _("Kosovo")}

# A strict policy from the first template on: only our own files, no inline
# script or style. Django's admin carries the per-request nonce where it needs one.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# An editor's login lasts a working day at most, and ends when the browser closes.
SESSION_COOKIE_AGE = int(float(os.environ.get("SESSION_HOURS", "8")) * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# The production switch: the site is served over HTTPS by a proxy in front of the app servers,
# which bind to loopback or a socket so that nothing else reaches them. Then the proxy's
# X-Forwarded-Proto says whether a request came over HTTPS, plain HTTP is redirected, and
# browsers are told to use HTTPS only (HSTS, a year, subdomains included unless turned off;
# preloading is a decision of its own, HSTS_PRELOAD=1).
BEHIND_TLS_PROXY = env_bool("BEHIND_TLS_PROXY")
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=BEHIND_TLS_PROXY)
SECURE_REDIRECT_EXEMPT = [r"^health/"]  # the proxy asks over plain HTTP on the inside
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 365 * 24 * 60 * 60 if BEHIND_TLS_PROXY else 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD")
if not SECURE_HSTS_PRELOAD:
    # Submitting the domain to the browsers' preload list cannot be undone quickly; leaving it
    # out is a choice, not an oversight.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
# The addresses (or networks) of the proxies whose X-Forwarded-For is believed (portal/clients.py):
# none by default, so that a header anyone can write never decides who a visitor is.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
# What the pages may ask the browser for: nothing beyond the page itself (portal/headers.py).
PERMISSIONS_POLICY = "camera=(), geolocation=(), microphone=(), payment=(), usb=()"
# How long a browser may keep a public page before it asks again (portal/headers.py).
PUBLIC_PAGE_MAX_AGE = int(os.environ.get("PUBLIC_PAGE_MAX_AGE", "60"))

# One JSON object per line with the request's id (portal/logs.py); LOG_FORMAT=text for plain lines.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"one_line_for_client_errors": {"()": "portal.logs.OneLineForClientErrors"}},
    "formatters": {"json": {"()": "portal.logs.JsonLines"}, "text": {"format": "%(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["one_line_for_client_errors"],
            "formatter": os.environ.get("LOG_FORMAT", "text" if DEBUG else "json"),
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
