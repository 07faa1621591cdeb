"""Assessment schemes edited as a whole, and copied to a new year."""

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xinfang.assessment import selectors
from xinfang.assessment.models import Scheme, SchemeAdjustment, SchemeItem
from xinfang.common.audit import audit_record
from xinfang.common.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from xinfang.common.models import AuditEntry


def refuse_if_frozen(scheme: Scheme) -> None:
    """Refuse a change to a scheme a frozen assessment was scored with."""
    frozen = selectors.scheme_frozen_assessment(scheme)
    if frozen is not None:
        assert frozen.frozen_at is not None
        raise Conflict(
            _("该考核办法已用于 %(t)s 定稿的考核“%(a)s”，不能再修改；请复制为新的考核办法后修改。")
            % {"t": timezone.localtime(frozen.frozen_at).strftime("%Y-%m-%d"), "a": frozen}
        )


def _manager(actor: Any) -> None:
    if actor.role not in selectors.ASSESSMENT_MANAGERS:
        raise PermissionDenied(_("只有领导小组成员和系统管理员可以修改考核办法。"))


def _year_free(scheme: Scheme) -> None:
    taken = Scheme.objects.filter(year=scheme.year, level=scheme.level).exclude(pk=scheme.pk)
    if taken.exists():
        raise Conflict(
            _("%(y)s 年已有针对%(l)s的考核办法。")
            % {"y": scheme.year, "l": scheme.get_level_display()}
        )


@transaction.atomic
def scheme_edit(
    *,
    actor: Any,
    scheme: Scheme,
    items: Sequence[SchemeItem],
    adjustments: Sequence[SchemeAdjustment],
    ip: str | None = None,
) -> Scheme:
    """Save a new or edited scheme with its whole list of items, deductions and bonuses.

    Refused when the points do not add up to the total or an item is malformed (the
    scoring module's rules, the same the admin and an assessment run apply), and for a
    scheme a frozen assessment was scored with.
    """
    _manager(actor)
    adding = scheme.pk is None
    if not adding:
        locked = Scheme.objects.select_for_update().filter(pk=scheme.pk).first()
        if locked is None:
            raise NotFound(_("考核办法不存在。"))
        refuse_if_frozen(locked)
    try:
        scheme.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as e:
        raise ValidationFailed(" ".join(e.messages)) from e
    _year_free(scheme)
    problems = selectors.rules_problems(
        scheme.total,
        [selectors.item_rule(i) for i in items],
        [selectors.adjustment_rule(a) for a in adjustments],
    )
    if problems:
        raise ValidationFailed(" ".join(problems), field="items")
    scheme.save()
    scheme.items.all().delete()
    scheme.adjustments.all().delete()
    for sort, item in enumerate(items):
        item.pk, item.scheme, item.sort = None, scheme, sort
    for adjustment in adjustments:
        adjustment.pk, adjustment.scheme = None, scheme
    SchemeItem.objects.bulk_create(items)
    SchemeAdjustment.objects.bulk_create(adjustments)
    audit_record(
        actor=actor,
        kind=AuditEntry.Kind.CREATE if adding else AuditEntry.Kind.CHANGE,
        obj=scheme,
        fields=["items", "adjustments"],
        summary=_("保存考核办法：%(s)s（%(n)s 项指标，%(m)s 条加减分规则）")
        % {"s": scheme, "n": len(items), "m": len(adjustments)},
        ip=ip,
    )
    return scheme


@transaction.atomic
def scheme_copy(*, actor: Any, scheme_id: int, year: int, ip: str | None = None) -> Scheme:
    """Copy a scheme with its items and adjustments to `year`, for the same level."""
    _manager(actor)
    source = Scheme.objects.filter(pk=scheme_id).first()
    if source is None:
        raise NotFound(_("考核办法不存在。"))
    copy = Scheme(
        name=source.name.replace(str(source.year), str(year)),
        year=year,
        level=source.level,
        total=source.total,
        basis=source.basis,
    )
    _year_free(copy)
    copy.save()
    SchemeItem.objects.bulk_create(
        SchemeItem(
            scheme=copy,
            kpi=i.kpi,
            points=i.points,
            target=i.target,
            rule=i.rule,
            floor=i.floor,
            step=i.step,
            step_points=i.step_points,
            sort=i.sort,
        )
        for i in source.items.all()
    )
    SchemeAdjustment.objects.bulk_create(
        SchemeAdjustment(scheme=copy, source=a.source, points_each=a.points_each, cap=a.cap)
        for a in source.adjustments.all()
    )
    audit_record(
        actor=actor,
        kind=AuditEntry.Kind.CREATE,
        obj=copy,
        summary=_("复制考核办法：%(s)s → %(y)s 年") % {"s": source, "y": year},
        ip=ip,
    )
    return copy
