"""Settings for the test suite; the database comes from DJANGO_DATABASE_URL when set."""

import os

from .base import *  # noqa: F403
from .base import BASE_DIR, env

# The files tests write: a stage of `make test` keeps its own (they run side by side).
TEST_VAR = BASE_DIR / "var" / os.environ.get("XINFANG_TEST_RUN", "test")

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ATTACHMENT_ROOT = TEST_VAR / "attachments"
ROUTING_MODEL_DIR = TEST_VAR / "models"
DATABASES = {"default": env.db("DATABASE_URL", default="sqlite:///:memory:")}
XINFANG_SMS_OUTBOX = TEST_VAR / "outbox" / "sms.jsonl"
HUEY = {"huey_class": "huey.MemoryHuey", "name": "xinfang-test", "immediate": True}

# django-axes refuses authenticate() without a request, and Client.login() passes none:
# tests sign in with force_login() or by posting the login page.
XINFANG_PORTAL_UNIT = "XX街道"  # the street of the test fixtures (conftest, the permission matrix)
