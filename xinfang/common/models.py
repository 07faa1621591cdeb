"""The audit log: who read personal data or changed anything, when and from where.

Rows are only ever inserted; the admin shows them read-only.
"""

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xinfang.common.memo import Memo


class AuditEntry(models.Model):
    class Kind(models.TextChoices):
        VIEW_PERSONAL = "view_personal", _("查看个人信息")
        CHANGE = "change", _("修改")
        CREATE = "create", _("新增")
        DOWNLOAD = "download", _("下载")
        LOGIN = "login", _("登录")
        LOGIN_FAILED = "login_failed", _("登录失败")
        LOCKED_OUT = "locked_out", _("登录锁定")
        LOGOUT = "logout", _("退出登录")

    at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, on_delete=models.PROTECT
    )
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)
    object_type = models.CharField(_("对象类型"), max_length=40)
    object_id = models.CharField(_("对象编号"), max_length=40)
    fields = models.JSONField(_("涉及字段"), default=list, blank=True)
    summary = models.CharField(_("摘要"), max_length=200, blank=True)
    ip = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id", "at"])]

    def __str__(self) -> str:
        return (
            f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.kind} {self.object_type}#{self.object_id}"
        )


class MemoModel(models.Model):
    """Reference data kept in a Memo (common/memo.py), which its saves and deletes clear."""

    memo: ClassVar[Memo]

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        self.memo.clear()

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        self.memo.clear()
        return super().delete(*args, **kwargs)
