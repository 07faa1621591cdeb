"""The schedule: reception days and their slots created, published, moved and cancelled.

A day is not moved onto a date where someone booked on it holds another booking.
Everyone booked on a day that is moved or cancelled gets one SMS.
"""

import datetime as dt
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from xinfang.common import clock
from xinfang.common.audit import audit_record
from xinfang.common.errors import ValidationFailed
from xinfang.notifications.models import Channel as NotifyChannel
from xinfang.notifications.services import notification_send
from xinfang.reception import selectors
from xinfang.reception.models import Appointment, ReceptionDay, ReceptionSlot
from xinfang.reception.services.bookings import live_on, same_person_q
from xinfang.reception.services.shared import SMS_SIGN, check_manager, day_for_update

A = Appointment.Status
Status = ReceptionDay.Status


@dataclass(frozen=True)
class SlotData:
    start: dt.time
    end: dt.time
    capacity: int


@dataclass(frozen=True)
class DayData:
    leader_id: int
    date: dt.date
    place: str
    focus: str
    slots: list[SlotData]


def _check_slots(slots: list[SlotData]) -> None:
    if not slots:
        raise ValidationFailed(_("请至少安排一个接访时段。"), field="slots")
    for s in slots:
        if s.end <= s.start:
            raise ValidationFailed(_("时段的结束时间应晚于开始时间。"), field="slots")
        if s.capacity < 1:
            raise ValidationFailed(_("每个时段至少可预约1人。"), field="slots")
    ordered = sorted(slots, key=lambda s: s.start)
    if any(a.end > b.start for a, b in pairwise(ordered)):
        raise ValidationFailed(_("接访时段不能重叠。"), field="slots")


def _check_date(date: dt.date) -> None:
    if date < clock.today():
        raise ValidationFailed(_("接访日期不能早于今天。"), field="date")


@transaction.atomic
def reception_day_create(*, actor: Any, data: DayData, ip: str | None = None) -> ReceptionDay:
    """Schedule a leader's reception day with its slots, unpublished."""
    check_manager(actor)
    leader = selectors.leader_choices(actor).filter(pk=data.leader_id).first()
    if leader is None:
        raise ValidationFailed(_("请选择本单位或上级单位的领导。"), field="leader")
    _check_date(data.date)
    _check_slots(data.slots)
    if not data.place.strip():
        raise ValidationFailed(_("请填写接访地点。"), field="place")
    day = ReceptionDay.objects.create(
        owner_unit_id=actor.unit_id,
        leader=leader,
        date=data.date,
        place=data.place.strip(),
        focus=data.focus.strip(),
        created_by=actor,
        created_at=clock.now(),
    )
    ReceptionSlot.objects.bulk_create(
        ReceptionSlot(day=day, start=s.start, end=s.end, capacity=s.capacity) for s in data.slots
    )
    audit_record(actor=actor, kind="create", obj=day, summary=str(day), ip=ip)
    return day


@transaction.atomic
def reception_day_publish(*, actor: Any, day_id: int, ip: str | None = None) -> ReceptionDay:
    """Publish a scheduled day on the portal, for the public to book."""
    check_manager(actor)
    day = day_for_update(actor, day_id)
    if day.is_cancelled:
        raise ValidationFailed(_("该接访日已取消，不能发布。"))
    if day.date < clock.today():
        raise ValidationFailed(_("该接访日已过，不能发布。"))
    day.is_published = True
    day.save(update_fields=["is_published"])
    audit_record(actor=actor, kind="change", obj=day, fields=["is_published"], ip=ip)
    return day


def _notify_booked(day: ReceptionDay, text: str, purpose: str) -> int:
    """Send `text` once to each phone booked on the day; return how many were sent."""
    phones = dict.fromkeys(
        day.appointments.filter(status=A.BOOKED).exclude(phone="").values_list("phone", flat=True)
    )
    for phone in phones:
        notification_send(channel=NotifyChannel.SMS, to=phone, text=text, purpose=purpose)
    return len(phones)


def _clashes(day: ReceptionDay, date: dt.date) -> int:
    """Count the people booked on `day` who hold another live booking of `date`."""
    others = live_on(date).exclude(day=day)
    return (
        day.appointments.exclude(status=A.CANCELLED)
        .filter(Exists(others.filter(same_person_q(OuterRef("id_number"), OuterRef("phone")))))
        .count()
    )


def _clash_refusal(n: int, date: dt.date) -> ValidationFailed:
    return ValidationFailed(
        _("已预约的群众中有%(n)d人在%(date)s已有其他接访预约，不能调整到该日期。")
        % {"n": n, "date": f"{date:%Y-%m-%d}"},
        field="date",
    )


def _move_bookings(day: ReceptionDay, date: dt.date) -> None:
    """Move the day's bookings to `date`, to be reminded again the day before it."""
    if n := _clashes(day, date):
        raise _clash_refusal(n, date)
    try:
        # A savepoint: a booking of the same person on that date committed since the
        # count above (a race) trips the constraints; counted again, the move is refused.
        with transaction.atomic():
            day.appointments.update(date=date)
    except IntegrityError:
        raise _clash_refusal(max(1, _clashes(day, date)), date) from None
    day.appointments.exclude(status=A.CANCELLED).update(reminded_at=None)


@transaction.atomic
def reception_day_move(
    *,
    actor: Any,
    day_id: int,
    date: dt.date,
    slots: list[SlotData],
    place: str = "",
    ip: str | None = None,
) -> ReceptionDay:
    """Move a day to another date and times, slot for slot, and tell everyone booked."""
    check_manager(actor)
    day = day_for_update(actor, day_id)
    if day.is_cancelled:
        raise ValidationFailed(_("该接访日已取消，不能调整。"))
    _check_date(date)
    _check_slots(slots)
    current = list(ReceptionSlot.objects.select_for_update().filter(day=day).order_by("start"))
    if len(current) != len(slots):
        raise ValidationFailed(
            _("调整时须保留原有的%(n)d个时段（已预约的群众随时段调整）。") % {"n": len(current)},
            field="slots",
        )
    for slot, new in zip(current, sorted(slots, key=lambda s: s.start), strict=True):
        if new.capacity < slot.booked:
            raise ValidationFailed(
                _("%(slot)s已有%(n)d人预约，可预约人数不能少于此数。")
                % {"slot": slot, "n": slot.booked},
                field="slots",
            )
        slot.start, slot.end, slot.capacity = new.start, new.end, new.capacity
    ReceptionSlot.objects.bulk_update(current, ["start", "end", "capacity"])
    before = day.date
    day.date = date
    day.place = place.strip() or day.place
    day.save(update_fields=["date", "place"])
    if date != before:
        _move_bookings(day, date)
    times = "、".join(str(s) for s in current)
    _notify_booked(
        day,
        SMS_SIGN
        + _(
            "您预约的%(before)s领导接访已调整至%(date)s（%(times)s），地点：%(place)s。原预约继续有效。"
        )
        % {
            "before": f"{before:%Y-%m-%d}",
            "date": f"{date:%Y-%m-%d}",
            "times": times,
            "place": day.place,
        },
        "reception_move",
    )
    audit_record(
        actor=actor,
        kind="change",
        obj=day,
        fields=["date", "place", "slots"],
        summary=f"{before:%Y-%m-%d} → {date:%Y-%m-%d}",
        ip=ip,
    )
    return day


@transaction.atomic
def reception_day_cancel(
    *, actor: Any, day_id: int, reason: str, ip: str | None = None
) -> ReceptionDay:
    """Cancel a day; each person booked gets one SMS, and their bookings end."""
    check_manager(actor)
    day = day_for_update(actor, day_id)
    if day.is_cancelled:
        raise ValidationFailed(_("该接访日已取消。"))
    if not reason.strip():
        raise ValidationFailed(_("请填写取消原因，将以短信告知已预约的群众。"), field="reason")
    day.status, day.cancel_reason = Status.CANCELLED, reason.strip()
    day.save(update_fields=["status", "cancel_reason"])
    _notify_booked(
        day,
        SMS_SIGN
        + _("很抱歉，您预约的%(date)s领导接访已取消（%(reason)s）。您可在网上信访平台另行预约。")
        % {"date": f"{day.date:%Y-%m-%d}", "reason": day.cancel_reason},
        "reception_cancel",
    )
    now = clock.now()
    day.appointments.filter(status=A.BOOKED).update(status=A.CANCELLED, cancelled_at=now)
    audit_record(actor=actor, kind="change", obj=day, fields=["status"], summary=reason, ip=ip)
    return day
