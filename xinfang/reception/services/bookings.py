"""Bookings: a place taken, moved or given back, by the registrar or on the portal.

A place is taken by one conditional UPDATE of the slot's count below its capacity, so two
bookings of the last place cannot both pass on any database. One person (the same ID
number, or without one the same phone) holds one live booking a date, whichever day it is
on: a second is refused first by a read, and on a race by the partial unique constraints
(models).
"""

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext as _

from xinfang.common import clock
from xinfang.common.audit import audit_record
from xinfang.common.errors import NotFound, ValidationFailed
from xinfang.notifications.models import Channel as NotifyChannel
from xinfang.notifications.services import notification_send
from xinfang.petitions import access
from xinfang.petitions.models import Petitioner
from xinfang.reception import selectors
from xinfang.reception.models import Appointment, ReceptionDay, ReceptionSlot
from xinfang.reception.services.shared import SMS_SIGN, check_manager

A = Appointment.Status


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


def live_on(date: dt.date) -> QuerySet[Appointment]:
    return Appointment.objects.filter(date=date).exclude(status=A.CANCELLED)


def same_person_q(id_number: Any, phone: Any) -> Q:
    """Match a booking of the same person: the same ID number, or without one the same phone.

    The rule of the models' two constraints: people with ID numbers of their own may share
    a phone (a mother and her son). `id_number` and `phone` are values or expressions
    (OuterRef); blanks never match.
    """
    return Q(id_number=id_number) & (~Q(id_number="") | (Q(phone=phone) & ~Q(phone="")))


class BookedUnderAnotherPhone(ValidationFailed):
    """The ID number typed holds a live booking of the date under another phone.

    On the portal anyone may type anyone's ID number, and no public page may tell
    whether one is booked: the message says no more than that this ID number cannot
    book the day, and portal.booking spends the code the try came with (one try a code,
    and codes are rate-limited per phone and per address) and has the booking's holder
    told by SMS (appointment_refusal_notify).
    """

    def __init__(self, day: ReceptionDay, bookings: list[int]) -> None:
        super().__init__(
            _(
                "未能受理该预约，本次验证码已使用。请核对身份证号；同一人每个接访日只能预约一次，"
                "如已用其他手机号预约，请用该手机号在“我的预约”中查看或更改。"
            ),
            field="id_number",
        )
        self.day, self.bookings = day, bookings


def _held(day: ReceptionDay, person: PersonData) -> list[tuple[int, str]]:
    """Return the live bookings of the date `person` holds already, as (pk, phone)."""
    return list(
        live_on(day.date)
        .filter(same_person_q(person.id_number, person.phone))
        .values_list("pk", "phone")
    )


def _same_person_refusal(
    day: ReceptionDay, person: PersonData, public: bool, held: list[tuple[int, str]]
) -> ValidationFailed:
    """Refuse a second booking of the date (`held`: the bookings it would repeat): plainly
    to staff, and to the holder of the phone it is booked under (proved by its code); to
    anyone else, in words that do not say it is booked (BookedUnderAnotherPhone)."""
    if public and held and all(phone != person.phone for _pk, phone in held):
        return BookedUnderAnotherPhone(day, [pk for pk, _phone in held])
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


def appointment_row(
    day: ReceptionDay,
    slot: ReceptionSlot | None,
    person: PersonData,
    *,
    public: bool = False,
    **fields: Any,
) -> Appointment:
    """Write `person`'s booking of `day` (its place taken by the caller); refuse a second
    (`public`: on the portal, in its words, _same_person_refusal)."""
    if not person.name.strip() or not person.key:
        raise ValidationFailed(_("请填写姓名和手机号。"), field="name")
    if held := _held(day, person):
        raise _same_person_refusal(day, person, public, held)
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
        raise _same_person_refusal(day, person, public, _held(day, person)) from None


def _book(
    slot_id: int, person: PersonData, *, public: bool, actor: Any, source: str
) -> Appointment:
    slot = _open_slot(slot_id, public=public)
    appointment = appointment_row(
        slot.day, slot, person, public=public, source=source, created_by=actor
    )
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
    check_manager(actor)
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


@transaction.atomic
def appointment_refusal_notify(*, refusal: BookedUnderAnotherPhone, ip: str | None = None) -> None:
    """Tell the holders of the bookings a portal try ran into that someone tried to book
    the day with their ID number, and audit that the try learnt it could not book."""
    day = refusal.day
    held = Appointment.objects.filter(pk__in=refusal.bookings).exclude(phone="")
    for appointment in held:
        notification_send(
            channel=NotifyChannel.SMS,
            to=appointment.phone,
            text=SMS_SIGN
            + _(
                "有人在网上信访平台以您的身份证号申请预约%(date)s的领导接访，因您当日已有预约，"
                "未予受理。如非您本人操作，请联系信访部门。"
            )
            % {"date": f"{day.date:%Y-%m-%d}"},
            purpose="reception_refused",
        )
        audit_record(
            actor=None,
            kind="view_personal",
            obj=appointment,
            fields=["id_number"],
            summary="portal booking refused: ID number booked under another phone",
            ip=ip,
        )
