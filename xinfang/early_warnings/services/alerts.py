"""Writes of alerts: raising one, acknowledging, acting, closing, escalating.

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

from xinfang.accounts.models import User
from xinfang.common import clock
from xinfang.common.audit import audit_record
from xinfang.common.errors import NotFound, PermissionDenied, ValidationFailed
from xinfang.early_warnings import selectors
from xinfang.early_warnings.models import Alert, AlertEvent, Dispute, KeyPerson
from xinfang.notifications.models import Channel
from xinfang.notifications.services import notification_send
from xinfang.organization.models import Unit
from xinfang.petitions.workflow import APPROVER_ROLES


def alert_event_record(
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


def alert_leaders_notify(alert: Alert, unit_id: int, what: str) -> int:
    """E-mail the leaders of unit `unit_id` about `alert`; return how many were told.

    Its leaders are those who approve its cases (and the leading group at the street),
    and whoever leads it.
    """
    leaders = User.objects.filter(
        Q(unit_id=unit_id, role__in=APPROVER_ROLES) | Q(led_units=unit_id), is_active=True
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
    subject: str = "",
    key_person: KeyPerson | None = None,
    dispute: Dispute | None = None,
    now: dt.datetime | None = None,
) -> Alert:
    """Raise a new alert with its evidence, record it and tell the owner unit's leaders."""
    now = now or clock.now()
    alert = Alert.objects.create(
        kind=kind,
        severity=severity,
        owner_unit_id=owner_unit_id,
        summary=summary[:300],
        subject=subject,
        key_person=key_person,
        dispute=dispute,
        raised_at=now,
        updated_at=now,
    )
    alert.petitions.add(*petition_ids)
    alert.people.add(*people_ids)
    alert_event_record(alert, AlertEvent.Action.RAISE, at=now)
    alert_leaders_notify(alert, owner_unit_id, _("新预警"))
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
    alert_event_record(alert, AlertEvent.Action.ACKNOWLEDGE, at=now, actor=actor, note=note, ip=ip)
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
    alert_event_record(alert, AlertEvent.Action.ACT, at=now, actor=actor, note=note, ip=ip)
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
    alert_event_record(alert, AlertEvent.Action.CLOSE, at=now, actor=actor, note=note, ip=ip)
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
        alert_event_record(alert, AlertEvent.Action.ESCALATE, at=now, note=note, unit=above)
        alert_leaders_notify(alert, above.pk, _("逾期未签收的预警已上报"))
        escalated.append(alert)
    return escalated
