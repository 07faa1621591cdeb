"""On the day and the day before: check-in, walk-ins, the leader's record, reminders.

The day-before reminder is claimed row by row, so each booking is reminded once a date
(a move to another date clears it). The leader's record registers the case it raises,
or joins one, and the leader takes charge of it.
"""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from xinfang.common import clock
from xinfang.common.audit import audit_record
from xinfang.common.errors import NotFound, PermissionDenied, ValidationFailed
from xinfang.notifications.models import Channel as NotifyChannel
from xinfang.notifications.services import notification_send
from xinfang.petitions import access
from xinfang.petitions.inputs import PetitionerData, RegistrationData
from xinfang.petitions.models import Channel, Petition
from xinfang.petitions.services import petition_register_at_reception, petition_take_charge
from xinfang.reception import selectors
from xinfang.reception.models import Appointment, ReceptionDay, ReceptionRecord
from xinfang.reception.services.bookings import PersonData, appointment_row
from xinfang.reception.services.shared import SMS_SIGN, check_manager, day_for_update

A = Appointment.Status
Status = ReceptionDay.Status


def _today_day(actor: Any, day_id: int) -> ReceptionDay:
    day = day_for_update(actor, day_id)
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
    check_manager(actor)
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
    check_manager(actor)
    day = _today_day(actor, day_id)
    appointment = appointment_row(
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
    day = day_for_update(actor, day_id)
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
