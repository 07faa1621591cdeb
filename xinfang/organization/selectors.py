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


def _tree() -> list[tuple[int, str, str]]:
    """Return every unit's (id, path, kind), kept in memory (Unit.memo: common/memo.py).

    A save in this process clears it at once; another process sees a new unit or a move
    within the memo's 30 seconds. Units change a few times a year, through the admin.
    """
    tree: list[tuple[int, str, str]] = Unit.memo.get(
        "tree", lambda: list(Unit.objects.values_list("pk", "path", "kind"))
    )
    return tree


def units_by_id() -> dict[int, Unit]:
    """Return every unit by id, kept in memory with the tree (Unit.memo), to be read only.

    For naming a case's units in an answer without a query; a rename shows in another
    process within the memo's 30 seconds.
    """
    units: dict[int, Unit] = Unit.memo.get("rows", lambda: {u.pk: u for u in Unit.objects.all()})
    return units


def unit_scope(unit: Unit | None) -> UnitScope:
    """Return the scope of `unit`'s subtree, from the (small) unit tree kept in memory.

    Callers drop the filter for a user who sees everything, and filter a broad scope
    without the unit index (common.lookups).
    """
    if unit is None:
        return UnitScope([], broad=False)
    tree = _tree()
    ids = [pk for pk, path, _kind in tree if path.startswith(unit.path)]
    if len(ids) == len(tree):
        return UnitScope(None, broad=True)
    return UnitScope(ids, broad=2 * len(ids) > len(tree))


def subtree_ids(unit: Unit | None, kind: str | None = None) -> frozenset[int]:
    """Return the ids of `unit`'s subtree (of one kind), from the tree kept in memory."""
    if unit is None:
        return frozenset()
    tree = _tree()
    return frozenset(pk for pk, path, k in tree if path.startswith(unit.path) and kind in (None, k))


def subtree_paths(unit: Unit) -> dict[int, str]:
    """Return the path of every unit of `unit`'s subtree by id, from the tree kept in memory."""
    return {pk: path for pk, path, _kind in _tree() if path.startswith(unit.path)}


def units_visible_to(user: Any) -> QuerySet[Unit]:
    """Return the units whose cases `user` may see: the subtree of the user's unit."""
    if user.unit_id is None:
        return Unit.objects.none()
    return unit_subtree(user.unit)


def assignable_units(user: Any) -> QuerySet[Unit]:
    """Return the units a case may be assigned to by `user`: their unit's subtree."""
    return units_visible_to(user).exclude(kind=Unit.Kind.DISTRICT)
