"""Reference data: categories and time limits, checked, audited, and their memos cleared.

The admin saves through these functions. A row is checked with the model's own rules
(full_clean), which keep a time limit within what the database's constraints allow.
"""

from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from xinfang.common.audit import audit_entry, audit_record
from xinfang.common.errors import ValidationFailed
from xinfang.common.models import AuditEntry, MemoModel
from xinfang.petitions.models import Category, TimeLimitRule

_Row = TypeVar("_Row", bound=MemoModel)


def _check(row: MemoModel) -> None:
    try:
        row.full_clean()
    except ValidationError as e:
        field, messages = next(iter(e.message_dict.items()))
        raise ValidationFailed(messages[0], field=None if field == "__all__" else field) from None


def _shown(row: MemoModel, field: Any) -> str:
    value = getattr(row, field.name)
    if isinstance(value, bool):
        return _("是") if value else _("否")
    return _("（无）") if value in (None, "") else str(value)


def _save(row: _Row, *, actor: Any, what: str, ip: str | None) -> _Row:
    creating = row.pk is None
    changes: list[tuple[str, str]] = []
    if not creating:
        stored = type(row)._default_manager.select_for_update().get(pk=row.pk)
        changes = [
            (f.name, f"{f.verbose_name} {_shown(stored, f)}→{_shown(row, f)}")
            for f in row._meta.concrete_fields
            if not f.primary_key and getattr(stored, f.attname) != getattr(row, f.attname)
        ]
        if not changes:
            return row
    _check(row)
    row.save()
    # Saving cleared this process's memo; clearing again after commit keeps a request
    # that read the table before the commit from keeping the old value for its seconds.
    transaction.on_commit(row.memo.clear)
    if creating:
        summary = _("新增%(what)s：%(row)s") % {"what": what, "row": row}
    else:
        summary = _("修改%(what)s“%(row)s”：%(changes)s") % {
            "what": what,
            "row": row,
            "changes": "；".join(text for _field, text in changes),
        }
    audit_record(
        actor=actor,
        kind=AuditEntry.Kind.CREATE if creating else AuditEntry.Kind.CHANGE,
        obj=row,
        fields=[name for name, _text in changes],
        summary=summary,
        ip=ip,
    )
    return row


def _delete(row: MemoModel, *, actor: Any, what: str, ip: str | None) -> None:
    entry = audit_entry(
        actor=actor,
        kind=AuditEntry.Kind.CHANGE,
        obj=row,
        summary=_("删除%(what)s：%(row)s") % {"what": what, "row": row},
        ip=ip,
    )
    try:
        # A savepoint, so that the refusal leaves the caller's transaction usable.
        with transaction.atomic():
            row.delete()
    except ProtectedError:
        raise ValidationFailed(
            _("%(row)s 已被信访事项引用，不能删除，可改为停用。") % {"row": row}
        ) from None
    transaction.on_commit(row.memo.clear)
    entry.save()


@transaction.atomic
def category_save(*, actor: Any, category: Category, ip: str | None = None) -> Category:
    """Insert or update `category` if it keeps the taxonomy two levels deep; audit it."""
    return _save(category, actor=actor, what=_("问题分类"), ip=ip)


@transaction.atomic
def category_delete(*, actor: Any, category: Category, ip: str | None = None) -> None:
    """Delete `category`, which no petition may refer to, and audit it."""
    _delete(category, actor=actor, what=_("问题分类"), ip=ip)


@transaction.atomic
def time_limit_save(*, actor: Any, rule: TimeLimitRule, ip: str | None = None) -> TimeLimitRule:
    """Insert or update `rule` if the workflow and the constraints allow it; audit it."""
    return _save(rule, actor=actor, what=_("办理时限"), ip=ip)


@transaction.atomic
def time_limit_delete(*, actor: Any, rule: TimeLimitRule, ip: str | None = None) -> None:
    """Delete `rule`, so that its statutory default applies again, and audit it."""
    _delete(rule, actor=actor, what=_("办理时限"), ip=ip)
