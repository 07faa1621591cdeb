"""Writes to the unit tree keep every path true and leave an audit row."""

from typing import Any

import pytest

from xinfang.common.errors import ValidationFailed
from xinfang.common.models import AuditEntry
from xinfang.organization import services
from xinfang.organization.models import Unit
from xinfang.organization.selectors import subtree_ids, unit_subtree
from xinfang.organization.tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


def _paths() -> dict[str, str]:
    return dict(Unit.objects.values_list("name", "path"))


@pytest.fixture
def tree(street: Any) -> dict[str, Unit]:
    """Return the street fixture's units, with a second street and two levels under Lakeside."""
    grid = UnitFactory(name="湖滨第一网格", kind=Unit.Kind.DEPARTMENT, parent=street.lakeside)
    return {
        "district": street.district,
        "street": street.street,
        "lakeside": street.lakeside,
        "grid": grid,
        "block": UnitFactory(name="一号楼", kind=Unit.Kind.DEPARTMENT, parent=grid),
        "other_street": UnitFactory(name="YY街道", kind=Unit.Kind.STREET, parent=street.district),
        "admin": street.admin,
    }


def test_a_new_unit_gets_its_path_under_its_parent(tree: dict[str, Unit]) -> None:
    unit = services.unit_create(
        actor=tree["admin"],
        unit=Unit(name="新社区", kind=Unit.Kind.COMMUNITY, parent=tree["street"]),
    )
    assert unit.path == f"{tree['street'].path}{unit.pk}/"
    assert Unit.objects.get(pk=unit.pk).path == unit.path
    entry = AuditEntry.objects.get(object_type="unit", object_id=str(unit.pk))
    assert entry.kind == AuditEntry.Kind.CREATE and "XX街道" in entry.summary


def test_moving_a_unit_rewrites_the_path_of_every_unit_below(tree: dict[str, Unit]) -> None:
    lakeside, grid, block = tree["lakeside"], tree["grid"], tree["block"]
    before = _paths()
    services.unit_move(actor=tree["admin"], unit=lakeside, new_parent=tree["other_street"])
    lakeside_path = f"{tree['other_street'].path}{lakeside.pk}/"
    assert _paths() == {
        **before,
        "湖滨花园社区": lakeside_path,
        "湖滨第一网格": f"{lakeside_path}{grid.pk}/",
        "一号楼": f"{lakeside_path}{grid.pk}/{block.pk}/",
    }
    assert set(unit_subtree(tree["other_street"])) == {
        tree["other_street"],
        lakeside,
        grid,
        block,
    }
    assert lakeside not in unit_subtree(tree["street"])
    assert Unit.objects.get(pk=lakeside.pk).parent == tree["other_street"]


def test_the_tree_kept_in_memory_follows_a_move_once_it_commits(
    tree: dict[str, Unit], django_capture_on_commit_callbacks: Any
) -> None:
    street, lakeside = tree["street"], tree["lakeside"]
    assert lakeside.pk in subtree_ids(street, Unit.Kind.COMMUNITY)  # the memo is now warm
    with django_capture_on_commit_callbacks(execute=True):
        services.unit_move(actor=tree["admin"], unit=lakeside, new_parent=tree["other_street"])
    street.refresh_from_db()
    assert lakeside.pk not in subtree_ids(street, Unit.Kind.COMMUNITY)
    assert lakeside.pk in subtree_ids(tree["other_street"], Unit.Kind.COMMUNITY)
    assert tree["grid"].pk not in subtree_ids(tree["other_street"], Unit.Kind.COMMUNITY)
    assert tree["grid"].pk in subtree_ids(tree["other_street"])


def test_a_unit_moves_to_the_top_of_the_tree_with_its_subtree(tree: dict[str, Unit]) -> None:
    grid = services.unit_move(actor=tree["admin"], unit=tree["grid"], new_parent=None)
    assert grid.path == f"/{grid.pk}/"
    assert Unit.objects.get(pk=tree["block"].pk).path == f"/{grid.pk}/{tree['block'].pk}/"


def test_a_move_is_audited_with_the_old_and_the_new_parent(tree: dict[str, Unit]) -> None:
    services.unit_move(
        actor=tree["admin"], unit=tree["lakeside"], new_parent=tree["other_street"], ip="10.0.0.8"
    )
    entry = AuditEntry.objects.get(object_type="unit", object_id=str(tree["lakeside"].pk))
    assert (entry.kind, entry.actor, entry.ip) == (
        AuditEntry.Kind.CHANGE,
        tree["admin"],
        "10.0.0.8",
    )
    assert entry.fields == ["parent", "path"]
    assert entry.summary == "移动单位“湖滨花园社区”：XX街道 → YY街道"


@pytest.mark.parametrize("target", ["lakeside", "grid", "block"])
def test_a_unit_cannot_move_under_itself_or_a_unit_below_it(
    tree: dict[str, Unit], target: str
) -> None:
    before = _paths()
    with pytest.raises(ValidationFailed) as refused:
        services.unit_move(actor=tree["admin"], unit=tree["lakeside"], new_parent=tree[target])
    assert refused.value.field == "parent"
    assert "不能将单位“湖滨花园社区”移到其自身或其下级单位" in refused.value.message
    assert _paths() == before
    assert not AuditEntry.objects.filter(object_type="unit").exists()


def test_a_unit_cannot_move_beside_a_unit_of_the_same_name(tree: dict[str, Unit]) -> None:
    UnitFactory(name="湖滨花园社区", parent=tree["other_street"])
    with pytest.raises(ValidationFailed):
        services.unit_move(
            actor=tree["admin"], unit=tree["lakeside"], new_parent=tree["other_street"]
        )
    assert Unit.objects.get(pk=tree["lakeside"].pk).parent == tree["street"]


def test_an_edit_saves_the_changed_fields_and_moves_the_unit_when_its_parent_changes(
    tree: dict[str, Unit],
) -> None:
    edited = Unit.objects.get(pk=tree["grid"].pk)
    edited.name, edited.residents, edited.parent = "湖滨网格", 1200, tree["other_street"]
    services.unit_update(actor=tree["admin"], unit=edited)
    grid = Unit.objects.get(pk=tree["grid"].pk)
    assert (grid.name, grid.residents, grid.parent) == ("湖滨网格", 1200, tree["other_street"])
    assert edited.path == grid.path == f"{tree['other_street'].path}{grid.pk}/"
    assert Unit.objects.get(pk=tree["block"].pk).path == f"{grid.path}{tree['block'].pk}/"
    rows = AuditEntry.objects.filter(object_id=str(grid.pk)).order_by("id")
    assert [r.fields for r in rows] == [["parent", "path"], ["name", "residents"]]


def test_saving_a_unit_with_a_new_parent_outside_the_services_is_refused(
    tree: dict[str, Unit],
) -> None:
    grid = Unit.objects.get(pk=tree["grid"].pk)
    grid.parent = tree["other_street"]
    with pytest.raises(ValueError, match="unit_move"):
        grid.save()
    grid.refresh_from_db()
    grid.name = "湖滨网格"
    grid.save()
    assert Unit.objects.get(pk=grid.pk).name == "湖滨网格"


def test_a_unit_with_units_below_cannot_be_deleted(tree: dict[str, Unit]) -> None:
    with pytest.raises(ValidationFailed, match="不能删除"):
        services.unit_delete(actor=tree["admin"], unit=tree["grid"])
    assert Unit.objects.filter(pk=tree["grid"].pk).exists()
    assert not AuditEntry.objects.filter(object_type="unit").exists()
    services.unit_delete(actor=tree["admin"], unit=tree["block"])
    assert not Unit.objects.filter(pk=tree["block"].pk).exists()
    entry = AuditEntry.objects.get(object_type="unit", object_id=str(tree["block"].pk))
    assert entry.summary == "删除单位“一号楼”，原上级：湖滨第一网格"
