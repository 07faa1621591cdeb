"""Writes: the similarity index of a case, the alerts and their handling, the thresholds.

Every change of an alert writes an AlertEvent (its history on the alert page) and an
audit entry; the leaders of the unit concerned are told by e-mail when an alert is raised
or escalated (users carry no phone number, so SMS has no one to reach yet).
"""

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any, Final

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xinfang.accounts.models import User
from xinfang.common import clock
from xinfang.common.audit import audit_record
from xinfang.common.errors import NotFound, PermissionDenied, ValidationFailed
from xinfang.early_warnings import briefing, rules, selectors
from xinfang.early_warnings.models import (
    Alert,
    AlertEvent,
    Briefing,
    ContactLog,
    Dispute,
    KeyPerson,
    KeyProject,
    ScreeningVisit,
    SensitivePeriod,
    TextBand,
    TextSignature,
    Thresholds,
)
from xinfang.notifications.models import Channel
from xinfang.notifications.services import notification_send
from xinfang.organization.models import Unit
from xinfang.organization.selectors import units_visible_to
from xinfang.petitions.access import may_register, visible_q
from xinfang.petitions.models import Category, Petition

_REFUSALS = {
    "too_few_people": gettext_lazy("至少需要 2 人：1 人即预警会对每一件信访都发出预警。"),
    "window_too_short": gettext_lazy("时间窗口至少为 1 天。"),
    "escalation_too_short": gettext_lazy("未签收上报时限至少为 1 小时。"),
    "period_reversed": gettext_lazy("结束日期不能早于开始日期。"),
}


def _signature_row(petition: Petition) -> tuple[TextSignature, list[int]] | None:
    sigs = rules.signatures(petition.title, petition.content)
    if sigs is None:
        return None
    row = TextSignature(
        petition_id=petition.pk,
        signature=sigs.to_bytes(),
        community_id=petition.community_id,
        address=rules.place_key(petition.address)[:200],
        registered_at=petition.registered_at,
    )
    return row, rules.band_keys(sigs)


@transaction.atomic
def signature_index(*, petition: Petition) -> TextSignature | None:
    """Write (or rewrite) the case's signature and bands; None for a text too short to index."""
    TextBand.objects.filter(petition_id=petition.pk).delete()
    TextSignature.objects.filter(petition_id=petition.pk).delete()
    built = _signature_row(petition)
    if built is None:
        return None
    row, keys = built
    row.save(force_insert=True)
    TextBand.objects.bulk_create(TextBand(key=k, petition_id=petition.pk) for k in keys)
    return row


@transaction.atomic
def signature_rebuild(*, petitions: Iterable[Petition], chunk: int = 1000) -> int:
    """Index `petitions` afresh in chunks of bulk writes; return how many were indexed."""
    done = 0
    batch: list[Petition] = []

    def flush() -> int:
        ids = [p.pk for p in batch]
        TextBand.objects.filter(petition_id__in=ids).delete()
        TextSignature.objects.filter(petition_id__in=ids).delete()
        built = [b for b in map(_signature_row, batch) if b is not None]
        TextSignature.objects.bulk_create([row for row, _k in built])
        TextBand.objects.bulk_create(
            [
                TextBand(key=k, petition_id=row.petition_id)
                for row, keys in built
                for k in set(keys)
            ],
            batch_size=5000,
        )
        batch.clear()
        return len(built)

    for petition in petitions:
        batch.append(petition)
        if len(batch) >= chunk:
            done += flush()
    return done + flush()


@transaction.atomic
def thresholds_update(
    *, min_people: int, window_days: int, escalate_after_hours: int | None = None
) -> Thresholds:
    """Set the detection thresholds; refuse ones that would alert on everything."""
    errors = rules.check_thresholds(min_people, window_days)
    if escalate_after_hours is not None and escalate_after_hours < 1:
        errors.append(("escalate_after_hours", "escalation_too_short"))
    if errors:
        field, reason = errors[0]
        raise ValidationFailed(str(_REFUSALS[reason]), field=field)
    row = Thresholds.objects.select_for_update().order_by("pk").first() or Thresholds()
    row.min_people, row.window_days = min_people, window_days
    if escalate_after_hours is not None:
        row.escalate_after_hours = escalate_after_hours
    row.save()
    return row


@transaction.atomic
def collective_detect(*, petition: Petition, now: dt.datetime | None = None) -> Alert | None:
    """Raise or grow the alert of a collective petition `petition` completes; None if none."""
    row = TextSignature.objects.filter(petition_id=petition.pk).first()
    if row is None:
        return None
    # During a sensitive period the thresholds tighten (rules.limits_in_force).
    limits = selectors.limits_in_force(clock.local_date(row.registered_at))
    window = dt.timedelta(days=limits.window_days)
    similar = [pk for pk, _m in selectors.same_matter_here(row, since=row.registered_at - window)]
    people = selectors.people_of([petition.pk, *similar])
    times = dict(
        TextSignature.objects.filter(petition_id__in=people).values_list(
            "petition_id", "registered_at"
        )
    )
    members = {
        pk: rules.Member(petition_id=pk, people=people[pk], at=times[pk])
        for pk in people
        if pk in times
    }
    group = rules.forming_group(
        members[petition.pk],
        [m for pk, m in members.items() if pk != petition.pk],
        min_people=limits.min_people,
        window=window,
    )
    if group is None:
        return None
    ids = {m.petition_id for m in group}
    persons = set().union(*(m.people for m in group))
    now = now or clock.now()
    # The alert these cases already feed: a growing group updates it, never a second one.
    alert = (
        Alert.objects.select_for_update()
        .filter(kind=Alert.Kind.COLLECTIVE, petitions__in=ids)
        .exclude(status=Alert.Status.CLOSED)
        .order_by("pk")
        .first()
    )
    if alert is not None:
        known = set(alert.petitions.values_list("pk", flat=True))
        if ids <= known:
            return alert
        ids |= known
        persons |= set(alert.people.values_list("pk", flat=True))
    else:
        alert = Alert(
            kind=Alert.Kind.COLLECTIVE, owner_unit_id=petition.owner_unit_id, raised_at=now
        )
    alert.severity = rules.severity(len(persons), limits.min_people)
    summary = _("%(people)d 人在 %(days)d 天内就同一事项信访：%(title)s") % {
        "people": len(persons),
        "days": limits.window_days,
        "title": petition.title,
    }
    alert.summary = summary[:300]
    alert.updated_at = now
    raised = alert.pk is None
    alert.save()
    alert.petitions.add(*ids)
    alert.people.add(*persons)
    _alert_event(alert, AlertEvent.Action.RAISE if raised else AlertEvent.Action.GROW, at=now)
    if raised:
        _notify_leaders(alert, alert.owner_unit_id, _("新预警"))
    return alert


# ---------------------------------------------------------------- alerts: raising and handling

# Who is told of an alert in a unit: its leaders (and the leading group at the street).
_LEADER_ROLES = ("unit_leader", "leading_group")


def _alert_event(
    alert: Alert,
    action: str,
    *,
    at: dt.datetime,
    actor: Any = None,
    note: str = "",
    unit: Unit | None = None,
    ip: str | None = None,
) -> None:
    AlertEvent.objects.create(alert=alert, at=at, actor=actor, action=action, note=note, unit=unit)
    audit_record(
        actor=actor,
        kind="create" if action == AlertEvent.Action.RAISE else "change",
        obj=alert,
        fields=["status"],
        summary=f"{action}: {alert.get_status_display()} {note}".strip(),
        ip=ip,
    )


def _notify_leaders(alert: Alert, unit_id: int, what: str) -> int:
    """E-mail the leaders of unit `unit_id` about `alert`; return how many were told."""
    leaders = User.objects.filter(
        Q(unit_id=unit_id, role__in=_LEADER_ROLES) | Q(led_units=unit_id), is_active=True
    ).exclude(email="")
    text = _("【信访预警】%(what)s：%(summary)s。请登录信访工作平台签收处置：%(url)s") % {
        "what": what,
        "summary": alert.summary,
        "url": alert.get_absolute_url(),
    }
    told = 0
    for email in sorted(set(leaders.values_list("email", flat=True))):
        notification_send(
            channel=Channel.EMAIL,
            to=email,
            subject=_("信访预警：%(kind)s") % {"kind": alert.get_kind_display()},
            text=text,
            purpose="alert",
        )
        told += 1
    return told


def alert_raise(
    *,
    kind: str,
    severity: str,
    owner_unit_id: int,
    summary: str,
    petition_ids: Iterable[int] = (),
    people_ids: Iterable[int] = (),
    now: dt.datetime | None = None,
) -> Alert:
    """Raise a new alert with its evidence, record it and tell the owner unit's leaders."""
    now = now or clock.now()
    alert = Alert.objects.create(
        kind=kind,
        severity=severity,
        owner_unit_id=owner_unit_id,
        summary=summary[:300],
        raised_at=now,
        updated_at=now,
    )
    alert.petitions.add(*petition_ids)
    alert.people.add(*people_ids)
    _alert_event(alert, AlertEvent.Action.RAISE, at=now)
    _notify_leaders(alert, owner_unit_id, _("新预警"))
    return alert


def _alert_for_update(actor: Any, alert_id: int) -> Alert:
    if actor.is_read_only:
        raise PermissionDenied(_("只读账号不能处理预警。"))
    alert = selectors.alerts_for_user(actor).select_for_update().filter(pk=alert_id).first()
    if alert is None:
        raise NotFound(_("预警不存在或您无权查看。"))
    if alert.is_closed:
        raise ValidationFailed(_("该预警已关闭。"))
    return alert


def _required(note: str) -> str:
    note = note.strip()
    if not note:
        raise ValidationFailed(_("请填写说明。"), field="note")
    return note


def _acknowledged(alert: Alert, actor: Any, now: dt.datetime) -> None:
    if alert.acknowledged_at is None:
        alert.acknowledged_at, alert.acknowledged_by = now, actor


@transaction.atomic
def alert_acknowledge(*, actor: Any, alert_id: int, note: str = "", ip: str | None = None) -> Alert:
    """Acknowledge an open alert: someone has it in hand, so it is not escalated."""
    alert = _alert_for_update(actor, alert_id)
    if alert.status != Alert.Status.OPEN:
        raise ValidationFailed(_("该预警已签收。"))
    now = clock.now()
    _acknowledged(alert, actor, now)
    alert.status = Alert.Status.ACKNOWLEDGED
    alert.save(update_fields=["status", "acknowledged_at", "acknowledged_by"])
    _alert_event(alert, AlertEvent.Action.ACKNOWLEDGE, at=now, actor=actor, note=note, ip=ip)
    return alert


@transaction.atomic
def alert_act(*, actor: Any, alert_id: int, note: str, ip: str | None = None) -> Alert:
    """Record what was done about an alert (acknowledging it if nobody had)."""
    note = _required(note)
    alert = _alert_for_update(actor, alert_id)
    now = clock.now()
    _acknowledged(alert, actor, now)
    alert.status = Alert.Status.ACTING
    alert.save(update_fields=["status", "acknowledged_at", "acknowledged_by"])
    _alert_event(alert, AlertEvent.Action.ACT, at=now, actor=actor, note=note, ip=ip)
    return alert


@transaction.atomic
def alert_close(*, actor: Any, alert_id: int, note: str, ip: str | None = None) -> Alert:
    """Close an alert with a note of how it ended."""
    note = _required(note)
    alert = _alert_for_update(actor, alert_id)
    now = clock.now()
    _acknowledged(alert, actor, now)
    alert.status, alert.closed_at, alert.close_note = Alert.Status.CLOSED, now, note
    alert.save(
        update_fields=["status", "acknowledged_at", "acknowledged_by", "closed_at", "close_note"]
    )
    _alert_event(alert, AlertEvent.Action.CLOSE, at=now, actor=actor, note=note, ip=ip)
    return alert


@transaction.atomic
def alerts_escalate(*, now: dt.datetime | None = None) -> list[Alert]:
    """Escalate each alert left unacknowledged past the time limit to the unit above."""
    now = now or clock.now()
    hours = selectors.thresholds().escalate_after_hours
    due = now - dt.timedelta(hours=hours)
    late = (
        Alert.objects.select_for_update(of=("self",))
        .filter(status=Alert.Status.OPEN)
        .filter(Q(escalated_at=None, raised_at__lte=due) | Q(escalated_at__lte=due))
        .select_related("owner_unit", "escalated_to")
        .order_by("pk")
    )
    escalated = []
    for alert in late:
        above = (alert.escalated_to or alert.owner_unit).parent
        if above is None:  # at the top of the tree: nobody further to tell
            continue
        alert.escalated_to, alert.escalated_at = above, now
        alert.save(update_fields=["escalated_to", "escalated_at"])
        note = _("超过 %(h)d 小时未签收，上报%(unit)s") % {
            "h": hours,
            "unit": above.name,
        }
        _alert_event(alert, AlertEvent.Action.ESCALATE, at=now, note=note, unit=above)
        _notify_leaders(alert, above.pk, _("逾期未签收的预警已上报"))
        escalated.append(alert)
    return escalated


# ---------------------------------------------------------------- registers

_READ_ONLY = gettext_lazy("只读账号不能修改登记。")


def _writer(actor: Any) -> None:
    if actor.is_read_only:
        raise PermissionDenied(str(_READ_ONLY))


def _owner(actor: Any, owner_unit_id: int | None) -> int:
    """Return the owner unit, refusing none and one outside the actor's units."""
    if owner_unit_id is None:
        raise ValidationFailed(_("请指定责任单位：每一项登记都要有单位负责。"), field="owner_unit")
    if not units_visible_to(actor).filter(pk=owner_unit_id).exists():
        raise ValidationFailed(_("责任单位须为本单位或下级单位。"), field="owner_unit")
    return owner_unit_id


def _changes(obj: Any, data: dict[str, Any]) -> list[str]:
    changed = [k for k, v in data.items() if getattr(obj, k) != v]
    for k, v in data.items():
        setattr(obj, k, v)
    return changed


DISPUTE_FIELDS: Final = (
    "title",
    "kind",
    "place",
    "parties",
    "people_involved",
    "risk_level",
    "risk_reason",
    "measures",
    "status",
    "owner_unit_id",
    "cadre_id",
    "project_id",
)


def _project(actor: Any, project_id: int | None) -> int | None:
    """Return the project id, refusing one the actor may not see."""
    if (
        project_id is not None
        and not selectors.projects_for_user(actor).filter(pk=project_id).exists()
    ):
        raise ValidationFailed(_("重点项目不存在或您无权查看。"), field="project")
    return project_id


@transaction.atomic
def dispute_save(
    *, actor: Any, data: dict[str, Any], dispute_id: int | None = None, ip: str | None = None
) -> Dispute:
    """Register a dispute, or change one the actor sees; statuses only move forward."""
    _writer(actor)
    data = {k: data.get(k) for k in DISPUTE_FIELDS if k in data}
    data["owner_unit_id"] = _owner(actor, data.get("owner_unit_id"))
    data["project_id"] = _project(actor, data.get("project_id"))
    if not str(data.get("risk_reason") or "").strip():
        raise ValidationFailed(_("请写明风险研判依据。"), field="risk_reason")
    now = clock.now()
    if dispute_id is None:
        dispute = Dispute(created_at=now, updated_at=now)
        _changes(dispute, data)
        dispute.save()
        audit_record(actor=actor, kind="create", obj=dispute, summary=dispute.title, ip=ip)
        return dispute
    dispute = _dispute_for_update(actor, dispute_id)
    new_status = data.get("status", dispute.status)
    if not rules.dispute_move_allowed(dispute.status, new_status):
        raise ValidationFailed(
            _("状态不能从“%(a)s”改为“%(b)s”。")
            % {"a": dispute.get_status_display(), "b": Dispute.Status(new_status).label},
            field="status",
        )
    changed = _changes(dispute, data)
    dispute.updated_at = now
    dispute.save()
    audit_record(actor=actor, kind="change", obj=dispute, fields=changed, ip=ip)
    return dispute


def _dispute_for_update(actor: Any, dispute_id: int) -> Dispute:
    dispute = selectors.disputes_for_user(actor).select_for_update().filter(pk=dispute_id).first()
    if dispute is None:
        raise NotFound(_("矛盾纠纷不存在或您无权查看。"))
    return dispute


@transaction.atomic
def dispute_visit_add(
    *,
    actor: Any,
    dispute_id: int,
    on: dt.date,
    visitor: str,
    findings: str,
    ip: str | None = None,
) -> ScreeningVisit:
    """Record a screening visit of a dispute."""
    _writer(actor)
    dispute = _dispute_for_update(actor, dispute_id)
    if not findings.strip() or not visitor.strip():
        raise ValidationFailed(_("请填写摸排人和摸排情况。"), field="findings")
    if on > clock.today():
        raise ValidationFailed(_("摸排日期不能晚于今天。"), field="on")
    visit = ScreeningVisit.objects.create(
        dispute=dispute, on=on, visitor=visitor, findings=findings, recorded_by=actor
    )
    Dispute.objects.filter(pk=dispute.pk).update(updated_at=clock.now())
    audit_record(actor=actor, kind="create", obj=visit, summary=visitor, ip=ip)
    return visit


@transaction.atomic
def dispute_link_petition(
    *, actor: Any, dispute_id: int, number: str, ip: str | None = None
) -> Petition:
    """Link the case with `number`, one the actor may see, to a dispute."""
    _writer(actor)
    dispute = _dispute_for_update(actor, dispute_id)
    petition = _visible_case(actor, number)
    dispute.petitions.add(petition)
    audit_record(actor=actor, kind="change", obj=dispute, fields=["petitions"], ip=ip)
    return petition


def _visible_case(actor: Any, number: str) -> Petition:
    """Return the case numbered `number` if the actor may see it; NotFound otherwise."""
    # The number is XF<year>-<id>; the id finds the row, the whole number must match it.
    number = number.strip().upper()
    found = re.fullmatch(r"XF\d{4}-0*(\d{1,18})", number)
    petition = (
        Petition.objects.filter(visible_q(actor), pk=int(found.group(1))).first() if found else None
    )
    if petition is None or petition.number != number:
        raise NotFound(_("信访事项不存在或您无权查看。"))
    return petition


KEY_PERSON_FIELDS: Final = (
    "name",
    "reason",
    "reason_note",
    "level",
    "owner_unit_id",
    "cadre_id",
    "cadence_days",
    "project_id",
)


@transaction.atomic
def key_person_save(
    *, actor: Any, data: dict[str, Any], person_id: int | None = None, ip: str | None = None
) -> KeyPerson:
    """List a key person, or change one the actor sees; the cadence is at least one day."""
    _writer(actor)
    data = {k: data.get(k) for k in KEY_PERSON_FIELDS if k in data}
    data["owner_unit_id"] = _owner(actor, data.get("owner_unit_id"))
    data["project_id"] = _project(actor, data.get("project_id"))
    cadence = data.get("cadence_days")
    if cadence is None or cadence < 1:
        raise ValidationFailed(
            _("联系周期至少为 1 天：0 天的周期无法执行，也会让每一天都逾期。"),
            field="cadence_days",
        )
    if not str(data.get("name") or "").strip():
        raise ValidationFailed(_("请填写姓名。"), field="name")
    if person_id is None:
        person = KeyPerson(created_at=clock.now())
        _changes(person, data)
        person.save()
        audit_record(actor=actor, kind="create", obj=person, summary=person.name, ip=ip)
        return person
    person = _key_person_for_update(actor, person_id)
    changed = _changes(person, data)
    person.save()
    audit_record(actor=actor, kind="change", obj=person, fields=changed, ip=ip)
    return person


def _key_person_for_update(actor: Any, person_id: int) -> KeyPerson:
    person = selectors.key_persons_for_user(actor).select_for_update().filter(pk=person_id).first()
    if person is None:
        raise NotFound(_("重点人员不存在或您无权查看。"))
    return person


@transaction.atomic
def key_person_confirm(
    *, actor: Any, person_id: int, keep: bool, ip: str | None = None
) -> KeyPerson:
    """Confirm a proposed key person onto the register, or turn the proposal down."""
    _writer(actor)
    person = _key_person_for_update(actor, person_id)
    if person.status != KeyPerson.Status.PROPOSED:
        raise ValidationFailed(_("该人员不是待确认状态。"))
    person.status = KeyPerson.Status.CONFIRMED if keep else KeyPerson.Status.REMOVED
    person.save(update_fields=["status"])
    audit_record(actor=actor, kind="change", obj=person, fields=["status"], ip=ip)
    return person


@transaction.atomic
def key_person_contact_add(
    *,
    actor: Any,
    person_id: int,
    on: dt.date,
    how: str,
    note: str,
    ip: str | None = None,
) -> ContactLog:
    """Log a contact with a key person; it resets the contact's due date."""
    _writer(actor)
    person = _key_person_for_update(actor, person_id)
    if not note.strip() or not how.strip():
        raise ValidationFailed(_("请填写联系方式和情况。"), field="note")
    if on > clock.today():
        raise ValidationFailed(_("联系日期不能晚于今天。"), field="on")
    contact = ContactLog.objects.create(person=person, on=on, by=actor, how=how, note=note)
    if person.last_contact_on is None or on > person.last_contact_on:
        person.last_contact_on = on
        person.save(update_fields=["last_contact_on"])
    audit_record(actor=actor, kind="create", obj=contact, summary=person.name, ip=ip)
    return contact


def key_person_propose_repeat(*, petition: Petition) -> KeyPerson | None:
    """Propose the case's petitioner as a key person once they reach three cases in 90 days.

    Proposed to the office that registered the case (it knows who came); never when the
    office, or a unit above it, is the unit the case accuses (Art. 46).
    """
    person_id = petition.petitioner_id
    if person_id is None or KeyPerson.objects.filter(petitioner_id=person_id).exists():
        return None
    office = petition.registered_unit
    above = [int(p) for p in office.path.strip("/").split("/") if p]
    if petition.accused_unit_id in above:
        return None
    today = clock.local_date(petition.registered_at)
    since = petition.registered_at - dt.timedelta(days=rules.REPEAT_DAYS)
    days = [
        clock.local_date(at)
        for at in Petition.objects.filter(
            petitioner_id=person_id, registered_at__gte=since
        ).values_list("registered_at", flat=True)
    ]
    if not rules.is_repeat_petitioner(days, today):
        return None
    person = KeyPerson.objects.create(
        petitioner_id=person_id,
        name=petition.petitioner.name if petition.petitioner else "",
        reason=KeyPerson.Reason.REPEAT,
        reason_note=_("%(days)d 天内信访 %(n)d 次（系统提议）")
        % {"days": rules.REPEAT_DAYS, "n": len(days)},
        status=KeyPerson.Status.PROPOSED,
        owner_unit_id=office.pk,
        created_at=clock.now(),
    )
    audit_record(actor=None, kind="create", obj=person, summary=person.name)
    return person


@transaction.atomic
def key_persons_check_contacts(*, today: dt.date | None = None) -> list[Alert]:
    """Raise one alert per key person whose contact is overdue and has none open yet."""
    today = today or clock.today()
    raised = []
    people = KeyPerson.objects.filter(status=KeyPerson.Status.CONFIRMED).exclude(
        alerts__in=Alert.objects.filter(kind=Alert.Kind.CONTACT_OVERDUE).exclude(
            status=Alert.Status.CLOSED
        )
    )
    for person in people:
        listed = clock.local_date(person.created_at)
        if not rules.contact_overdue(person.last_contact_on, listed, person.cadence_days, today):
            continue
        due = rules.contact_due(person.last_contact_on, listed, person.cadence_days)
        alert = alert_raise(
            kind=Alert.Kind.CONTACT_OVERDUE,
            severity=Alert.Severity.HIGH
            if person.level == KeyPerson.Level.STRICT
            else Alert.Severity.MEDIUM,
            owner_unit_id=person.owner_unit_id,
            summary=_("重点人员%(name)s应于 %(due)s 前联系，已逾期")
            % {"name": person.name, "due": due.isoformat()},
        )
        alert.key_person = person
        alert.save(update_fields=["key_person"])
        raised.append(alert)
    return raised


@transaction.atomic
def period_save(
    *, actor: Any, data: dict[str, Any], period_id: int | None = None, ip: str | None = None
) -> SensitivePeriod:
    """Enter or change a sensitive period; one ending before it starts is refused."""
    if not may_register(actor):
        raise PermissionDenied(_("敏感时期由信访办录入。"))
    errors = rules.check_period(data["starts_on"], data["ends_on"])
    if errors:
        field, reason = errors[0]
        raise ValidationFailed(str(_REFUSALS[reason]), field=field)
    if period_id is None:
        period = SensitivePeriod()
    else:
        found = SensitivePeriod.objects.select_for_update().filter(pk=period_id).first()
        if found is None:
            raise NotFound(_("敏感时期不存在。"))
        period = found
    changed = _changes(
        period, {k: data[k] for k in ("name", "starts_on", "ends_on", "level", "note")}
    )
    period.save()
    audit_record(
        actor=actor,
        kind="create" if period_id is None else "change",
        obj=period,
        fields=changed,
        summary=period.name,
        ip=ip,
    )
    return period


# ---------------------------------------------------------------- surges


def _surge_series(
    rows: Iterable[tuple[int | None, int | None, dt.datetime]], first_week: dt.date, weeks: int
) -> dict[tuple[str, int], list[int]]:
    """Return each category's and community's weekly counts, oldest week first."""
    series: dict[tuple[str, int], list[int]] = {}
    for category_id, community_id, at in rows:
        week = (rules.week_start(clock.local_date(at)) - first_week).days // 7
        for key in (("category", category_id), ("community", community_id)):
            if key[1] is not None:
                series.setdefault((key[0], key[1]), [0] * weeks)[week] += 1
    return series


@transaction.atomic
def surges_detect(*, today: dt.date | None = None) -> list[Alert]:
    """Raise, or update, one alert per category or community whose week so far is a surge.

    The week runs from Monday to `today`; it is compared with the SURGE_TRAILING_WEEKS
    whole weeks before it (rules.surge). An alert's subject names the series and the week,
    so a week's surge is raised once and grows as the week's cases come in.
    """
    today = today or clock.today()
    this_week = rules.week_start(today)
    weeks = rules.SURGE_TRAILING_WEEKS + 1
    first_week = this_week - dt.timedelta(weeks=rules.SURGE_TRAILING_WEEKS)
    start = timezone.make_aware(dt.datetime.combine(first_week, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=1), dt.time.min))
    rows = Petition.objects.filter(registered_at__gte=start, registered_at__lt=end).values_list(
        "category_id", "community_id", "registered_at"
    )
    limits = selectors.limits_in_force(today)
    raised = []
    for (what, key), counts in sorted(_surge_series(rows, first_week, weeks).items()):
        found = rules.surge(counts[-1], counts[:-1], p=limits.surge_p)
        if found is None:
            continue
        field = "category_id" if what == "category" else "community_id"
        week_cases = Petition.objects.filter(
            **{field: key}, registered_at__gte=timezone.make_aware(
                dt.datetime.combine(this_week, dt.time.min)
            ), registered_at__lt=end
        )  # fmt: skip
        ids = list(week_cases.order_by("pk").values_list("pk", flat=True)[:500])
        owner_id: int | None = key
        if what == "community":
            name = str(Unit.objects.get(pk=key).name)
        else:
            # A category's surge goes to the office registering most of its week's cases.
            owner_id = (
                week_cases.values("registered_unit_id")
                .annotate(n=Count("pk"))
                .order_by("-n", "registered_unit_id")
                .values_list("registered_unit_id", flat=True)
                .first()
            )
            name = str(Category.objects.get(pk=key).name)
        assert owner_id is not None  # the week has cases, so a registering office
        subject = f"surge:{what}:{key}:{this_week.isoformat()}"
        summary = _(
            "%(name)s本周已有 %(n)d 件信访，前 %(w)d 周平均每周 %(mean)s 件（泊松尾概率 %(p).1e）"
        ) % {
            "name": name,
            "n": found.count,
            "w": rules.SURGE_TRAILING_WEEKS,
            "mean": found.mean,
            "p": found.p,
        }
        # A tail a thousand times smaller than the rule's: no ordinary week looks like this.
        severity = Alert.Severity.HIGH if found.p < rules.SURGE_P / 1000 else Alert.Severity.MEDIUM
        alert = (
            Alert.objects.select_for_update().filter(kind=Alert.Kind.SURGE, subject=subject).first()
        )
        if alert is None:
            alert = alert_raise(
                kind=Alert.Kind.SURGE,
                severity=severity,
                owner_unit_id=owner_id,
                summary=summary,
                petition_ids=ids,
            )
            alert.subject = subject
            alert.save(update_fields=["subject"])
        elif alert.summary != summary:
            alert.summary, alert.severity, alert.updated_at = summary[:300], severity, clock.now()
            alert.save(update_fields=["summary", "severity", "updated_at"])
            alert.petitions.add(*ids)
            _alert_event(alert, AlertEvent.Action.GROW, at=alert.updated_at)
        raised.append(alert)
    return raised


# ---------------------------------------------------------------- the daily briefing

# Streets and districts have leaders who read a briefing; communities read their street's.
BRIEFING_UNIT_KINDS: Final = (Unit.Kind.STREET, Unit.Kind.DISTRICT)


@transaction.atomic
def briefing_generate(*, unit: Unit, day: dt.date | None = None) -> Briefing:
    """Compute the unit's briefing of `day` with its PDF, and keep it (again if run again)."""
    day = day or clock.today()
    figures = briefing.figures(unit, day)
    pdf = briefing.render_pdf(figures)
    row, _created = Briefing.objects.update_or_create(
        owner_unit=unit,
        day=day,
        defaults={"figures": figures, "pdf": pdf, "generated_at": clock.now()},
    )
    return row


def briefings_generate(*, day: dt.date | None = None) -> list[Briefing]:
    """Generate the day's briefing of every street and district, each in its own transaction."""
    units = Unit.objects.filter(kind__in=BRIEFING_UNIT_KINDS).order_by("path")
    return [briefing_generate(unit=unit, day=day) for unit in units]


# ---------------------------------------------------------------- sensitive periods


def sensitive_detect(*, petition: Petition) -> Alert | None:
    """Alert when a key person, or a party to a high-risk dispute, petitions in a sensitive period.

    A party is the petitioner of a case linked to a dispute of high or critical risk not
    yet resolved. One alert per period and person; the summary names no one, since the
    alert's readers need not all know who petitioned (access.py decides on its page).
    """
    person_id = petition.petitioner_id
    period = selectors.period_in_force(clock.local_date(petition.registered_at))
    if person_id is None or period is None:
        return None
    key_person = KeyPerson.objects.filter(
        petitioner_id=person_id, status=KeyPerson.Status.CONFIRMED
    ).first()
    dispute = (
        Dispute.objects.filter(
            risk_level__in=("high", "critical"),
            status__in=(Dispute.Status.OPEN, Dispute.Status.RESOLVING),
            petitions__petitioner_id=person_id,
        )
        .order_by("pk")
        .first()
    )
    if key_person is None and dispute is None:
        return None
    subject = f"sensitive:{period.pk}:person:{person_id}"
    alert = Alert.objects.filter(kind=Alert.Kind.SENSITIVE, subject=subject).first()
    if alert is not None:
        alert.petitions.add(petition.pk)
        return alert
    who = _("重点人员") if key_person else _("高风险矛盾纠纷当事人")
    alert = alert_raise(
        kind=Alert.Kind.SENSITIVE,
        severity=Alert.Severity.HIGH,
        owner_unit_id=petition.owner_unit_id,
        summary=_("%(who)s在敏感时期“%(period)s”信访：%(title)s")
        % {"who": who, "period": period.name, "title": petition.title},
        petition_ids=[petition.pk],
        people_ids=[person_id],
    )
    alert.subject, alert.key_person, alert.dispute = subject, key_person, dispute
    alert.save(update_fields=["subject", "key_person", "dispute"])
    return alert


# ---------------------------------------------------------------- key projects


@transaction.atomic
def project_save(
    *, actor: Any, data: dict[str, Any], project_id: int | None = None, ip: str | None = None
) -> KeyProject:
    """Register a key project, or change one the actor sees; it must have an owner unit."""
    _writer(actor)
    fields = {k: data.get(k) for k in ("name", "description", "started_on")}
    fields["owner_unit_id"] = _owner(actor, data.get("owner_unit_id"))
    if not str(fields["name"] or "").strip():
        raise ValidationFailed(_("请填写名称。"), field="name")
    if project_id is None:
        project = KeyProject(created_at=clock.now())
    else:
        found = selectors.projects_for_user(actor).select_for_update().filter(pk=project_id).first()
        if found is None:
            raise NotFound(_("重点项目不存在或您无权查看。"))
        project = found
    changed = _changes(project, fields)
    project.save()
    audit_record(
        actor=actor,
        kind="create" if project_id is None else "change",
        obj=project,
        fields=changed,
        summary=project.name,
        ip=ip,
    )
    return project


@transaction.atomic
def project_link_petition(
    *, actor: Any, project_id: int, number: str, ip: str | None = None
) -> Petition:
    """Link the case with `number`, one the actor may see, to a key project."""
    _writer(actor)
    project = selectors.projects_for_user(actor).select_for_update().filter(pk=project_id).first()
    if project is None:
        raise NotFound(_("重点项目不存在或您无权查看。"))
    petition = _visible_case(actor, number)
    project.petitions.add(petition)
    audit_record(actor=actor, kind="change", obj=project, fields=["petitions"], ip=ip)
    return petition
