"""One-time codes (短信验证码) that prove a petitioner holds the phone they give.

Only a keyed hash of the code is stored, so the register of codes cannot be read back
into codes; the SMS itself is blanked once sent (notifications, keep_text=False).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OneTimeCode(models.Model):
    class Purpose(models.TextChoices):
        SUBMIT = "submit", _("网上信访")

    phone = models.CharField(_("手机号"), max_length=20)
    purpose = models.CharField(_("用途"), max_length=20, choices=Purpose.choices)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("发送时间"))
    expires_at = models.DateTimeField(_("失效时间"))
    attempts = models.PositiveSmallIntegerField(_("错误次数"), default=0)
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)
    # Set when a newer code replaces it or too many wrong tries burn it.
    voided_at = models.DateTimeField(_("作废时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("短信验证码")
        verbose_name_plural = _("短信验证码")
        indexes = [
            models.Index(fields=["phone", "purpose", "-created_at"], name="otp_phone_time"),
        ]

    def __str__(self) -> str:
        return f"{self.phone[-4:]} {self.purpose} {self.created_at:%Y-%m-%d %H:%M}"


class PublicityPage(models.Model):
    """A page of the portal's publicity (宣传): the Regulations, guidance, FAQ, news."""

    class Kind(models.TextChoices):
        REGULATIONS = "regulations", _("信访工作条例")
        GUIDANCE = "guidance", _("依法信访指引")
        LEGAL_CHANNEL = "legal_channel", _("法定途径指引")
        FAQ = "faq", _("常见问题")
        NEWS = "news", _("宣传动态")

    kind = models.CharField(_("栏目"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("标题"), max_length=200)
    # Sanitised when saved (portal.publicity.clean_html): only what the editor writes.
    body = models.TextField(_("正文"))
    is_published = models.BooleanField(_("已发布"), default=False)
    sort = models.PositiveSmallIntegerField(_("排序"), default=0)
    updated_at = models.DateTimeField(_("更新时间"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("更新人"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("宣传页面")
        verbose_name_plural = _("宣传页面")
        ordering = ["kind", "sort", "-updated_at"]

    def __str__(self) -> str:
        return self.title
