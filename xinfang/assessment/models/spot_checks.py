"""Spot checks (抽查): the draw and each case drawn."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xinfang.assessment.models.schemes import LEVEL_CHOICES


class SpotCheck(models.Model):
    """A spot check (抽查): concluded cases drawn at random, so many per unit, from a seed."""

    root = models.ForeignKey(
        "organization.Unit",
        verbose_name=_("组织抽查单位"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    level = models.CharField(_("抽查对象"), max_length=20, choices=LEVEL_CHOICES)
    start = models.DateField(_("答复起始日期"))
    end = models.DateField(_("答复截止日期"))
    size = models.PositiveSmallIntegerField(_("每单位抽取件数"))
    # Drawn with random.Random(seed) over each unit's cases in id order: the same seed and
    # the same population draw the same cases.
    seed = models.BigIntegerField(_("随机种子"))
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("抽取人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    drawn_at = models.DateTimeField(_("抽取时间"))

    class Meta:
        verbose_name = _("抽查")
        verbose_name_plural = _("抽查")
        ordering = ["-drawn_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.start}—{self.end} ×{self.size}"


class SpotCheckCase(models.Model):
    """A case drawn in a spot check: its unit, the reply's pre-check, the checklist score."""

    CHECKLIST = (
        ("routed_on_time", _("按期分流")),
        ("notices_served", _("告知书送达")),
        ("reply_addresses_points", _("答复回应全部诉求")),
        ("petitioner_contacted", _("与信访人见面或沟通")),
        ("evidence_attached", _("佐证材料齐全")),
    )

    spot_check = models.ForeignKey(
        SpotCheck, verbose_name=_("抽查"), on_delete=models.CASCADE, related_name="cases"
    )
    petition = models.ForeignKey(
        "petitions.Petition", verbose_name=_("事项"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "organization.Unit",
        verbose_name=_("被抽查单位"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # [{key, passed, detail}] of precheck.precheck, computed when drawn.
    precheck = models.JSONField(_("自动预审"), default=list)
    checks = models.JSONField(_("核查项"), default=dict, blank=True)  # {checklist key: bool}
    score = models.DecimalField(_("得分"), max_digits=5, decimal_places=2, null=True, blank=True)
    comment = models.TextField(_("意见"), blank=True)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("评分人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    scored_at = models.DateTimeField(_("评分时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("抽查事项")
        verbose_name_plural = _("抽查事项")
        ordering = ["spot_check", "unit__path", "petition_id"]
        constraints = [
            models.UniqueConstraint(fields=["spot_check", "petition"], name="spot_check_case_once"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} #{self.petition_id}"
