"""The similarity index, the thresholds, the alerts with their history, and the registers.

The registers of prevention at the source: disputes (矛盾纠纷) with their screening
visits, key persons (重点人员) with their contact log, and sensitive periods (敏感时期).
Each dispute and key person has an owner unit and is seen, like a case, within its
subtree (selectors, through petitions.access.unit_q).
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class TextSignature(models.Model):
    """A case's MinHash signature and place, kept so that its lookups need no rebuild."""

    petition = models.OneToOneField(
        "petitions.Petition", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    # The whole text's and the title's MinHash words (rules.Signatures.to_bytes).
    signature = models.BinaryField(_("签名"))
    community = models.ForeignKey(
        "organization.Unit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    address = models.CharField(_("地址（规范化）"), max_length=200, blank=True)
    registered_at = models.DateTimeField(_("登记时间"))

    class Meta:
        verbose_name = _("文本签名")
        verbose_name_plural = _("文本签名")
        indexes = [
            # The hot issues' and the periodic scan's reads: a period, or a place in one.
            models.Index(fields=["registered_at"], name="ew_sig_registered"),
            models.Index(fields=["community", "registered_at"], name="ew_sig_community"),
            models.Index(fields=["address", "registered_at"], name="ew_sig_address"),
        ]

    def __str__(self) -> str:
        return str(self.petition_id)


class TextBand(models.Model):
    """One LSH band of a case's signature: cases sharing a key are candidates."""

    key = models.BigIntegerField(_("分段键"))
    # No index of its own: the unique (petition, key) below serves the reads by case.
    petition = models.ForeignKey(
        "petitions.Petition", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    # The case's owner unit, mirrored here (handlers.owner_sync follows its moves) so that
    # the lookup checks the user's scope inside the index, reading no case row. A plain
    # copy: no constraint, nothing done when a unit goes.
    owner_unit = models.ForeignKey(
        "organization.Unit",
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )

    class Meta:
        verbose_name = _("签名分段")
        verbose_name_plural = _("签名分段")
        # The lookup's: a key's cases newest first with their owners, from the index alone.
        indexes = [
            models.Index(fields=["key", "petition", "owner_unit"], name="ew_band_lookup"),
        ]
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


class RiskLevel(models.TextChoices):
    LOW = "low", _("低")
    MEDIUM = "medium", _("中")
    HIGH = "high", _("高")
    CRITICAL = "critical", _("极高")


class KeyProject(models.Model):
    """A key project (重点项目, e.g. the village-in-city renovation) and what hangs on it."""

    name = models.CharField(_("名称"), max_length=120)
    description = models.TextField(_("概况"), blank=True)
    owner_unit = models.ForeignKey(
        "organization.Unit", verbose_name=_("责任单位"), on_delete=models.PROTECT, related_name="+"
    )
    started_on = models.DateField(_("开始日期"))
    petitions = models.ManyToManyField(
        "petitions.Petition", verbose_name=_("关联信访事项"), blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"))

    class Meta:
        verbose_name = _("重点项目")
        verbose_name_plural = _("重点项目")
        indexes = [models.Index(fields=["owner_unit"], name="ew_project_unit")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("early_warnings:project_detail", args=[self.pk])


class Dispute(models.Model):
    class Kind(models.TextChoices):
        RENOVATION = "renovation", _("征迁改造")
        COMMITTEE = "committee", _("业委会")
        DEVELOPER = "developer", _("业主与开发商")
        PROPERTY = "property", _("物业管理")
        ENVIRONMENT = "environment", _("环境")
        NEIGHBOURS = "neighbours", _("邻里")
        LABOUR = "labour", _("劳资")
        OTHER = "other", _("其他")

    class Status(models.TextChoices):
        OPEN = "open", _("待化解")
        RESOLVING = "resolving", _("化解中")
        RESOLVED = "resolved", _("已化解")
        ESCALATED = "escalated", _("已上交")

    title = models.CharField(_("名称"), max_length=120)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    place = models.CharField(_("地点"), max_length=200)
    parties = models.TextField(_("当事各方"))
    people_involved = models.PositiveIntegerField(_("涉及人数"), default=1)
    risk_level = models.CharField(_("风险等级"), max_length=10, choices=RiskLevel.choices)
    risk_reason = models.TextField(_("风险研判依据"))
    measures = models.TextField(_("化解措施"), blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.OPEN)
    owner_unit = models.ForeignKey(
        "organization.Unit", verbose_name=_("责任单位"), on_delete=models.PROTECT, related_name="+"
    )
    cadre = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("责任干部"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    petitions = models.ManyToManyField(
        "petitions.Petition", verbose_name=_("关联信访事项"), blank=True, related_name="+"
    )
    project = models.ForeignKey(
        KeyProject,
        verbose_name=_("所属重点项目"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="disputes",
    )
    created_at = models.DateTimeField(_("登记时间"))
    updated_at = models.DateTimeField(_("更新时间"))

    class Meta:
        verbose_name = _("矛盾纠纷")
        verbose_name_plural = _("矛盾纠纷")
        indexes = [models.Index(fields=["owner_unit", "status"], name="ew_dispute_unit_status")]
        constraints = [
            models.CheckConstraint(condition=models.Q(people_involved__gte=1), name="ew_people_1")
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("early_warnings:dispute_detail", args=[self.pk])


class ScreeningVisit(models.Model):
    """One screening visit (摸排) of a dispute: when, who went, what they found."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="visits")
    on = models.DateField(_("日期"))
    visitor = models.CharField(_("摸排人"), max_length=100)
    findings = models.TextField(_("摸排情况"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("摸排记录")
        verbose_name_plural = _("摸排记录")
        ordering = ["-on", "-pk"]

    def __str__(self) -> str:
        return f"{self.dispute_id} {self.on}"


class KeyPerson(models.Model):
    class Reason(models.TextChoices):
        REPEAT = "repeat", _("重复信访")
        ORGANISER = "organiser", _("集体访组织者")
        AT_RISK = "at_risk", _("风险人员")

    class Level(models.TextChoices):
        NORMAL = "normal", _("一般关注")
        CLOSE = "close", _("重点关注")
        STRICT = "strict", _("严密关注")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("待确认")
        CONFIRMED = "confirmed", _("在册")
        REMOVED = "removed", _("已撤销")

    petitioner = models.ForeignKey(
        "petitions.Petitioner",
        verbose_name=_("信访人档案"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField(_("姓名"), max_length=50)
    reason = models.CharField(_("列管原因"), max_length=20, choices=Reason.choices)
    reason_note = models.TextField(_("具体情况"), blank=True)
    level = models.CharField(
        _("关注等级"), max_length=10, choices=Level.choices, default=Level.NORMAL
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.CONFIRMED
    )
    owner_unit = models.ForeignKey(
        "organization.Unit", verbose_name=_("责任单位"), on_delete=models.PROTECT, related_name="+"
    )
    cadre = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("联系干部"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    cadence_days = models.PositiveSmallIntegerField(_("联系周期（天）"), default=14)
    project = models.ForeignKey(
        KeyProject,
        verbose_name=_("所属重点项目"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="key_persons",
    )
    last_contact_on = models.DateField(_("最近联系"), null=True, blank=True)
    # A cadence after the last contact (or the listing): kept by the services that change
    # either, so that lists filter and sort on it in SQL (rules.contact_due).
    next_contact_on = models.DateField(_("下次联系"))
    created_at = models.DateTimeField(_("列管时间"))

    class Meta:
        verbose_name = _("重点人员")
        verbose_name_plural = _("重点人员")
        indexes = [
            models.Index(fields=["owner_unit", "status"], name="ew_keyperson_unit_status"),
            models.Index(fields=["status", "next_contact_on"], name="ew_keyperson_due"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(cadence_days__gte=1), name="ew_cadence_1"),
            models.UniqueConstraint(
                fields=["petitioner"],
                condition=models.Q(petitioner__isnull=False),
                name="ew_keyperson_one_per_petitioner",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("early_warnings:key_person_detail", args=[self.pk])


class ContactLog(models.Model):
    """One contact with a key person: when, by whom, how, what was said."""

    person = models.ForeignKey(KeyPerson, on_delete=models.CASCADE, related_name="contacts")
    on = models.DateField(_("联系日期"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("联系人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    how = models.CharField(_("方式"), max_length=40)
    note = models.TextField(_("情况"))

    class Meta:
        verbose_name = _("联系记录")
        verbose_name_plural = _("联系记录")
        ordering = ["-on", "-pk"]

    def __str__(self) -> str:
        return f"{self.person_id} {self.on}"


class SensitivePeriod(models.Model):
    """A dated window (a congress, Spring Festival, an election) when thresholds tighten."""

    class Level(models.TextChoices):
        RAISED = "raised", _("加强")
        HIGH = "high", _("最高")

    name = models.CharField(_("名称"), max_length=100)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    level = models.CharField(_("预警等级"), max_length=10, choices=Level.choices)
    note = models.TextField(_("工作要求"), blank=True)

    class Meta:
        verbose_name = _("敏感时期")
        verbose_name_plural = _("敏感时期")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="ew_period_order"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Alert(models.Model):
    class Kind(models.TextChoices):
        COLLECTIVE = "collective", _("集体访苗头")
        SURGE = "surge", _("信访量激增")
        CONTACT_OVERDUE = "contact_overdue", _("重点人员逾期未联系")
        SENSITIVE = "sensitive", _("敏感时期重点人员信访")
        DEADLINE = "deadline", _("期限将至及超期")

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
    dispute = models.ForeignKey(
        Dispute,
        verbose_name=_("涉及矛盾纠纷"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="alerts",
    )
    key_person = models.ForeignKey(
        KeyPerson,
        verbose_name=_("涉及重点人员"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="alerts",
    )
    # What the alert is about, for detectors that raise one per subject and period
    # (a surge: its category or place and week): never raised twice for the same.
    subject = models.CharField(_("预警对象"), max_length=120, blank=True)
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


class Briefing(models.Model):
    """The daily briefing (每日信访动态) of a street or district, kept as generated."""

    owner_unit = models.ForeignKey(
        "organization.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+"
    )
    day = models.DateField(_("日期"))
    # The figures as they stood when generated, so the page reads the same later.
    figures = models.JSONField(_("内容"))
    pdf = models.BinaryField(_("PDF"), blank=True)
    generated_at = models.DateTimeField(_("生成时间"))

    class Meta:
        verbose_name = _("每日信访动态")
        verbose_name_plural = _("每日信访动态")
        ordering = ["-day", "owner_unit"]
        constraints = [
            models.UniqueConstraint(fields=["owner_unit", "day"], name="ew_briefing_unit_day")
        ]

    def __str__(self) -> str:
        return f"{self.owner_unit_id} {self.day}"

    def get_absolute_url(self) -> str:
        return reverse("early_warnings:briefing_detail", args=[self.pk])
