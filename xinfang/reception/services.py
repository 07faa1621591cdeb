"""Every write of reception days: the schedule, bookings, check-in, records, reminders.

A place is taken by one conditional UPDATE of the slot's count below its capacity, so two
bookings of the last place cannot both pass on any database. One person (the same ID
number, or without one the same phone) holds one live booking a date, whichever day it is
on: a second is refused first by a read, and on a race by the partial unique constraints
(models); a day is not moved onto a date where someone booked on it holds another booking. Everyone
booked on a day that is moved or cancelled gets one SMS; the day-before reminder is
claimed row by row, so each booking is reminded once a date (a move to another date
clears it).
"""

import datetime as dt
from dataclasses import dataclass, replace
from itertools import pairwise
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from xinfang.common import clock
from xinfang.common.audit import audit_record
from xinfang.common.errors import NotFound, PermissionDenied, ValidationFailed
from xinfang.notifications.models import Channel as NotifyChannel
from xinfang.notifications.services import notification_send
from xinfang.petitions import access
from xinfang.petitions.inputs import PetitionerData, RegistrationData
from xinfang.petitions.models import Channel, Petition, Petitioner
from xinfang.petitions.services import petition_register_at_reception, petition_take_charge
from xinfang.reception import selectors
from xinfang.reception.models import Appointment, ReceptionDay, ReceptionRecord, ReceptionSlot

A = Appointment.Status
Status = ReceptionDay.Status
SMS_SIGN = "【信访工作平台】"


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


@dataclass(frozen=True)
class PersonData:
    name: str
    phone: str
    id_number: str = ""
    petitioner_id: int | None = None
    topic: str = ""

    @property
    def key(self) -> str:
        return self.id_number or self.phone


def _manager(actor: Any) -> None:
    if not selectors.may_manage(actor):
        raise PermissionDenied(_("只有信访部门可以安排领导接访日和预约。"))


def _day_for_update(actor: Any, day_id: int) -> ReceptionDay:
    day = selectors.days_for_user(actor).select_for_update(of=("self",)).filter(pk=day_id).first()
    if day is None:
        raise NotFound(_("接访日不存在。"))
    return day


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
    _manager(actor)
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
    _manager(actor)
    day = _day_for_update(actor, day_id)
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
    others = _live_on(date).exclude(day=day)
    return (
        day.appointments.exclude(status=A.CANCELLED)
        .filter(Exists(others.filter(_same_person_q(OuterRef("id_number"), OuterRef("phone")))))
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
    _manager(actor)
    day = _day_for_update(actor, day_id)
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
    _manager(actor)
    day = _day_for_update(actor, day_id)
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


# ---------------------------------------------------------------- bookings


def _take_place(slot: ReceptionSlot) -> None:
    # The count rises only while below capacity, in the database: two bookings of the
    # last place cannot both see it free (no read-then-write between them).
    taken = ReceptionSlot.objects.filter(pk=slot.pk, booked__lt=F("capacity")).update(
        booked=F("booked") + 1
    )
    if not taken:
        raise ValidationFailed(_("该时段已约满，请选择其他时段。"), field="slot")


def _give_place(slot_id: int | None) -> None:
    if slot_id is not None:
        ReceptionSlot.objects.filter(pk=slot_id, booked__gt=0).update(booked=F("booked") - 1)


def _live_on(date: dt.date) -> QuerySet[Appointment]:
    return Appointment.objects.filter(date=date).exclude(status=A.CANCELLED)


def _same_person_q(id_number: Any, phone: Any) -> Q:
    """Match a booking of the same person: the same ID number, or without one the same phone.

    The rule of the models' two constraints: people with ID numbers of their own may share
    a phone (a mother and her son). `id_number` and `phone` are values or expressions
    (OuterRef); blanks never match.
    """
    return Q(id_number=id_number) & (~Q(id_number="") | (Q(phone=phone) & ~Q(phone="")))


def _same_person_refusal(day: ReceptionDay) -> ValidationFailed:
    return ValidationFailed(
        _("您在%(date)s已有一个接访预约，同一人每个接访日只能预约一次。")
        % {"date": f"{day.date:%Y-%m-%d}"},
        field="id_number",
    )


def _open_slot(slot_id: int, *, public: bool) -> ReceptionSlot:
    # The day's row is locked: a booking waits for a cancellation or a move in progress
    # (and sees its outcome), so nobody is booked on a day whose notices have gone out.
    slot = (
        ReceptionSlot.objects.select_related("day", "day__leader")
        .select_for_update(of=("day",))
        .filter(pk=slot_id)
        .first()
    )
    if slot is None or (public and not slot.day.is_published):
        raise NotFound(_("该接访时段不存在或已不能预约。"))
    if slot.day.is_cancelled:
        raise ValidationFailed(_("该接访日已取消，不能预约。"), field="slot")
    if slot.day.date < clock.today():
        raise ValidationFailed(_("该接访日已过，不能预约。"), field="slot")
    return slot


def _create(
    day: ReceptionDay, slot: ReceptionSlot | None, person: PersonData, **fields: Any
) -> Appointment:
    if not person.name.strip() or not person.key:
        raise ValidationFailed(_("请填写姓名和手机号。"), field="name")
    if _live_on(day.date).filter(_same_person_q(person.id_number, person.phone)).exists():
        raise _same_person_refusal(day)
    try:
        # A savepoint: the constraint's refusal (a race the read above lost) leaves the
        # rest of the transaction usable, to be rolled back with its message.
        with transaction.atomic():
            return Appointment.objects.create(
                day=day,
                slot=slot,
                name=person.name.strip(),
                phone=person.phone,
                id_number=person.id_number,
                petitioner_id=person.petitioner_id,
                date=day.date,
                topic=person.topic.strip(),
                created_at=clock.now(),
                **fields,
            )
    except IntegrityError:
        raise _same_person_refusal(day) from None


def _book(
    slot_id: int, person: PersonData, *, public: bool, actor: Any, source: str
) -> Appointment:
    slot = _open_slot(slot_id, public=public)
    appointment = _create(slot.day, slot, person, source=source, created_by=actor)
    _take_place(slot)
    return appointment


def _booked_sms(appointment: Appointment) -> None:
    slot, day = appointment.slot, appointment.day
    notification_send(
        channel=NotifyChannel.SMS,
        to=appointment.phone,
        text=SMS_SIGN
        + _("您已预约%(date)s %(slot)s的领导接访，地点：%(place)s。请携带身份证按时到场。")
        % {"date": f"{day.date:%Y-%m-%d}", "slot": slot, "place": day.place},
        purpose="reception_booked",
    )


@transaction.atomic
def appointment_book(
    *, actor: Any, slot_id: int, person: PersonData, ip: str | None = None
) -> Appointment:
    """Book a place for a person on the registrar's behalf (the phone, or a record on file)."""
    _manager(actor)
    slot = _open_slot(slot_id, public=False)
    if not selectors.days_for_user(actor).filter(pk=slot.day_id).exists():
        raise NotFound(_("该接访时段不存在或已不能预约。"))
    if person.id_number and person.petitioner_id is None:
        # A person on file, by the ID number typed: linked only if the registrar may
        # know of them (the registry lookup's own rule).
        known = (
            Petitioner.objects.filter(access.registry_q(actor), id_number=person.id_number)
            .values_list("pk", flat=True)
            .first()
        )
        person = replace(person, petitioner_id=known)
    appointment = _book(
        slot_id, person, public=False, actor=actor, source=Appointment.Source.REGISTRAR
    )
    _booked_sms(appointment)
    audit_record(actor=actor, kind="create", obj=appointment, summary=str(slot.day), ip=ip)
    return appointment


@transaction.atomic
def appointment_book_public(
    *, slot_id: int, person: PersonData, ip: str | None = None
) -> Appointment:
    """Book a place on a published day for the holder of `person.phone` (verified by the caller)."""
    appointment = _book(slot_id, person, public=True, actor=None, source=Appointment.Source.ONLINE)
    _booked_sms(appointment)
    audit_record(actor=None, kind="create", obj=appointment, summary="portal booking", ip=ip)
    return appointment


def _own_booking(appointment_id: int, phone: str, *, slot_id: int | None = None) -> Appointment:
    # The days before the booking, in the order of their keys (the booking's own, and the
    # day of the slot it moves to, which _open_slot locks again): reception_day_move locks
    # its day, then updates its bookings, so each waits for the other in the same order.
    days = Q(pk__in=Appointment.objects.filter(pk=appointment_id, phone=phone).values("day_id"))
    if slot_id is not None:
        days |= Q(pk__in=ReceptionSlot.objects.filter(pk=slot_id).values("day_id"))
    list(
        ReceptionDay.objects.select_for_update(of=("self",))
        .filter(days)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    found = (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("day", "slot")
        .filter(pk=appointment_id, phone=phone, status=A.BOOKED, day__date__gte=clock.today())
        .first()
    )
    if found is None:
        raise NotFound(_("预约不存在或已不能更改。"))
    return found


@transaction.atomic
def appointment_cancel_public(*, appointment_id: int, phone: str, ip: str | None = None) -> None:
    """Cancel the holder of `phone`'s own booking and free its place."""
    appointment = _own_booking(appointment_id, phone)
    appointment.status, appointment.cancelled_at = A.CANCELLED, clock.now()
    appointment.save(update_fields=["status", "cancelled_at"])
    _give_place(appointment.slot_id)
    audit_record(actor=None, kind="change", obj=appointment, fields=["status"], ip=ip)


@transaction.atomic
def appointment_move_public(
    *, appointment_id: int, phone: str, slot_id: int, ip: str | None = None
) -> Appointment:
    """Move the holder of `phone`'s booking to another slot: the old place is freed, a new one taken."""
    old = _own_booking(appointment_id, phone, slot_id=slot_id)
    if old.slot_id == slot_id:
        raise ValidationFailed(_("您已预约该时段。"), field="slot")
    old.status, old.cancelled_at = A.CANCELLED, clock.now()
    old.save(update_fields=["status", "cancelled_at"])
    _give_place(old.slot_id)
    person = PersonData(
        name=old.name, phone=old.phone, id_number=old.id_number,
        petitioner_id=old.petitioner_id, topic=old.topic,
    )  # fmt: skip
    new = _book(slot_id, person, public=True, actor=None, source=Appointment.Source.ONLINE)
    _booked_sms(new)
    audit_record(actor=None, kind="change", obj=new, summary=f"moved from {old.pk}", ip=ip)
    return new


# ---------------------------------------------------------------- on the day


def _today_day(actor: Any, day_id: int) -> ReceptionDay:
    day = _day_for_update(actor, day_id)
    if day.is_cancelled:
        raise ValidationFailed(_("该接访日已取消。"))
    if day.date > clock.today():
        raise ValidationFailed(_("接访日当天才能签到。"))
    return day


@transaction.atomic
def appointment_mark(
    *, actor: Any, day_id: int, appointment_id: int, status: str, ip: str | None = None
) -> Appointment:
    """Check a booked person in, or mark them as not come (and back, on a mistake)."""
    _manager(actor)
    if status not in (A.CHECKED_IN, A.NO_SHOW):
        raise ValidationFailed(_("请选择签到或未到。"))
    day = _today_day(actor, day_id)
    appointment = (
        day.appointments.select_for_update(of=("self",))
        .filter(pk=appointment_id)
        .exclude(status=A.CANCELLED)
        .first()
    )
    if appointment is None:
        raise NotFound(_("预约不存在。"))
    appointment.status = status
    appointment.save(update_fields=["status"])
    audit_record(actor=actor, kind="change", obj=appointment, fields=["status"], ip=ip)
    return appointment


@transaction.atomic
def appointment_walk_in(
    *, actor: Any, day_id: int, person: PersonData, ip: str | None = None
) -> Appointment:
    """Add a person who came without booking, checked in, outside the slots' places."""
    _manager(actor)
    day = _today_day(actor, day_id)
    appointment = _create(
        day, None, person, source=Appointment.Source.WALK_IN, status=A.CHECKED_IN, created_by=actor
    )
    audit_record(actor=actor, kind="create", obj=appointment, summary="walk-in", ip=ip)
    return appointment


# ---------------------------------------------------------------- reminders


def appointments_remind(*, today: dt.date | None = None) -> int:
    """Remind by SMS each live booking of tomorrow's days not yet reminded; return how many."""
    tomorrow = (today or clock.today()) + dt.timedelta(days=1)
    due = Appointment.objects.filter(
        day__date=tomorrow, day__status=Status.SCHEDULED, status=A.BOOKED, reminded_at=None
    ).exclude(phone="")
    sent = 0
    for pk in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            # Claimed by a conditional UPDATE of what made it due: a second run (or a
            # second consumer) finds the booking already reminded, and a booking cancelled
            # or a day moved or cancelled since the list is not claimed; nothing is sent.
            if not due.filter(pk=pk).update(reminded_at=clock.now()):
                continue
            a = Appointment.objects.select_related("day", "slot").get(pk=pk)
            notification_send(
                channel=NotifyChannel.SMS,
                to=a.phone,
                text=SMS_SIGN
                + _(
                    "提醒：您预约了明天（%(date)s）%(slot)s的领导接访，地点：%(place)s。请携带身份证按时到场；如不能前来，请在网上信访平台取消预约。"
                )
                % {"date": f"{a.day.date:%Y-%m-%d}", "slot": a.slot, "place": a.day.place},
                purpose="reception_reminder",
            )
            sent += 1
    return sent


# ---------------------------------------------------------------- the leader's record


def _record_petition(
    actor: Any, day: ReceptionDay, appointment: Appointment, *, title: str, request: str,
    decision: str, join_petition_id: int | None, ip: str | None,
) -> tuple[Petition, bool]:  # fmt: skip
    if join_petition_id is not None:
        joined = Petition.objects.filter(access.visible_q(actor), pk=join_petition_id).first()
        if joined is None:
            raise ValidationFailed(_("信访事项不存在或您无权查看。"), field="number")
        return joined, False
    if not title.strip():
        raise ValidationFailed(_("登记为新事项时请填写事项标题。"), field="title")
    data = RegistrationData(
        channel=Channel.RECEPTION,
        title=title,
        content=_("%(request)s\n\n接访领导意见：%(decision)s")
        % {"request": request, "decision": decision},
        petitioners=[
            PetitionerData(
                name=appointment.name,
                id_number=appointment.id_number,
                phone=appointment.phone,
                # The record on file stands: the leader's record is no place to settle
                # which name or phone is right (the registrar does that at intake).
                on_record="keep",
            )
        ],
        # Registered as new because the leader chose so, instead of joining a case.
        not_repeat=True,
    )
    # Registered at the office that published the day, whoever writes the record: the
    # day's leader may hold no registering role (access.may_record_reception).
    registered = petition_register_at_reception(
        actor=actor, leader_id=day.leader_id, unit=day.owner_unit, data=data, ip=ip
    )
    return registered, True


@transaction.atomic
def reception_record_create(
    *,
    actor: Any,
    day_id: int,
    appointment_id: int,
    request: str,
    decision: str,
    title: str = "",
    join_petition_id: int | None = None,
    ip: str | None = None,
) -> ReceptionRecord:
    """Record what a person asked and the leader decided; register the case or join one, leader-owned."""
    day = selectors.days_for_user(actor).select_for_update(of=("self",)).filter(pk=day_id).first()
    if day is None:
        raise NotFound(_("接访日不存在。"))
    if not selectors.may_record(actor, day):
        raise PermissionDenied(_("只有接访领导和信访部门可以填写接访记录。"))
    if day.is_cancelled or day.date > clock.today():
        raise ValidationFailed(_("接访当天及以后才能填写接访记录。"))
    appointment = day.appointments.filter(pk=appointment_id, status=A.CHECKED_IN).first()
    if appointment is None:
        raise ValidationFailed(_("请选择已签到的来访人。"), field="appointment")
    if not request.strip() or not decision.strip():
        raise ValidationFailed(_("请填写反映的问题和领导意见。"), field="request")
    petition, created = _record_petition(
        actor, day, appointment, title=title, request=request.strip(),
        decision=decision.strip(), join_petition_id=join_petition_id, ip=ip,
    )  # fmt: skip
    record = ReceptionRecord.objects.create(
        day=day,
        appointment=appointment,
        visitor=appointment.name,
        request=request.strip(),
        decision=decision.strip(),
        petition=petition,
        created_case=created,
        created_by=actor,
        created_at=clock.now(),
    )
    if petition.responsible_leader_id != day.leader_id:
        # A case the leader already holds stays theirs: the record only joins it.
        petition_take_charge(petition=petition, leader=day.leader, by=actor)
    audit_record(actor=actor, kind="create", obj=record, summary=petition.number, ip=ip)
    return record
