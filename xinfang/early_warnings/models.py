"""The similarity index of cases, the detection thresholds and the alerts."""

from django.db import models
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

    class Meta:
        verbose_name = _("预警阈值")
        verbose_name_plural = _("预警阈值")
        constraints = [
            models.CheckConstraint(condition=models.Q(min_people__gte=2), name="ew_min_people_2"),
            models.CheckConstraint(condition=models.Q(window_days__gte=1), name="ew_window_1"),
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
        OPEN = "open", _("待处理")
        CLOSED = "closed", _("已关闭")

    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    severity = models.CharField(_("级别"), max_length=10, choices=Severity.choices)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
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

    class Meta:
        verbose_name = _("预警")
        verbose_name_plural = _("预警")
        indexes = [models.Index(fields=["kind", "status"], name="ew_alert_kind_status")]

    def __str__(self) -> str:
        return self.summary
