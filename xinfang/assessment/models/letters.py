"""Responsibility letters (目标责任书) and their targets."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ResponsibilityLetter(models.Model):
    """A unit's responsibility letter (目标责任书) for a year: parties, targets, signing."""

    unit = models.ForeignKey(
        "organization.Unit",
        verbose_name=_("责任单位（乙方）"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    issuer = models.ForeignKey(
        "organization.Unit",
        verbose_name=_("发包单位（甲方）"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    issuer_signatory = models.CharField(_("甲方代表"), max_length=50)
    signatory = models.CharField(_("乙方代表（单位主要负责人）"), max_length=50)
    signed_on = models.DateField(_("签订日期"), null=True, blank=True)
    signed_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("签订登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("起草人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("目标责任书")
        verbose_name_plural = _("目标责任书")
        ordering = ["-year", "unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="letter_unit_year"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.unit}"

    @property
    def is_signed(self) -> bool:
        return self.signed_on is not None


class LetterTarget(models.Model):
    """One target of a letter: a rate to reach, or a count not to exceed."""

    letter = models.ForeignKey(
        ResponsibilityLetter,
        verbose_name=_("目标责任书"),
        on_delete=models.CASCADE,
        related_name="targets",
    )
    kpi = models.CharField(_("指标"), max_length=40)
    target = models.DecimalField(_("目标值"), max_digits=8, decimal_places=4)
    sort = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("责任目标")
        verbose_name_plural = _("责任目标")
        ordering = ["letter", "sort", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["letter", "kpi"], name="letter_target_kpi"),
        ]

    def __str__(self) -> str:
        return f"{self.kpi} {self.target}"
