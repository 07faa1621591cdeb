"""Users, their petition role and unit, and API tokens."""

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.sessions.backends.base import SessionBase
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_lazy as _

from xinfang.common import clock


class Role(models.TextChoices):
    REGISTRAR = "registrar", _("登记员")
    HANDLER = "handler", _("承办人")
    UNIT_LEADER = "unit_leader", _("单位负责人")
    LEADING_GROUP = "leading_group", _("领导小组成员")
    AUDITOR = "auditor", _("审计/上级查阅")
    ADMIN = "admin", _("系统管理员")


class User(AbstractUser):
    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, default=Role.HANDLER)
    # A string reference keeps accounts free of an import of organization (same layer).
    unit = models.ForeignKey(
        "organization.Unit",
        verbose_name=_("所属单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def is_read_only(self) -> bool:
        return self.role == Role.AUDITOR


class ApiToken(models.Model):
    """A bearer token; only its SHA-256 is stored, the token itself is shown once.

    A token is tied to the password it was issued under as Django ties a session: it
    keeps the user's session auth hash (an HMAC of the password hash), so any change of
    password, through whatever screen or command, ends every token issued before it.
    """

    user = models.ForeignKey(
        User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    digest = models.CharField(max_length=64, unique=True)
    password_fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("签发时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("到期时间"))
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")
        indexes = [models.Index(fields=["user", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.user} {self.digest[:8]}…"

    @staticmethod
    def hash(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @classmethod
    def issue(cls, user: User) -> str:
        """Create a token for `user` lasting XINFANG_API_TOKEN_TTL_DAYS; return it."""
        token = secrets.token_urlsafe(32)
        ttl = dt.timedelta(days=settings.XINFANG_API_TOKEN_TTL_DAYS)
        cls.objects.create(
            user=user,
            digest=cls.hash(token),
            password_fingerprint=user.get_session_auth_hash(),
            expires_at=clock.now() + ttl,
        )
        return token

    def refusal(self, now: dt.datetime) -> str | None:
        """Return why the token no longer authenticates, or None while it does."""
        if self.revoked_at is not None:
            return str(_("已撤销"))
        if self.expires_at <= now:
            return str(_("已过期"))
        if not self.user.is_active:
            return str(_("账号已停用"))
        if not constant_time_compare(self.password_fingerprint, self.user.get_session_auth_hash()):
            return str(_("密码已更改"))
        return None


class Session(AbstractBaseSession):
    """A login session that names its user, so that one query reads both (sessions.py)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.CASCADE, related_name="+"
    )

    @classmethod
    def get_session_store_class(cls) -> type[SessionBase]:
        from xinfang.accounts.sessions import SessionStore

        return SessionStore
