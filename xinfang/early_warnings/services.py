"""Writes: the similarity index of a case, the alerts and their handling, the thresholds.

Every change of an alert writes an AlertEvent (its history on the alert page) and an
audit entry; the leaders of the unit concerned are told by e-mail when an alert is raised
or escalated (users carry no phone number, so SMS has no one to reach yet).
"""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xinfang.accounts.models import User
from xinfang.common import clock
from xinfang.common.audit import audit_record
from xinfang.common.errors import NotFound, PermissionDenied, ValidationFailed
from xinfang.early_warnings import rules, selectors
from xinfang.early_warnings.models import (
    Alert,
    AlertEvent,
    TextBand,
    TextSignature,
    Thresholds,
)
from xinfang.notifications.models import Channel
from xinfang.notifications.services import notification_send
from xinfang.organization.models import Unit
from xinfang.petitions.models import Petition

_REFUSALS = {
    "too_few_people": gettext_lazy("至少需要 2 人：1 人即预警会对每一件信访都发出预警。"),
    "window_too_short": gettext_lazy("时间窗口至少为 1 天。"),
    "escalation_too_short": gettext_lazy("未签收上报时限至少为 1 小时。"),
}


def _signature_row(petition: Petition) -> tuple[TextSignature, list[int]] | None:
    sigs = rules.signatures(petition.title, petition.content)
    if sigs is None:
        return None
    row = TextSignature(
        petition_id=petition.pk,
        signature=sigs.as_json(),
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
    limits = selectors.thresholds()
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
