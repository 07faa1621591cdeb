"""Users, their petition role and unit, and API tokens."""

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


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
    """A bearer token; only its SHA-256 is stored, the token itself is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")

    def __str__(self) -> str:
        return f"{self.user} {self.digest[:8]}…"

    @staticmethod
    def hash(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @classmethod
    def issue(cls, user: User) -> str:
        token = secrets.token_urlsafe(32)
        cls.objects.create(user=user, digest=cls.hash(token))
        return token
