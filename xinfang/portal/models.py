"""One-time codes (短信验证码) that prove a petitioner holds the phone they give.

Only a keyed hash of the code is stored, so the register of codes cannot be read back
into codes; the SMS itself is blanked once sent (notifications, keep_text=False).
"""

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
