"""Every write to the unit tree, audited, so its paths stay true whatever screen edits it.

Visibility reads a unit's subtree as the units whose path starts with its own; a move
therefore rewrites the path of every unit below in the same transaction. Writes lock the
whole (small) unit table, so two concurrent moves cannot build a cycle between them.
"""

from typing import Any

from django.db import transaction
from django.db.models import ProtectedError, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from xinfang.common.audit import audit_entry, audit_record
from xinfang.common.errors import ValidationFailed
from xinfang.common.models import AuditEntry
from xinfang.organization.models import Unit

# The fields an edit may change; `path` follows `parent` and is never edited itself.
EDITABLE_FIELDS = ("name", "kind", "parent", "leader", "residents", "sort")
_FIELDS = {f.name: f for f in Unit._meta.concrete_fields}
PATH_MAX_LENGTH = _FIELDS["path"].max_length or 255


def _lock_tree() -> None:
    list(Unit.objects.select_for_update().values_list("pk"))


def _value(unit: Unit, field: str) -> Any:
    return getattr(unit, _FIELDS[field].attname)


def _label(unit: Unit | None) -> str:
    return unit.name if unit is not None else _("（无）")


def check_unit_parent(*, unit: Unit, parent: Unit | None) -> None:
    """Raise ValidationFailed unless `parent` may become `unit`'s parent."""
    if parent is None or unit.pk is None:
        return
    if parent.is_within(unit):
        raise ValidationFailed(
            _("不能将单位“%(unit)s”移到其自身或其下级单位“%(parent)s”之下。")
            % {"unit": unit.name, "parent": parent.name},
            field="parent",
        )
    deepest = max(
        len(path)
        for path in Unit.objects.filter(path__startswith=unit.path).values_list("path", flat=True)
    )
    if len(parent.path) + deepest - len(unit.path) + len(f"{unit.pk}/") > PATH_MAX_LENGTH:
        raise ValidationFailed(_("单位层级过深，不能移到该单位之下。"), field="parent")


def check_unit_name(*, unit: Unit, parent: Unit | None) -> None:
    """Raise ValidationFailed if `parent` already has another unit of `unit`'s name."""
    siblings = Unit.objects.filter(parent=parent, name=unit.name).exclude(pk=unit.pk)
    # The database compares names only under a parent: top-level units may repeat.
    if parent is not None and siblings.exists():
        raise ValidationFailed(
            _("“%(parent)s”下已有名为“%(unit)s”的单位。")
            % {"parent": parent.name, "unit": unit.name},
            field="name",
        )


@transaction.atomic
def unit_create(*, actor: Any, unit: Unit, ip: str | None = None) -> Unit:
    """Insert the new `unit`, its path under its parent, and audit it."""
    check_unit_name(unit=unit, parent=unit.parent)
    unit.save()
    audit_record(
        actor=actor,
        kind=AuditEntry.Kind.CREATE,
        obj=unit,
        fields=[f for f in EDITABLE_FIELDS if getattr(unit, f) not in (None, "")],
        summary=_("新增单位“%(unit)s”，上级：%(parent)s")
        % {"unit": unit.name, "parent": _label(unit.parent)},
        ip=ip,
    )
    return unit


@transaction.atomic
def unit_move(*, actor: Any, unit: Unit, new_parent: Unit | None, ip: str | None = None) -> Unit:
    """Put `unit` under `new_parent`, rewriting the path of its whole subtree, and audit it."""
    _lock_tree()
    unit = Unit.objects.select_related("parent").get(pk=unit.pk)
    if new_parent is not None:
        new_parent = Unit.objects.get(pk=new_parent.pk)
    old_parent = unit.parent
    if (old_parent.pk if old_parent else None) == (new_parent.pk if new_parent else None):
        return unit
    check_unit_parent(unit=unit, parent=new_parent)
    check_unit_name(unit=unit, parent=new_parent)
    old_prefix = unit.path
    new_prefix = f"{new_parent.path if new_parent else '/'}{unit.pk}/"
    Unit.objects.filter(pk=unit.pk).update(parent=new_parent)
    # One statement for the subtree: the new prefix, then the path past the old prefix.
    Unit.objects.filter(path__startswith=old_prefix).update(
        path=Concat(Value(new_prefix), Substr("path", len(old_prefix) + 1))
    )
    # update() bypasses the model's save: clear the tree kept in memory now, for the rest
    # of this transaction, and again once it commits, for what was read meanwhile.
    Unit.memo.clear()
    transaction.on_commit(Unit.memo.clear)
    audit_record(
        actor=actor,
        kind=AuditEntry.Kind.CHANGE,
        obj=unit,
        fields=["parent", "path"],
        summary=_("移动单位“%(unit)s”：%(old)s → %(new)s")
        % {"unit": unit.name, "old": _label(old_parent), "new": _label(new_parent)},
        ip=ip,
    )
    unit.refresh_from_db()
    return unit


@transaction.atomic
def unit_update(*, actor: Any, unit: Unit, ip: str | None = None) -> Unit:
    """Save the edited `unit`; a new parent moves its whole subtree through unit_move."""
    _lock_tree()
    stored = Unit.objects.get(pk=unit.pk)
    if unit.parent_id != stored.parent_id:
        stored = unit_move(actor=actor, unit=stored, new_parent=unit.parent, ip=ip)
    changed = [f for f in EDITABLE_FIELDS if f != "parent" and _value(stored, f) != _value(unit, f)]
    if changed:
        if "name" in changed:
            check_unit_name(unit=unit, parent=stored.parent)
        for field in changed:
            setattr(stored, field, getattr(unit, field))
        stored.save(update_fields=changed)
        audit_record(
            actor=actor,
            kind=AuditEntry.Kind.CHANGE,
            obj=stored,
            fields=changed,
            summary=_("修改单位“%(unit)s”：%(fields)s")
            % {
                "unit": stored.name,
                "fields": "、".join(str(_FIELDS[f].verbose_name) for f in changed),
            },
            ip=ip,
        )
    unit.path = stored.path
    return stored


@transaction.atomic
def unit_delete(*, actor: Any, unit: Unit, ip: str | None = None) -> None:
    """Delete `unit`, which nothing may still refer to, and audit it."""
    _lock_tree()
    unit = Unit.objects.select_related("parent").get(pk=unit.pk)
    entry = audit_entry(
        actor=actor,
        kind=AuditEntry.Kind.CHANGE,
        obj=unit,
        summary=_("删除单位“%(unit)s”，原上级：%(parent)s")
        % {"unit": unit.name, "parent": _label(unit.parent)},
        ip=ip,
    )
    try:
        # A savepoint, so that the refusal leaves the caller's transaction usable.
        with transaction.atomic():
            unit.delete()
    except ProtectedError:
        raise ValidationFailed(
            _("单位“%(unit)s”仍有下级单位、人员或信访事项，不能删除。") % {"unit": unit.name}
        ) from None
    entry.save()
