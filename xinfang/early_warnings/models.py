"""The similarity index of cases, the detection thresholds and the alerts with their history."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class TextSignature(models.Model):
    """A case's MinHash signature and place, kept so that its lookups need no rebuild."""

    petition = models.OneToOneField(
        "petitions.Petition", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    signature = models.JSONField(_("签名"))
    community = models.ForeignKey(
        "organization.Unit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    address = models.CharField(_("地址（规范化）"), max_length=200, blank=True)
    registered_at = models.DateTimeField(_("登记时间"))

    class Meta:
        verbose_name = _("文本签名")
        verbose_name_plural = _("文本签名")

    def __str__(self) -> str:
        return str(self.petition_id)


class TextBand(models.Model):
    """One LSH band of a case's signature: cases sharing a key are candidates."""

    key = models.BigIntegerField(_("分段键"))
    petition = models.ForeignKey("petitions.Petition", on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("签名分段")
        verbose_name_plural = _("签名分段")
        indexes = [models.Index(fields=["key", "petition"], name="ew_band_key_petition")]
        constraints = [models.UniqueConstraint(fields=["petition", "key"], name="ew_band_unique")]

    def __str__(self) -> str:
        return f"{self.key} → {self.petition_id}"


class Thresholds(models.Model):
    """The detection thresholds the office sets: one row, created with its defaults."""

    min_people = models.PositiveSmallIntegerField(_("集体访预警人数"), default=5)
    window_days = models.PositiveSmallIntegerField(_("集体访预警天数"), default=7)
    # An alert nobody has acknowledged this long goes to the unit above, and again after
    # as long to the next one: 24 hours, a working day and its night.
    escalate_after_hours = models.PositiveSmallIntegerField(_("未签收上报时限（小时）"), default=24)

    class Meta:
        verbose_name = _("预警阈值")
        verbose_name_plural = _("预警阈值")
        constraints = [
            models.CheckConstraint(condition=models.Q(min_people__gte=2), name="ew_min_people_2"),
            models.CheckConstraint(condition=models.Q(window_days__gte=1), name="ew_window_1"),
            models.CheckConstraint(
                condition=models.Q(escalate_after_hours__gte=1), name="ew_escalate_1"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.min_people} / {self.window_days}"


class Alert(models.Model):
    class Kind(models.TextChoices):
        COLLECTIVE = "collective", _("集体访苗头")

    class Severity(models.TextChoices):
        MEDIUM = "medium", _("中")
        HIGH = "high", _("高")

    class Status(models.TextChoices):
        OPEN = "open", _("待签收")
        ACKNOWLEDGED = "acknowledged", _("已签收")
        ACTING = "acting", _("处置中")
        CLOSED = "closed", _("已关闭")

    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    severity = models.CharField(_("级别"), max_length=10, choices=Severity.choices)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.OPEN)
    owner_unit = models.ForeignKey(
        "organization.Unit", verbose_name=_("责任单位"), on_delete=models.PROTECT, related_name="+"
    )
    petitions = models.ManyToManyField(
        "petitions.Petition", verbose_name=_("涉及信访事项"), related_name="+"
    )
    people = models.ManyToManyField(
        "petitions.Petitioner", verbose_name=_("涉及人员"), related_name="+"
    )
    summary = models.CharField(_("摘要"), max_length=300)
    raised_at = models.DateTimeField(_("发出时间"))
    updated_at = models.DateTimeField(_("更新时间"))
    acknowledged_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("签收人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The unit it was last escalated to (the owner keeps it: the unit above is told).
    escalated_to = models.ForeignKey(
        "organization.Unit",
        verbose_name=_("已上报至"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    escalated_at = models.DateTimeField(_("上报时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    close_note = models.TextField(_("关闭说明"), blank=True)

    class Meta:
        verbose_name = _("预警")
        verbose_name_plural = _("预警")
        indexes = [
            models.Index(fields=["kind", "status"], name="ew_alert_kind_status"),
            # The header's count of a unit's open alerts, and the escalation scan.
            models.Index(fields=["status", "owner_unit"], name="ew_alert_status_unit"),
        ]

    def __str__(self) -> str:
        return self.summary

    def get_absolute_url(self) -> str:
        return reverse("early_warnings:alert_detail", args=[self.pk])

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED


class AlertEvent(models.Model):
    """One step in an alert's life: raised, grown, acknowledged, acted on, escalated, closed."""

    class Action(models.TextChoices):
        RAISE = "raise", _("发出预警")
        GROW = "grow", _("预警更新")
        ACKNOWLEDGE = "acknowledge", _("签收")
        ACT = "act", _("处置")
        ESCALATE = "escalate", _("逾期未签收，上报")
        CLOSE = "close", _("关闭")

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("时间"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("操作"), max_length=20, choices=Action.choices)
    note = models.TextField(_("说明"), blank=True)
    unit = models.ForeignKey(
        "organization.Unit",
        verbose_name=_("上报单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("预警记录")
        verbose_name_plural = _("预警记录")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.alert_id} {self.action}"
