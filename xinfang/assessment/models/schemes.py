"""Assessment schemes, assessments and their results; the findings and awards they count."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

RATE_KPI_CHOICES = [
    ("timely_acceptance_rate", _("及时受理率")),
    ("on_time_rate", _("按期办结率")),
    ("first_time_rate", _("初信初访办结率")),
    ("satisfaction_rate", _("当事人满意率")),
    ("rating_rate", _("参评率")),
    ("settled_rate", _("息访率")),
    ("leader_case_rate", _("包案化解率")),
    ("community_locality_rate", _("小事不出社区率")),
    ("street_locality_rate", _("大事不出街道率")),
]
LEVEL_CHOICES = [
    ("street", _("街道")),
    ("community", _("社区")),
    ("department", _("职能部门")),
]


class Scheme(models.Model):
    """An assessment scheme (考核办法) of one year for the units of one level."""

    name = models.CharField(_("名称"), max_length=100)
    year = models.PositiveSmallIntegerField(_("年度"))
    level = models.CharField(_("考核对象"), max_length=20, choices=LEVEL_CHOICES)
    total = models.DecimalField(_("指标总分"), max_digits=6, decimal_places=2)
    basis = models.TextField(_("依据与说明"), blank=True)

    class Meta:
        verbose_name = _("考核办法")
        verbose_name_plural = _("考核办法")
        ordering = ["-year", "level"]
        constraints = [
            models.UniqueConstraint(fields=["year", "level"], name="scheme_year_level"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.name}"


class SchemeItem(models.Model):
    """One scored KPI of a scheme: its points, its target and how it scores below the target."""

    class Rule(models.TextChoices):
        LINEAR = "linear", _("按比例（得分＝分值×实际值÷目标值）")
        STEPPED = "stepped", _("阶梯扣分（每低一档扣一定分数）")

    scheme = models.ForeignKey(
        Scheme, verbose_name=_("考核办法"), on_delete=models.CASCADE, related_name="items"
    )
    kpi = models.CharField(_("指标"), max_length=40, choices=RATE_KPI_CHOICES)
    points = models.DecimalField(_("分值"), max_digits=6, decimal_places=2)
    target = models.DecimalField(
        _("目标值"), max_digits=5, decimal_places=4, help_text=_("比率，如 0.95 表示 95%")
    )
    rule = models.CharField(_("计分方式"), max_length=20, choices=Rule.choices)
    floor = models.DecimalField(
        _("底线值"),
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("低于此值不得分；留空则不设底线"),
    )
    step = models.DecimalField(
        _("档距"),
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("阶梯扣分用：如 0.01 表示每低 1 个百分点"),
    )
    step_points = models.DecimalField(
        _("每档扣分"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    sort = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("考核指标")
        verbose_name_plural = _("考核指标")
        ordering = ["scheme", "sort", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "kpi"], name="scheme_item_kpi"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kpi_display()} {self.points}"


class SchemeAdjustment(models.Model):
    """A deduction or bonus of a scheme: points for each counted event, up to a cap."""

    class Source(models.TextChoices):
        ACCOUNTABILITY = "accountability", _("问责记录（每件）")
        MAJOR_INCIDENT = "major_incident", _("重大群体性事件（每起）")
        SKIP_LEVEL = "skip_level", _("越级集体访（每批次）")
        REPEAT = "repeat", _("重复信访（每件）")
        COMMENDATION = "commendation", _("表彰与经验推广（每项）")
        SPOT_CHECK = "spot_check", _("抽查不合格（每件）")
        PUBLICITY = "publicity", _("宣传活动（每场）")
        TRAINING = "training", _("条例培训（每期）")

    scheme = models.ForeignKey(
        Scheme, verbose_name=_("考核办法"), on_delete=models.CASCADE, related_name="adjustments"
    )
    source = models.CharField(_("计分依据"), max_length=20, choices=Source.choices)
    points_each = models.DecimalField(
        _("每件分值"), max_digits=6, decimal_places=2, help_text=_("扣分填负数，加分填正数")
    )
    cap = models.DecimalField(
        _("封顶"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("本项最多扣（加）的分数；留空不封顶"),
    )

    class Meta:
        verbose_name = _("加减分规则")
        verbose_name_plural = _("加减分规则")
        ordering = ["scheme", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "source"], name="scheme_adjustment_source"),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.points_each}"


class Assessment(models.Model):
    """An assessment run: a scheme applied to a finished period, for the units under `root`."""

    scheme = models.ForeignKey(
        Scheme, verbose_name=_("考核办法"), on_delete=models.PROTECT, related_name="assessments"
    )
    root = models.ForeignKey(
        "organization.Unit",
        verbose_name=_("组织考核单位"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    start = models.DateField(_("考核起始日期"))
    end = models.DateField(_("考核截止日期"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    computed_at = models.DateTimeField(_("计算时间"))
    frozen_at = models.DateTimeField(_("定稿时间"), null=True, blank=True)
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("定稿人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("考核")
        verbose_name_plural = _("考核")
        ordering = ["-end", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "root", "start", "end"], name="assessment_once_per_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scheme} {self.start}—{self.end}"

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None


class AssessmentResult(models.Model):
    """One unit's score in an assessment, with every item's figures and points (`breakdown`)."""

    assessment = models.ForeignKey(
        Assessment, verbose_name=_("考核"), on_delete=models.CASCADE, related_name="results"
    )
    unit = models.ForeignKey(
        "organization.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+"
    )
    rank = models.PositiveIntegerField(_("名次"))
    score = models.DecimalField(_("总得分"), max_digits=7, decimal_places=2)
    # {"items": [{kpi, label, value, numerator, denominator, target, points, max}],
    #  "adjustments": [{source, label, count, each, points}]}: what the table shows, kept
    # as computed so a frozen assessment never reads the live figures again.
    breakdown = models.JSONField(_("得分明细"))

    class Meta:
        verbose_name = _("考核得分")
        verbose_name_plural = _("考核得分")
        ordering = ["assessment", "rank", "unit__sort", "unit__name"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "unit"], name="assessment_result_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.score}"


class AccountabilityRecord(models.Model):
    """An accountability finding (问责) against a unit and a person over a case."""

    class Measure(models.TextChoices):
        CRITICISM = "criticism", _("通报批评")
        TALK = "talk", _("约谈")
        ADMONITION = "admonition", _("诫勉谈话")
        SELF_CRITICISM = "self_criticism", _("责令作出书面检查")
        DISCIPLINE = "discipline", _("党纪政务处分")
        ORGANIZATIONAL = "organizational", _("组织处理")
        OTHER = "other", _("其他")

    petition = models.ForeignKey(
        "petitions.Petition",
        verbose_name=_("所涉事项"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    unit = models.ForeignKey(
        "organization.Unit",
        verbose_name=_("被问责单位"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    person = models.CharField(_("责任人"), max_length=50)
    position = models.CharField(_("职务"), max_length=80, blank=True)
    finding = models.TextField(_("问题认定"))
    measure = models.CharField(_("问责方式"), max_length=20, choices=Measure.choices)
    decided_on = models.DateField(_("决定日期"))
    decided_by = models.CharField(_("决定机关（人）"), max_length=80)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("问责记录")
        verbose_name_plural = _("问责记录")
        ordering = ["-decided_on", "-pk"]
        indexes = [models.Index(fields=["unit", "decided_on"], name="accountability_unit_day")]

    def __str__(self) -> str:
        return f"{self.decided_on} {self.unit} {self.person}"


class Commendation(models.Model):
    """A commendation or an experience promoted by a higher office: a scheme's bonus."""

    unit = models.ForeignKey(
        "organization.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+"
    )
    awarded_on = models.DateField(_("日期"))
    title = models.CharField(_("事项"), max_length=200)
    awarded_by = models.CharField(_("表彰（推广）机关"), max_length=80)
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("表彰与经验推广")
        verbose_name_plural = _("表彰与经验推广")
        ordering = ["-awarded_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.awarded_on} {self.title}"
