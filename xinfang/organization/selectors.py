"""Reads of the unit tree, and which units a user may see."""

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from xinfang.organization.models import Unit


def unit_subtree(unit: Unit) -> QuerySet[Unit]:
    """Return `unit` and every unit below it."""
    return Unit.objects.filter(path__startswith=unit.path)


def unit_subtree_ids(unit: Unit | None) -> list[int]:
    """Return the ids of `unit`'s subtree; a user without a unit sees none."""
    if unit is None:
        return []
    return list(unit_subtree(unit).values_list("pk", flat=True))


@dataclass(frozen=True)
class UnitScope:
    """The units of a subtree: `ids` None when it is the whole tree; `broad` when most."""

    ids: list[int] | None
    broad: bool


def unit_scope(unit: Unit | None) -> UnitScope:
    """Return the scope of `unit`'s subtree in one query over the (small) unit table.

    Callers drop the filter for a user who sees everything, and filter a broad scope
    without the unit index (common.lookups).
    """
    if unit is None:
        return UnitScope([], broad=False)
    rows = list(Unit.objects.values_list("pk", "path"))
    ids = [pk for pk, path in rows if path.startswith(unit.path)]
    if len(ids) == len(rows):
        return UnitScope(None, broad=True)
    return UnitScope(ids, broad=2 * len(ids) > len(rows))


def subtree_ids(unit: Unit | None, kind: str | None = None) -> frozenset[int]:
    """Return the ids of `unit`'s subtree (of one kind), from the tree kept in memory."""
    if unit is None:
        return frozenset()
    tree: list[tuple[int, str, str]] = Unit.memo.get(
        "tree", lambda: list(Unit.objects.values_list("pk", "path", "kind"))
    )
    return frozenset(pk for pk, path, k in tree if path.startswith(unit.path) and kind in (None, k))


def units_visible_to(user: Any) -> QuerySet[Unit]:
    """Return the units whose cases `user` may see: the subtree of the user's unit."""
    if user.unit_id is None:
        return Unit.objects.none()
    return unit_subtree(user.unit)


def assignable_units(user: Any) -> QuerySet[Unit]:
    """Return the units a case may be assigned to by `user`: their unit's subtree."""
    return units_visible_to(user).exclude(kind=Unit.Kind.DISTRICT)
