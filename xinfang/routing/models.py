"""Trained routers, administrators' keyword rules, and what registrars did with suggestions.

A router's weights live in a file under settings.ROUTING_MODEL_DIR; the row records
its version, how it scored on the held-out slice and whether it is the one in use.
Labels are the primary keys of categories or units, as strings, so that a renamed
category keeps its history.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from xinfang.common.memo import Memo
from xinfang.common.models import MemoModel
from xinfang.organization.models import Unit
from xinfang.petitions.models import Category


class Kind(models.TextChoices):
    CATEGORY = "category", _("问题分类")
    UNIT = "unit", _("承办单位")


# The routers in use and the keyword rules, read at every registration; see common/memo.py.
routing_memo = Memo(seconds=30)


class RouterModel(MemoModel):
    """One trained, versioned classifier; at most one per kind is active."""

    memo = routing_memo

    class Source(models.TextChoices):
        DB = "db", _("本单位已办结事项")
        FILE = "file", _("导入文件")

    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    version = models.PositiveIntegerField(_("版本"))
    file = models.CharField(_("模型文件"), max_length=200)
    trained_at = models.DateTimeField(_("训练时间"))
    n_train = models.PositiveIntegerField(_("训练样本数"))
    metrics = models.JSONField(_("留出集评估"), default=dict)
    is_active = models.BooleanField(_("使用中"), default=False)
    source = models.CharField(_("数据来源"), max_length=10, choices=Source.choices)

    class Meta:
        verbose_name = _("分派模型")
        verbose_name_plural = _("分派模型")
        ordering = ["kind", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "version"], name="router_unique_version"),
            models.UniqueConstraint(
                fields=["kind"], condition=models.Q(is_active=True), name="router_one_active"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.version}"


class KeywordRule(MemoModel):
    """An administrator's rule: text containing `keyword` goes to `target`."""

    memo = routing_memo

    class Mode(models.TextChoices):
        OVERRIDE = "override", _("直接指定")
        BOOST = "boost", _("加权")

    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    keyword = models.CharField(_("关键词"), max_length=50)
    target = models.CharField(_("目标"), max_length=20, help_text=_("问题分类或承办单位的编号。"))
    target_display = models.CharField(_("目标名称"), max_length=100, blank=True)
    mode = models.CharField(_("方式"), max_length=10, choices=Mode.choices, default=Mode.BOOST)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("关键词规则")
        verbose_name_plural = _("关键词规则")
        ordering = ["kind", "keyword"]

    def __str__(self) -> str:
        return f"{self.keyword} → {self.target_display or self.target}"

    def clean(self) -> None:
        target_model = Category if self.kind == Kind.CATEGORY else Unit
        target = (
            target_model.objects.filter(pk=self.target).first() if self.target.isdigit() else None
        )
        if target is None:
            raise ValidationError({"target": _("没有这个编号的问题分类或承办单位。")})
        self.target_display = str(target)


class SuggestionRecord(models.Model):
    """What was suggested for a petition and what the registrar chose."""

    petition = models.ForeignKey("petitions.Petition", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    suggested = models.JSONField(_("建议"), default=list)
    chosen = models.CharField(_("选定"), max_length=20, blank=True)
    accepted_top1 = models.BooleanField(_("采纳首选建议"))
    model_version = models.PositiveIntegerField(_("模型版本"), null=True)
    created_at = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = _("分派建议记录")
        verbose_name_plural = _("分派建议记录")
        indexes = [models.Index(fields=["kind", "created_at"], name="suggestion_kind_time")]

    def __str__(self) -> str:
        return f"{self.petition_id} {self.kind} → {self.chosen}"
