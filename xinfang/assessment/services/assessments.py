"""Assessment runs: scored, recomputed, frozen."""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xinfang.assessment import selectors
from xinfang.assessment.kpis import Period
from xinfang.assessment.models import (
    Assessment,
    AssessmentResult,
    Scheme,
)
from xinfang.assessment.scoring import ranks
from xinfang.common import clock
from xinfang.common.audit import audit_record
from xinfang.common.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from xinfang.common.models import AuditEntry


def _store_results(assessment: Assessment, today: dt.date) -> None:
    period = Period(assessment.start, assessment.end)
    scores = selectors.assessment_scores(assessment.scheme, assessment.root, period, today)
    AssessmentResult.objects.bulk_create(
        AssessmentResult(
            assessment=assessment,
            unit=s.unit,
            rank=rank,
            score=s.score,
            breakdown=s.breakdown,
        )
        for s, rank in zip(scores, ranks([s.score for s in scores]), strict=True)
    )


@transaction.atomic
def assessment_run(
    *, actor: Any, scheme_id: int, period: Period, today: dt.date, ip: str | None = None
) -> Assessment:
    """Assess the units of the scheme's level under the actor's unit for a finished period."""
    if actor.role not in selectors.ASSESSMENT_MANAGERS or actor.unit_id is None:
        raise PermissionDenied(_("只有领导小组成员和系统管理员可以组织考核。"))
    scheme = Scheme.objects.filter(pk=scheme_id).first()
    if scheme is None:
        raise NotFound(_("考核办法不存在。"))
    if period.end >= today:
        raise ValidationFailed(
            _("考核期 %(s)s 至 %(e)s 尚未结束，期满后方可考核。")
            % {"s": period.start, "e": period.end},
            field="period",
        )
    if not (period.start.year == period.end.year == scheme.year):
        raise ValidationFailed(
            _("考核期须在考核办法的年度（%(y)s 年）之内。") % {"y": scheme.year}, field="period"
        )
    problems = selectors.scheme_problems(scheme)
    if problems:
        raise ValidationFailed(
            _("考核办法不能计分：%(p)s") % {"p": " ".join(problems)}, field="scheme"
        )
    root = actor.unit
    if not selectors.assessed_units(scheme, root):
        raise ValidationFailed(
            _("%(u)s 下没有%(l)s可供考核。") % {"u": root, "l": scheme.get_level_display()},
            field="scheme",
        )
    if Assessment.objects.filter(
        scheme=scheme, root=root, start=period.start, end=period.end
    ).exists():
        raise Conflict(_("该考核期已经考核过，请打开原考核重新计算。"))
    assessment = Assessment.objects.create(
        scheme=scheme,
        root=root,
        start=period.start,
        end=period.end,
        created_by=actor,
        computed_at=clock.now(),
    )
    _store_results(assessment, today)
    audit_record(
        actor=actor,
        kind=AuditEntry.Kind.CREATE,
        obj=assessment,
        summary=_("组织考核：%(a)s") % {"a": assessment},
        ip=ip,
    )
    return assessment


def _managed(actor: Any, assessment_id: int) -> Assessment:
    """Return the assessment locked for a change by `actor`, who must manage it."""
    assessment = (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("scheme", "root", "frozen_by")
        .filter(pk=assessment_id)
        .first()
    )
    if assessment is None or not (
        selectors.may_manage(actor, assessment)
        or selectors.assessments_for_user(actor).filter(pk=assessment_id).exists()
    ):
        raise NotFound(_("考核不存在或不在您的查阅范围内。"))
    if not selectors.may_manage(actor, assessment):
        raise PermissionDenied(_("只有组织考核单位的领导小组成员和系统管理员可以操作。"))
    if assessment.is_frozen:
        assert assessment.frozen_at is not None
        raise Conflict(
            _("该考核已于 %(t)s 由 %(u)s 定稿，不能再改动。")
            % {
                "t": timezone.localtime(assessment.frozen_at).strftime("%Y-%m-%d %H:%M"),
                "u": assessment.frozen_by or _("（已删除用户）"),
            }
        )
    return assessment


@transaction.atomic
def assessment_recompute(
    *, actor: Any, assessment_id: int, today: dt.date, ip: str | None = None
) -> Assessment:
    """Recompute an assessment not yet frozen from the figures as they are now."""
    assessment = _managed(actor, assessment_id)
    assessment.results.all().delete()
    _store_results(assessment, today)
    assessment.computed_at = clock.now()
    assessment.save(update_fields=["computed_at"])
    audit_record(
        actor=actor,
        kind=AuditEntry.Kind.CHANGE,
        obj=assessment,
        fields=["results"],
        summary=_("重新计算考核：%(a)s") % {"a": assessment},
        ip=ip,
    )
    return assessment


@transaction.atomic
def assessment_freeze(*, actor: Any, assessment_id: int, ip: str | None = None) -> Assessment:
    """Freeze an assessment as last computed: its scores never change afterwards."""
    assessment = _managed(actor, assessment_id)
    assessment.frozen_at = clock.now()
    assessment.frozen_by = actor
    assessment.save(update_fields=["frozen_at", "frozen_by"])
    audit_record(
        actor=actor,
        kind=AuditEntry.Kind.CHANGE,
        obj=assessment,
        fields=["frozen_at", "frozen_by"],
        summary=_("考核定稿：%(a)s") % {"a": assessment},
        ip=ip,
    )
    return assessment
