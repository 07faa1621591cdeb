"""Responsibility letters: drafted, their targets set, signed."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from xinfang.assessment import kpis, selectors
from xinfang.assessment.models import (
    LetterTarget,
    ResponsibilityLetter,
    Scheme,
)
from xinfang.common import clock
from xinfang.common.audit import audit_record
from xinfang.common.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from xinfang.common.models import AuditEntry
from xinfang.organization.models import Unit
from xinfang.organization.selectors import units_visible_to


def _letter_targets(unit: Unit, year: int) -> list[tuple[str, Decimal]]:
    """Return the targets a new letter starts from: its scheme's, else the KPIs' defaults."""
    scheme = Scheme.objects.filter(year=year, level=unit.kind).first()
    targets = [(i.kpi, i.target) for i in scheme.items.all()] if scheme else []
    if not targets:
        targets = [
            (s.key, Decimal(str(s.target)))
            for s in kpis.KPIS
            if s.kind == kpis.Kind.RATE and s.target is not None
        ]
    # The two no-occurrences are every letter's targets: none at all.
    return [*targets, ("skip_level_collective", Decimal(0)), ("major_incidents", Decimal(0))]


@transaction.atomic
def letter_create(
    *, actor: Any, unit_id: int, year: int, signatory: str, ip: str | None = None
) -> ResponsibilityLetter:
    """Draft a unit's letter for a year, its targets taken from the year's scheme."""
    if actor.role not in selectors.ASSESSMENT_MANAGERS or actor.unit_id is None:
        raise PermissionDenied(_("只有领导小组成员和系统管理员可以起草目标责任书。"))
    unit = units_visible_to(actor).exclude(pk=actor.unit_id).filter(pk=unit_id).first()
    if unit is None:
        raise NotFound(_("单位不存在或不在您的管辖范围内（本单位的责任书由上级起草）。"))
    if ResponsibilityLetter.objects.filter(unit=unit, year=year).exists():
        raise Conflict(_("%(u)s %(y)s 年的目标责任书已经存在。") % {"u": unit, "y": year})
    issuer = unit.parent or actor.unit
    leader = issuer.leader
    letter = ResponsibilityLetter.objects.create(
        unit=unit,
        issuer=issuer,
        year=year,
        issuer_signatory=str(leader) if leader else "",
        signatory=signatory or (str(unit.leader) if unit.leader else ""),
        created_by=actor,
    )
    LetterTarget.objects.bulk_create(
        LetterTarget(letter=letter, kpi=kpi, target=target, sort=n)
        for n, (kpi, target) in enumerate(_letter_targets(unit, year))
    )
    audit_record(
        actor=actor,
        kind=AuditEntry.Kind.CREATE,
        obj=letter,
        summary=_("起草目标责任书：%(l)s") % {"l": letter},
        ip=ip,
    )
    return letter


def _letter_for_change(actor: Any, letter_id: int) -> ResponsibilityLetter:
    letter = (
        ResponsibilityLetter.objects.select_for_update(of=("self",))
        .filter(pk=letter_id, unit__in=units_visible_to(actor))
        .select_related("unit", "issuer")
        .first()
    )
    if letter is None:
        raise NotFound(_("目标责任书不存在或不在您的查阅范围内。"))
    if actor.role not in selectors.ASSESSMENT_MANAGERS or letter.unit_id == actor.unit_id:
        raise PermissionDenied(_("目标责任书由上级单位的领导小组成员或系统管理员办理。"))
    if letter.is_signed:
        raise Conflict(_("该责任书已于 %(d)s 签订，不能再改动。") % {"d": letter.signed_on})
    return letter


@transaction.atomic
def letter_targets_set(
    *, actor: Any, letter_id: int, targets: dict[str, Decimal], ip: str | None = None
) -> ResponsibilityLetter:
    """Set a letter's targets before it is signed (rates within 0–1, counts not negative)."""
    letter = _letter_for_change(actor, letter_id)
    rows = {t.kpi: t for t in letter.targets.all()}
    changed = []
    for kpi, value in targets.items():
        row = rows.get(kpi)
        if row is None:
            raise ValidationFailed(_("未知的责任目标：%(k)s。") % {"k": kpi})
        rate = kpis.BY_KEY[kpi].kind == kpis.Kind.RATE
        if value < 0 or (rate and value > 1):
            raise ValidationFailed(
                _("“%(k)s”的目标值不合理：%(v)s。") % {"k": kpis.BY_KEY[kpi].label, "v": value},
                field=kpi,
            )
        if row.target != value:
            row.target = value
            changed.append(kpi)
    LetterTarget.objects.bulk_update([rows[k] for k in changed], ["target"])
    audit_record(
        actor=actor,
        kind=AuditEntry.Kind.CHANGE,
        obj=letter,
        fields=changed,
        summary=_("修改责任目标：%(l)s") % {"l": letter},
        ip=ip,
    )
    return letter


@transaction.atomic
def letter_sign(
    *,
    actor: Any,
    letter_id: int,
    signed_on: dt.date,
    issuer_signatory: str,
    signatory: str,
    ip: str | None = None,
) -> ResponsibilityLetter:
    """Record that both parties signed the letter on `signed_on`; a letter is signed once."""
    letter = _letter_for_change(actor, letter_id)
    if not issuer_signatory.strip() or not signatory.strip():
        raise ValidationFailed(_("请填写甲乙双方代表。"), field="signatory")
    if signed_on > clock.today():
        raise ValidationFailed(_("签订日期不能晚于今天。"), field="signed_on")
    letter.signed_on = signed_on
    letter.issuer_signatory = issuer_signatory.strip()
    letter.signatory = signatory.strip()
    letter.signed_recorded_by = actor
    letter.save(update_fields=["signed_on", "issuer_signatory", "signatory", "signed_recorded_by"])
    audit_record(
        actor=actor,
        kind=AuditEntry.Kind.CHANGE,
        obj=letter,
        fields=["signed_on", "issuer_signatory", "signatory"],
        summary=_("签订目标责任书：%(l)s") % {"l": letter},
        ip=ip,
    )
    return letter
