"""Settings shared by every deployment, each driven by a DJANGO_-prefixed environment variable.

Statutory time limits, holiday handling and the category taxonomy are data (admin-editable,
seeded by migrations), not settings.
"""

import datetime as dt
from pathlib import Path

import django_stubs_ext
import environ

# The admin classes are written with their model as a type parameter (ModelAdmin[Unit]),
# which Django's classes accept only once patched.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parents[2]


def _in_existing_dir(path: Path) -> Path:
    """Return `path` once its directory exists: SQLite creates files, not directories."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


env = environ.FileAwareEnv(
    DJANGO_DEBUG=(bool, False),
    DJANGO_ALLOWED_HOSTS=(list, ["127.0.0.1", "localhost"]),
)
env.prefix = "DJANGO_"

# What the application keeps on this machine by default: the SQLite database, the task
# queue, attachments, routing models. A fresh clone has no var/ yet.
VAR_DIR = Path(env("VAR_DIR", default=str(BASE_DIR / "var")))

SECRET_KEY = env("SECRET_KEY", default="insecure-local-key-change-me")
DEBUG = env("DEBUG")
ALLOWED_HOSTS = env("ALLOWED_HOSTS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "huey.contrib.djhuey",
    "xinfang.common",
    "xinfang.accounts",
    "xinfang.organization",
    "xinfang.petitions",
    "xinfang.routing",
    "xinfang.assessment",
    "xinfang.early_warnings",
    "xinfang.reception",
    "xinfang.outreach",
    "xinfang.ledger_import",
    "xinfang.notifications",
    "xinfang.portal",
    "xinfang.api",
    "xinfang.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a lockout into the door's answer on the way out.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

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
                "django.template.context_processors.i18n",
                "xinfang.early_warnings.context_processors.open_alerts",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The work pages read a page of twenty: starting parallel workers costs more than it
    # saves on two cores. Statistics that scan years can turn it back on per query.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "options", "-c max_parallel_workers_per_gather=0"
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    if DATABASES["default"]["NAME"] != ":memory:":
        _in_existing_dir(Path(DATABASES["default"]["NAME"]))
    # WAL lets the web server read while a registration writes; a busy timeout instead of
    # "database is locked" errors under concurrent intake. SQLite's default page cache is
    # 2 MB: a register of a million cases wants its indexes in memory (64 MB, and the
    # file mapped).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                "PRAGMA cache_size=-65536; PRAGMA mmap_size=1073741824;"
            ),
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "petitions:workbench"
LOGOUT_REDIRECT_URL = "accounts:login"

# Every password check goes through django-axes first: the login page, the admin's login
# and POST /api/v1/auth/token all pass the request to authenticate(), so all three count
# failures and refuse a locked account, even with the right password.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "xinfang.accounts.backends.UnitModelBackend",
]
# The account is what is locked, from wherever the guesses come: offices sit behind one
# NAT address, so counting by address would lock out a whole community for one typist,
# and guessing from many addresses would go uncounted. The price, that anyone can keep
# an account locked by guessing at it, is paid for a cool-off, not a permanent lock.
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes warns that this leaves out the address: deliberately, for the reason above.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
# The cool-off runs from the lockout: guesses during it do not push it further out.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
# Logins and logouts are in the audit log (accounts/receivers.py); one log is enough.
AXES_DISABLE_ACCESS_LOG = True
AXES_CLIENT_IP_CALLABLE = "xinfang.common.audit.client_ip"
AXES_LOCKOUT_CALLABLE = "xinfang.accounts.views.lockout_response"

# How many reverse proxies in front of the server append to X-Forwarded-For. With 0 the
# header is ignored (anyone can send it); with N the client is the Nth address from the
# right, the one the outermost trusted proxy saw (common/audit.py client_ip).
XINFANG_TRUSTED_PROXIES = env.int("TRUSTED_PROXIES", default=0)

# API bearer tokens (accounts/models.py ApiToken): each lasts this long from issue, and a
# user holds at most this many usable ones; issuing another retires the oldest.
XINFANG_API_TOKEN_TTL_DAYS = env.int("API_TOKEN_TTL_DAYS", default=30)
XINFANG_API_TOKENS_PER_USER = env.int("API_TOKENS_PER_USER", default=5)

# Printed on the registration receipt and the notices: the office's phone for petitioners,
# and the public site's address the tracking link and its QR code point to (the work
# site's own address when unset; petitioners usually reach another one).
XINFANG_OFFICE_PHONE = env.str("OFFICE_PHONE", default="")
XINFANG_PUBLIC_URL = env.str("PUBLIC_URL", default="")

# Notifications (notifications/): the SMS gateway class, and where the file gateway of
# development writes (one JSON line per message). Mail goes through Django's EMAIL_*
# settings; without an SMTP server set, development prints it to the console.
XINFANG_SMS_GATEWAY = env.str(
    "SMS_GATEWAY", default="xinfang.notifications.gateways.FileSmsGateway"
)
XINFANG_SMS_OUTBOX = env.path("SMS_OUTBOX", default=VAR_DIR / "outbox" / "sms.jsonl")
# The public portal (portal/). Online petitions are registered at this street office (its
# name; empty: the only street of the tree) under an account that cannot sign in.
XINFANG_PORTAL_UNIT = env.str("PORTAL_UNIT", default="")
# One-time codes: at most this many per phone an hour, each valid for this many minutes
# and burnt after this many wrong tries.
XINFANG_OTP_PER_HOUR = env.int("OTP_PER_HOUR", default=5)
XINFANG_OTP_MINUTES = env.int("OTP_MINUTES", default=10)
XINFANG_OTP_MAX_ATTEMPTS = env.int("OTP_MAX_ATTEMPTS", default=5)
# The portal's doors' rate limits (portal/throttle.py, django-ratelimit), per client
# address and per subject (the phone, or the query code being followed).
XINFANG_PORTAL_RATES = {
    "otp": {"ip": "20/h", "phone": "5/h"},
    "submit": {"ip": "20/h", "phone": "10/h"},
    "track": {"ip": "120/h", "code": "20/h"},
}
# django-ratelimit counts in a database cache table (created by the portal app's first migration):
# shared by every server process and kept across restarts, on SQLite and PostgreSQL
# alike, with nothing more to run. Its increment is a read and a write, not atomic: a few
# simultaneous requests at the limit may all pass, which a door against abuse can bear
# (the exact per-phone count of one-time codes is the OTP service's own, from its rows).
# A per-process locmem cache would multiply every limit by the number of processes and
# forget it on each restart.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "ratelimit": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "xinfang_ratelimit",
        # Culling drops counters: enough room that spraying addresses cannot flush them.
        "OPTIONS": {"MAX_ENTRIES": 200_000},
    },
}
RATELIMIT_USE_CACHE = "ratelimit"
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="xinfang@localhost")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The dates printed on notices follow the language (config/formats).
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=VAR_DIR / "static")

# Attachments hold petitioners' letters: kept outside any served directory and
# streamed only through a view that checks the reader may see the case.
ATTACHMENT_ROOT = env.path("ATTACHMENT_ROOT", default=VAR_DIR / "attachments")
ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Periodic and background work, the delivery of case events among it (`manage.py
# run_huey`): SQLite-backed on one machine, Redis once there are several
# (DJANGO_HUEY_CLASS=huey.RedisHuey, DJANGO_HUEY_URL).
HUEY = {
    "huey_class": env("HUEY_CLASS", default="huey.SqliteHuey"),
    "name": "xinfang",
    "immediate": False,
    "utc": False,
    **(
        {"url": env("HUEY_URL")}
        if env("HUEY_URL", default="")
        else {"filename": str(_in_existing_dir(VAR_DIR / "huey.sqlite3"))}
    ),
}

# Trained routing models live here, one file per version.
ROUTING_MODEL_DIR = env.path("ROUTING_MODEL_DIR", default=VAR_DIR / "models")
# Routers learn from this many of the newest concluded petitions: enough for every
# category to be seen many times, few enough that a retraining takes minutes at any size.
ROUTING_MAX_CASES = env.int("ROUTING_MAX_CASES", default=25_000)

SESSION_COOKIE_HTTPONLY = True
# Database sessions that read their user in the same query (accounts/sessions.py).
SESSION_ENGINE = "xinfang.accounts.sessions"
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}
