"""Every message sent to a person, by SMS or e-mail: what, to whom, why and whether it left."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    SMS = "sms", _("短信")
    EMAIL = "email", _("电子邮件")


class Notification(models.Model):
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    to = models.CharField(_("收件人"), max_length=254)
    subject = models.CharField(_("主题"), max_length=200, blank=True)
    text = models.TextField(_("内容"), blank=True)
    # False for secrets (one-time codes): the text is blanked once it has been sent.
    keep_text = models.BooleanField(_("保留内容"), default=True)
    # What it is for ("otp", "reception_reminder", "alert"…), so a list can be read by purpose.
    purpose = models.CharField(_("用途"), max_length=40)
    created_at = models.DateTimeField(_("创建时间"))
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    last_error = models.TextField(_("最近错误"), blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        indexes = [
            models.Index(fields=["purpose", "-created_at"], name="notif_purpose_time"),
            models.Index(fields=["to", "-created_at"], name="notif_to_time"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} #{self.pk}: {self.purpose}"
