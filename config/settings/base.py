"""Settings shared by every deployment, each driven by a DJANGO_-prefixed environment variable.

Statutory time limits, holiday handling and the category taxonomy are data (admin-editable,
seeded by migrations), not settings.
"""

from pathlib import Path

import django_stubs_ext
import environ

# The admin classes are written with their model as a type parameter (ModelAdmin[Unit]),
# which Django's classes accept only once patched.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parents[2]

env = environ.FileAwareEnv(
    DJANGO_DEBUG=(bool, False),
    DJANGO_ALLOWED_HOSTS=(list, ["127.0.0.1", "localhost"]),
)
env.prefix = "DJANGO_"

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
    "huey.contrib.djhuey",
    "xinfang.common",
    "xinfang.accounts",
    "xinfang.organization",
    "xinfang.petitions",
    "xinfang.routing",
    "xinfang.portal",
    "xinfang.api",
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
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}")
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The work pages read a page of twenty: starting parallel workers costs more than it
    # saves on two cores. Statistics that scan years can turn it back on per query.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "options", "-c max_parallel_workers_per_gather=0"
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
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

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "var" / "static")

# Attachments hold petitioners' letters: kept outside any served directory and
# streamed only through a view that checks the reader may see the case.
ATTACHMENT_ROOT = env.path("ATTACHMENT_ROOT", default=BASE_DIR / "var" / "attachments")
ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Run after a case's change commits (petitions/hooks.py): the routing app records the
# registrar's category and handling unit against what it suggested.
XINFANG_CASE_HOOKS = {
    "register": ["xinfang.routing.hooks.record_category_choice"],
    "accept": ["xinfang.routing.hooks.record_unit_choice"],
}

# Periodic and background work (`manage.py run_huey`): SQLite-backed on one machine,
# Redis once there are several (DJANGO_HUEY_CLASS=huey.RedisHuey, DJANGO_HUEY_URL).
HUEY = {
    "huey_class": env("HUEY_CLASS", default="huey.SqliteHuey"),
    "name": "xinfang",
    "immediate": False,
    "utc": False,
    **(
        {"url": env("HUEY_URL")}
        if env("HUEY_URL", default="")
        else {"filename": str(BASE_DIR / "var" / "huey.sqlite3")}
    ),
}

# Trained routing models live here, one file per version.
ROUTING_MODEL_DIR = env.path("ROUTING_MODEL_DIR", default=BASE_DIR / "var" / "models")
# Routers learn from this many of the newest concluded petitions: enough for every
# category to be seen many times, few enough that a retraining takes minutes at any size.
ROUTING_MAX_CASES = env.int("ROUTING_MAX_CASES", default=25_000)

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}
