"""Spot checks: drawn and scored."""

import secrets
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from xinfang.assessment import precheck, scoring, selectors
from xinfang.assessment.kpis import Period
from xinfang.assessment.models import (
    SpotCheck,
    SpotCheckCase,
)
from xinfang.common import clock
from xinfang.common.audit import audit_record
from xinfang.common.errors import NotFound, PermissionDenied, ValidationFailed
from xinfang.common.models import AuditEntry
from xinfang.petitions.models import Petition


@transaction.atomic
def spot_check_draw(
    *,
    actor: Any,
    level: str,
    period: Period,
    size: int,
    seed: int | None = None,
    ip: str | None = None,
) -> SpotCheck:
    """Draw `size` concluded cases from each unit of `level` under the actor's unit."""
    if actor.role not in selectors.ASSESSMENT_MANAGERS or actor.unit_id is None:
        raise PermissionDenied(_("只有领导小组成员和系统管理员可以组织抽查。"))
    if size < 1:
        raise ValidationFailed(_("每单位抽取件数至少为 1。"), field="size")
    root = actor.unit
    strata = selectors.spot_check_population(root, level, period)
    if not strata:
        raise ValidationFailed(_("%(u)s 下没有可抽查的单位。") % {"u": root}, field="level")
    short = [(unit, len(ids)) for unit, ids in strata.items() if len(ids) < size]
    if short:
        raise ValidationFailed(
            _("每单位抽取 %(n)s 件，超过了以下单位期内已办结的事项数：%(u)s。")
            % {
                "n": size,
                "u": "、".join(
                    _("%(u)s（%(c)s 件）") % {"u": unit.name, "c": count} for unit, count in short
                ),
            },
            field="size",
        )
    seed = secrets.randbelow(2**62) if seed is None else seed
    drawn = scoring.draw({u.pk: ids for u, ids in strata.items()}, size, seed)
    spot_check = SpotCheck.objects.create(
        root=root,
        level=level,
        start=period.start,
        end=period.end,
        size=size,
        seed=seed,
        drawn_by=actor,
        drawn_at=clock.now(),
    )
    unit_of = {pk: unit for unit, pks in drawn.items() for pk in pks}
    sampled = Petition.objects.filter(pk__in=unit_of).only(
        "pk", "title", "content", "reply_text", "replied_at", "handling_due"
    )
    SpotCheckCase.objects.bulk_create(
        SpotCheckCase(
            spot_check=spot_check,
            petition_id=p.pk,
            unit_id=unit_of[p.pk],
            precheck=[
                {"key": i.key, "passed": i.passed, "detail": i.detail}
                for i in precheck.precheck(
                    petition_text=f"{p.title}\n{p.content}",
                    reply_text=p.reply_text,
                    replied_on=clock.local_date(p.replied_at) if p.replied_at else None,
                    due=p.handling_due,
                )
            ],
        )
        for p in sampled
    )
    audit_record(
        actor=actor,
        kind=AuditEntry.Kind.CREATE,
        obj=spot_check,
        summary=_("组织抽查：%(s)s，种子 %(seed)s") % {"s": spot_check, "seed": seed},
        ip=ip,
    )
    return spot_check


@transaction.atomic
def spot_check_score(
    *,
    actor: Any,
    spot_check_id: int,
    case_id: int,
    checks: dict[str, bool],
    comment: str,
    ip: str | None = None,
) -> SpotCheckCase:
    """Score a sampled case against the checklist, with a comment."""
    spot_check = selectors.access_spot_check(actor, spot_check_id)
    if not selectors.may_manage_spot_check(actor, spot_check):
        raise PermissionDenied(_("只有组织抽查单位的领导小组成员和系统管理员可以评分。"))
    case = (
        SpotCheckCase.objects.select_for_update().filter(pk=case_id, spot_check=spot_check).first()
    )
    if case is None:
        raise NotFound(_("抽查事项不存在。"))
    keys = [k for k, _label in SpotCheckCase.CHECKLIST]
    case.checks = {k: bool(checks.get(k)) for k in keys}
    case.score = scoring.checklist_score(case.checks, keys)
    case.comment = comment
    case.scored_by = actor
    case.scored_at = clock.now()
    case.save(update_fields=["checks", "score", "comment", "scored_by", "scored_at"])
    audit_record(
        actor=actor,
        kind=AuditEntry.Kind.CHANGE,
        obj=case,
        fields=["checks", "score", "comment"],
        summary=_("抽查评分：%(c)s %(s)s 分") % {"c": case, "s": case.score},
        ip=ip,
    )
    return case
