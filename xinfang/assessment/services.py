"""Every write of the assessment app, each recorded with an audit entry.

Major incidents; assessments run, recomputed and frozen; accountability records;
responsibility letters drafted, their targets set, signed; spot checks drawn and scored.
"""

import datetime as dt
import secrets
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xinfang.assessment import kpis, precheck, scoring, selectors
from xinfang.assessment.kpis import Period
from xinfang.assessment.models import (
    AccountabilityRecord,
    Assessment,
    AssessmentResult,
    Commendation,
    LetterTarget,
    MajorIncident,
    ResponsibilityLetter,
    Scheme,
    SpotCheck,
    SpotCheckCase,
)
from xinfang.assessment.scoring import ranks
from xinfang.common import clock
from xinfang.common.audit import audit_record
from xinfang.common.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from xinfang.common.models import AuditEntry
from xinfang.organization.models import Unit
from xinfang.organization.selectors import units_visible_to
from xinfang.petitions import access
from xinfang.petitions.models import Petition


@transaction.atomic
def major_incident_save(
    *, actor: Any, incident: MajorIncident, changed: list[str], ip: str | None = None
) -> MajorIncident:
    """Save a new or edited major incident and audit who recorded or changed it."""
    adding = incident.pk is None
    if adding:
        incident.recorded_by = actor
    incident.full_clean()
    incident.save()
    audit_record(
        actor=actor,
        kind=AuditEntry.Kind.CREATE if adding else AuditEntry.Kind.CHANGE,
        obj=incident,
        fields=changed,
        summary=_("登记重大事件") if adding else _("修改重大事件"),
        ip=ip,
    )
    return incident


@transaction.atomic
def major_incident_delete(*, actor: Any, incident: MajorIncident, ip: str | None = None) -> None:
    """Delete a major incident, keeping in the audit log what it was."""
    audit_record(
        actor=actor,
        kind=AuditEntry.Kind.CHANGE,
        obj=incident,
        summary=_("删除重大事件：%(d)s %(u)s") % {"d": incident.occurred_on, "u": incident.unit},
        ip=ip,
    )
    incident.delete()


# ---------------------------------------------------------------- assessments


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


# ---------------------------------------------------------------- accountability


@transaction.atomic
def accountability_record(
    *, actor: Any, record: AccountabilityRecord, petition_id: int, ip: str | None = None
) -> AccountabilityRecord:
    """Record an accountability finding over a case the actor sees, against a unit in scope."""
    if actor.role not in selectors.ASSESSMENT_MANAGERS:
        raise PermissionDenied(_("只有领导小组成员和系统管理员可以登记问责。"))
    record.petition = access.access_petition(actor, petition_id)
    if not units_visible_to(actor).filter(pk=record.unit_id).exists():
        raise NotFound(_("单位不存在或不在您的管辖范围内。"))
    record.recorded_by = actor
    record.full_clean()
    record.save()
    audit_record(
        actor=actor,
        kind=AuditEntry.Kind.CREATE,
        obj=record,
        summary=_("登记问责：%(u)s %(p)s") % {"u": record.unit, "p": record.person},
        ip=ip,
    )
    return record


# ---------------------------------------------------------------- reference data


@transaction.atomic
def scheme_save(*, actor: Any, scheme: Scheme, changed: list[str], ip: str | None = None) -> Scheme:
    """Save a scheme's header and audit it (its items are checked where they are edited)."""
    adding = scheme.pk is None
    scheme.full_clean()
    scheme.save()
    audit_record(
        actor=actor,
        kind=AuditEntry.Kind.CREATE if adding else AuditEntry.Kind.CHANGE,
        obj=scheme,
        fields=changed,
        summary=_("保存考核办法：%(s)s") % {"s": scheme},
        ip=ip,
    )
    return scheme


@transaction.atomic
def commendation_save(
    *, actor: Any, commendation: Commendation, changed: list[str], ip: str | None = None
) -> Commendation:
    """Save a commendation (a scheme's bonus) and audit who recorded it."""
    adding = commendation.pk is None
    commendation.full_clean()
    commendation.save()
    audit_record(
        actor=actor,
        kind=AuditEntry.Kind.CREATE if adding else AuditEntry.Kind.CHANGE,
        obj=commendation,
        fields=changed,
        summary=_("登记表彰：%(c)s") % {"c": commendation},
        ip=ip,
    )
    return commendation


# ---------------------------------------------------------------- responsibility letters


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


# ---------------------------------------------------------------- spot checks


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
