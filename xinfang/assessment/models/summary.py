"""The KPI summary: every figure's counts per owning unit and day, kept up to date from the
case events (services/summary.py) so that the dashboard sums a few thousand rows instead
of counting a million cases.

Each table holds the counts of one anchor, the date column a figure's period bounds: the
day a case was registered, replied to, or had its handling deadline. A count column is
named after its part in selectors/rules.py (`PARTS`); a test holds the two in step.
"""

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


def _count(label: Any) -> Any:
    return models.PositiveIntegerField(label, default=0)


class _Day(models.Model):
    unit = models.ForeignKey(
        "organization.Unit",
        verbose_name=_("主办单位"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,  # the (unit, day) index starts with it
    )
    day = models.DateField(_("日期"))

    class Meta:
        abstract = True
        # Sums read a range of days, of every unit or of a subtree's units.
        indexes = [
            models.Index(fields=["day"], name="%(class)s_day"),
            models.Index(fields=["unit", "day"], name="%(class)s_unit_day"),
        ]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.unit_id} {self.day}"


class RegisteredDay(_Day):
    """The cases registered on a day, per owning unit and routing deadline."""

    # Timely acceptance counts only the cases whose routing deadline has passed.
    route_due = models.DateField(_("分流期限"))
    registered = _count(_("登记（不含并案）"))
    registered_all = _count(_("登记（含并案）"))
    repeats = _count(_("重复信访"))
    letters = _count(_("来信件次"))
    letters_persons = _count(_("来信人次"))
    visits = _count(_("来访批次"))
    visits_persons = _count(_("来访人次"))
    collective_visits = _count(_("集体访批次"))
    collective_visits_persons = _count(_("集体访人次"))
    skip_level = _count(_("越级集体访"))
    routed_in_time = _count(_("按时受理"))

    class Meta(_Day.Meta):
        verbose_name = verbose_name_plural = _("登记日统计")


class RegisteredSlice(_Day):
    """The cases registered on a day, per owning unit, channel, category and community."""

    channel = models.CharField(_("渠道"), max_length=20)
    category_id = models.IntegerField(_("类别"), null=True)
    community_id = models.IntegerField(_("社区"), null=True)
    n = _count(_("件数"))

    class Meta(_Day.Meta):
        verbose_name = verbose_name_plural = _("登记日分布")


class RepliedDay(_Day):
    """The cases replied to (concluded) on a day, per owning unit."""

    replied = _count(_("答复"))
    street_local = _count(_("街道化解"))
    ratable = _count(_("应评价"))
    rated = _count(_("已评价"))
    satisfied = _count(_("满意"))
    leader = _count(_("领导包案"))
    leader_solved = _count(_("包案化解"))
    community = _count(_("社区案件"))
    community_local = _count(_("社区化解"))
    settled = _count(_("息访"))

    class Meta(_Day.Meta):
        verbose_name = verbose_name_plural = _("答复日统计")


class DueDay(_Day):
    """The cases whose handling deadline falls on a day, per owning unit."""

    due = _count(_("到期"))
    due_on_time = _count(_("按期办结"))
    first_due = _count(_("初信初访到期"))
    first_settled_on_time = _count(_("初信初访一次化解"))

    class Meta(_Day.Meta):
        verbose_name = verbose_name_plural = _("到期日统计")


# The table of each anchor's counts.
DAYS: dict[str, type[RegisteredDay | RepliedDay | DueDay]] = {
    "registered": RegisteredDay,
    "replied": RepliedDay,
    "due": DueDay,
}


class KpiMark(models.Model):
    """A day of a unit whose counts of one anchor are to be counted again."""

    unit_id = models.IntegerField()
    anchor = models.CharField(max_length=10)
    day = models.DateField()

    # Not unique: a day marked while a refresh counts it must stay marked for the next one.

    def __str__(self) -> str:
        return f"{self.anchor} {self.unit_id} {self.day}"


class KpiCounted(models.Model):
    """Where a case is counted now: the days its counts were last taken from."""

    petition = models.OneToOneField(
        "petitions.Petition", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    unit_id = models.IntegerField()
    registered_on = models.DateField()
    route_due = models.DateField()
    replied_on = models.DateField(null=True)
    due_on = models.DateField(null=True)

    def __str__(self) -> str:
        return f"{self.petition_id}: {self.unit_id} {self.registered_on}"


class KpiState(models.Model):
    """The one row (pk 1) saying whether the summary is built, and with which follow-up
    window (0: not built); every write of the summary locks it first."""

    follow_up_days = models.PositiveIntegerField()
    built_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.built_at} ({self.follow_up_days})"
