"""Major incidents: the register does not hold them, the two no-occurrences count them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MajorIncident(models.Model):
    """A major mass incident (重大群体性事件): one of the "two no-occurrences", target zero."""

    class Kind(models.TextChoices):
        GATHERING = "gathering", _("聚集")
        BLOCKADE = "blockade", _("堵路堵门")
        EXTREME = "extreme", _("个人极端事件")
        OTHER = "other", _("其他")

    unit = models.ForeignKey(
        "organization.Unit", verbose_name=_("发生单位"), on_delete=models.PROTECT, related_name="+"
    )
    occurred_on = models.DateField(_("发生日期"))
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    head_count = models.PositiveIntegerField(_("涉及人数"), null=True, blank=True)
    description = models.TextField(_("情况说明"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("重大事件")
        verbose_name_plural = _("重大事件")
        ordering = ["-occurred_on", "-id"]
        indexes = [models.Index(fields=["unit", "occurred_on"], name="incident_unit_day")]

    def __str__(self) -> str:
        return f"{self.occurred_on} {self.get_kind_display()}"
