"""The unit tree: district → street → community, with functional departments under the street.

Each unit keeps a materialised path ("/1/4/9/") so that a subtree is one indexed prefix
query, the basis of every visibility rule. A new unit's path is computed when it is first
saved; afterwards only organization.services.unit_move changes it, together with the paths
of every unit below.
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xinfang.common.memo import Memo
from xinfang.common.models import MemoModel


class Unit(MemoModel):
    class Kind(models.TextChoices):
        DISTRICT = "district", _("区")
        STREET = "street", _("街道")
        COMMUNITY = "community", _("社区")
        DEPARTMENT = "department", _("职能部门")

    name = models.CharField(_("名称"), max_length=80)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, editable=False, db_index=True)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("一把手（主要负责人）"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_units",
    )
    residents = models.PositiveIntegerField(_("常住人口"), null=True, blank=True)
    sort = models.PositiveSmallIntegerField(_("排序"), default=0)

    # The tree's ids, paths and kinds, which every intake form checks its choices against;
    # see common/memo.py (unit_move, which writes paths with update(), clears it itself).
    memo = Memo(seconds=30)

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["path"]
        constraints = [models.UniqueConstraint(fields=["parent", "name"], name="unit_unique_name")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            fields = kwargs.get("update_fields")
            if (fields is None or {"parent", "parent_id"} & set(fields)) and not (
                Unit.objects.filter(pk=self.pk, parent_id=self.parent_id).exists()
            ):
                # One row's save would leave every unit below with a stale path.
                raise ValueError("A unit changes parent only through services.unit_move.")
            super().save(*args, **kwargs)
            return
        # The path ends with the id, which exists only once the row is inserted.
        super().save(*args, **kwargs)
        self.path = f"{self.parent.path if self.parent else '/'}{self.pk}/"
        Unit.objects.filter(pk=self.pk).update(path=self.path)
        self.memo.clear()  # the tree kept in memory must have the path, not the blank

    def is_within(self, other: "Unit") -> bool:
        """Return whether this unit is `other` or lies below it."""
        return self.path.startswith(other.path)

    def lineage_ids(self) -> list[int]:
        """Return the ids of the units from the top down to this one, read from the path."""
        return [int(part) for part in self.path.strip("/").split("/") if part]
