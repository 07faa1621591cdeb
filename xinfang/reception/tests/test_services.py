import datetime as dt
import threading
from typing import Any

import pytest
from django.db import connection, connections

from xinfang.common.errors import NotFound, PermissionDenied, ValidationFailed
from xinfang.notifications.models import Notification
from xinfang.reception import services
from xinfang.reception.models import Appointment, ReceptionDay, ReceptionSlot
from xinfang.reception.services import bookings
from xinfang.reception.tests.factories import another_leader, person, reception_day

pytestmark = pytest.mark.django_db
A = Appointment.Status


def _book(street: Any, day: ReceptionDay, n: int = 1, **who: Any) -> Appointment:
    slot = day.slots.first()
    assert slot is not None
    return services.appointment_book(
        actor=street.registrar, slot_id=slot.pk, person=person(n, **who)
    )


def _sms(purpose: str) -> list[str]:
    return sorted(Notification.objects.filter(purpose=purpose).values_list("to", flat=True))


def test_a_slot_takes_no_more_bookings_than_its_capacity(street: Any) -> None:
    day = reception_day(street, capacity=2)
    _book(street, day, 1)
    _book(street, day, 2)
    with pytest.raises(ValidationFailed, match="已约满"):
        _book(street, day, 3)
    assert ReceptionSlot.objects.get(day=day).booked == 2
    assert day.appointments.count() == 2


def test_the_place_is_taken_in_the_database_not_from_what_was_read(street: Any) -> None:
    # A booking that read the slot before another took its last place must still be refused.
    day = reception_day(street, capacity=1)
    stale = ReceptionSlot.objects.get(day=day)
    _book(street, day, 1)
    assert stale.booked == 0
    with pytest.raises(ValidationFailed, match="已约满"):
        bookings._take_place(stale)


@pytest.mark.django_db(transaction=True)
def test_two_bookings_of_the_last_place_at_once_take_it_once(street: Any) -> None:
    if connection.vendor == "sqlite":
        pytest.skip("SQLite takes one writer at a time: the race needs PostgreSQL")
    day = reception_day(street, capacity=1)
    slot = ReceptionSlot.objects.get(day=day)
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def book(n: int) -> None:
        try:
            start.wait()
            services.appointment_book(actor=street.registrar, slot_id=slot.pk, person=person(n))
            outcomes.append("booked")
        except ValidationFailed as exc:
            outcomes.append(exc.message)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=book, args=(n,)) for n in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["booked", "该时段已约满，请选择其他时段。"]
    slot.refresh_from_db()
    assert slot.booked == 1 and day.appointments.count() == 1


def test_the_same_person_is_refused_a_second_booking_of_a_day_by_id_number(street: Any) -> None:
    day = reception_day(street, capacity=5, slots=2)
    first, second = day.slots.order_by("start")
    services.appointment_book(
        actor=street.registrar, slot_id=first.pk, person=person(1, id_number="11010519491231002X")
    )
    with pytest.raises(ValidationFailed, match="每个接访日只能预约一次"):
        services.appointment_book(
            actor=street.registrar,
            slot_id=second.pk,
            person=person(2, id_number="11010519491231002X"),
        )
    second.refresh_from_db()
    assert second.booked == 0


def test_without_an_id_number_the_same_phone_is_the_same_person(street: Any) -> None:
    day = reception_day(street, capacity=5)
    _book(street, day, 1)
    with pytest.raises(ValidationFailed, match="每个接访日只能预约一次"):
        _book(street, day, 1, name="另一个名字")


def test_the_same_person_may_book_another_day(street: Any) -> None:
    _book(street, reception_day(street, days_ahead=1), 1)
    _book(street, reception_day(street, days_ahead=2), 1)
    assert Appointment.objects.filter(phone=person(1).phone).count() == 2


ID = "11010519491231002X"


def test_two_days_of_one_date_take_one_booking_of_a_person(street: Any) -> None:
    # Two leaders receive on the same date: the same ID number is still one booking.
    mine = reception_day(street, capacity=5)
    other = reception_day(street, capacity=5, leader=another_leader(street))
    assert mine.date == other.date
    _book(street, mine, 1, id_number=ID)
    with pytest.raises(ValidationFailed, match="每个接访日只能预约一次"):
        _book(street, other, 2, id_number=ID)
    with pytest.raises(ValidationFailed, match="每个接访日只能预约一次"):
        services.appointment_book_public(
            slot_id=other.slots.get().pk, person=person(3, id_number=ID)
        )
    assert other.appointments.count() == 0 and other.slots.get().booked == 0


SON = "110101198001011234"


def test_a_family_with_one_phone_books_one_date_an_id_number_each(street: Any) -> None:
    # The phone names the person only for a booking without an ID number: a mother and
    # her son share a phone, on one day or with two leaders of one date.
    day = reception_day(street, capacity=5)
    other = reception_day(street, capacity=5, leader=another_leader(street))
    _book(street, day, 1, id_number=ID, name="母亲")
    _book(street, day, 1, id_number=SON, name="儿子")
    with pytest.raises(ValidationFailed, match="每个接访日只能预约一次"):
        _book(street, other, 2, id_number=ID)  # the same ID number, another phone
    _book(street, other, 1, name="同一部手机")  # the same phone, no ID number: not the same
    with pytest.raises(ValidationFailed, match="每个接访日只能预约一次"):
        _book(street, day, 1, name="又一次")  # a second booking of that phone without one
    assert day.appointments.count() == 2 and other.appointments.count() == 1


def test_the_database_holds_one_booking_a_date_by_id_number_and_by_phone(street: Any) -> None:
    from django.db import IntegrityError, transaction

    day = reception_day(street, capacity=5)
    other = reception_day(street, capacity=5, leader=another_leader(street))
    booked = _book(street, day, 1, id_number=ID)
    by_phone = _book(street, day, 2)
    for who in ({"id_number": ID, "phone": "13911119999"}, {"phone": by_phone.phone}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Appointment.objects.create(
                day=other, date=other.date, name="x", source="registrar",
                created_at=booked.created_at, **who,
            )  # fmt: skip
    # With ID numbers of their own, people may share a phone (the constraint agrees).
    for who in ({"id_number": SON, "phone": booked.phone}, {"phone": booked.phone}):
        Appointment.objects.create(
            day=other, date=other.date, name="y", source="registrar",
            created_at=booked.created_at, **who,
        )  # fmt: skip


def test_a_day_is_not_moved_onto_a_date_its_people_are_booked_on(street: Any) -> None:
    day = reception_day(street, days_ahead=1, capacity=5)
    there = reception_day(street, days_ahead=3, capacity=5, leader=another_leader(street))
    _book(street, day, 1, id_number=ID)
    _book(street, day, 2)
    _book(street, day, 3)
    _book(street, there, 1)  # the same phone as the first, no ID number
    _book(street, there, 9, id_number=ID)  # the same ID number, another phone
    _book(street, there, 3)
    services.appointment_cancel_public(
        appointment_id=there.appointments.get(phone=person(3).phone).pk, phone=person(3).phone
    )
    slots = [services.SlotData(start=dt.time(14), end=dt.time(15), capacity=5)]
    with pytest.raises(ValidationFailed, match="有1人在") as refused:
        services.reception_day_move(
            actor=street.registrar, day_id=day.pk, date=there.date, slots=slots
        )
    assert refused.value.field == "date"
    day.refresh_from_db()
    assert day.date == there.date - dt.timedelta(days=2)
    assert day.slots.get().start == dt.time(9)  # nothing half-saved
    assert set(day.appointments.values_list("date", flat=True)) == {day.date}
    assert _sms("reception_move") == []
    # Moving to a free date carries the bookings' date with it.
    free = day.date + dt.timedelta(days=4)
    services.reception_day_move(actor=street.registrar, day_id=day.pk, date=free, slots=slots)
    assert set(day.appointments.values_list("date", flat=True)) == {free}


def test_a_moved_day_is_reminded_the_day_before_its_new_date(street: Any) -> None:
    day = reception_day(street, days_ahead=1, capacity=5)
    _book(street, day, 1)
    assert services.appointments_remind() == 1
    later = day.date + dt.timedelta(days=2)
    slots = [services.SlotData(start=dt.time(9), end=dt.time(10), capacity=5)]
    services.reception_day_move(actor=street.registrar, day_id=day.pk, date=later, slots=slots)
    assert services.appointments_remind(today=later - dt.timedelta(days=1)) == 1
    assert _sms("reception_reminder") == [person(1).phone] * 2


@pytest.mark.django_db(transaction=True)
def test_two_bookings_of_one_person_on_two_days_of_a_date_at_once_book_once(
    street: Any,
) -> None:
    if connection.vendor == "sqlite":
        pytest.skip("SQLite takes one writer at a time: the race needs PostgreSQL")
    days = [
        reception_day(street, capacity=5),
        reception_day(street, capacity=5, leader=another_leader(street)),
    ]
    slots = [d.slots.get().pk for d in days]
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def book(slot_id: int) -> None:
        try:
            start.wait()
            services.appointment_book(
                actor=street.registrar, slot_id=slot_id, person=person(1, id_number=ID)
            )
            outcomes.append("booked")
        except ValidationFailed as exc:
            outcomes.append(exc.message)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=book, args=(pk,)) for pk in slots]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    booked, refused = sorted(outcomes)
    assert booked == "booked" and "只能预约一次" in refused
    assert Appointment.objects.exclude(status=A.CANCELLED).count() == 1
    assert sum(ReceptionSlot.objects.values_list("booked", flat=True)) == 1


@pytest.mark.django_db(transaction=True)
def test_a_day_moved_while_its_person_is_being_booked_on_that_date_is_refused(
    street: Any,
) -> None:
    if connection.vendor == "sqlite":
        pytest.skip("SQLite takes one writer at a time: the race needs PostgreSQL")
    from django.db import transaction

    day = reception_day(street, days_ahead=1, capacity=5)
    there = reception_day(street, days_ahead=3, capacity=5, leader=another_leader(street))
    _book(street, day, 1)
    inserted = threading.Event()

    def book_there() -> None:
        # Booked and not yet committed when the move counts the clashes: the move's
        # UPDATE waits on the unique index, then finds the booking.
        try:
            with transaction.atomic():
                _book(street, there, 1)
                inserted.set()
                threading.Event().wait(0.5)
        finally:
            inserted.set()
            connections.close_all()

    booking = threading.Thread(target=book_there)
    booking.start()
    inserted.wait()
    slots = [services.SlotData(start=dt.time(9), end=dt.time(10), capacity=5)]
    with pytest.raises(ValidationFailed, match="有1人在"):
        services.reception_day_move(
            actor=street.registrar, day_id=day.pk, date=there.date, slots=slots
        )
    booking.join()
    day.refresh_from_db()
    assert day.date == there.date - dt.timedelta(days=2)
    assert there.appointments.get().phone == person(1).phone
    assert set(day.appointments.values_list("date", flat=True)) == {day.date}


def test_a_cancelled_or_past_day_takes_no_booking(street: Any) -> None:
    cancelled = reception_day(street)
    services.reception_day_cancel(actor=street.registrar, day_id=cancelled.pk, reason="领导出差")
    with pytest.raises(ValidationFailed, match="已取消"):
        _book(street, cancelled)
    past = reception_day(street)
    ReceptionDay.objects.filter(pk=past.pk).update(date=dt.date(2020, 1, 1))
    with pytest.raises(ValidationFailed, match="已过"):
        _book(street, past)


def test_an_unpublished_day_is_not_booked_on_the_portal(street: Any) -> None:
    day = reception_day(street, published=False)
    slot = day.slots.get()
    with pytest.raises(NotFound):
        services.appointment_book_public(slot_id=slot.pk, person=person(1))
    _book(street, day, 1)  # the registrar may book it before it is published


def test_only_the_office_schedules_and_books(street: Any) -> None:
    day = reception_day(street)
    for user in (street.handler, street.auditor, street.community_leader):
        with pytest.raises((PermissionDenied, NotFound)):
            services.appointment_book(actor=user, slot_id=day.slots.get().pk, person=person(1))
        with pytest.raises(PermissionDenied):
            services.reception_day_publish(actor=user, day_id=day.pk)


def test_cancelling_a_day_tells_each_booked_person_once_and_frees_nobody_twice(
    street: Any,
) -> None:
    day = reception_day(street, capacity=5, slots=2)
    first, second = day.slots.order_by("start")
    services.appointment_book(actor=street.registrar, slot_id=first.pk, person=person(1))
    services.appointment_book(actor=street.registrar, slot_id=second.pk, person=person(2))
    services.appointment_book(actor=street.registrar, slot_id=second.pk, person=person(3))
    gone = services.appointment_book(actor=street.registrar, slot_id=first.pk, person=person(4))
    services.appointment_cancel_public(appointment_id=gone.pk, phone=gone.phone)
    services.reception_day_cancel(actor=street.registrar, day_id=day.pk, reason="领导临时有公务")
    assert _sms("reception_cancel") == [person(n).phone for n in (1, 2, 3)]
    assert "领导临时有公务" in Notification.objects.filter(purpose="reception_cancel").first().text
    assert set(day.appointments.values_list("status", flat=True)) == {A.CANCELLED}
    with pytest.raises(ValidationFailed):
        services.reception_day_cancel(actor=street.registrar, day_id=day.pk, reason="再取消")
    assert len(_sms("reception_cancel")) == 3


def test_moving_a_day_moves_its_slots_and_tells_the_booked(street: Any) -> None:
    day = reception_day(street, capacity=3)
    _book(street, day, 1)
    _book(street, day, 2)
    later = day.date + dt.timedelta(days=7)
    slots = [services.SlotData(start=dt.time(14), end=dt.time(15), capacity=3)]
    services.reception_day_move(actor=street.registrar, day_id=day.pk, date=later, slots=slots)
    day.refresh_from_db()
    slot = day.slots.get()
    assert (day.date, slot.start, slot.booked) == (later, dt.time(14), 2)
    assert _sms("reception_move") == [person(1).phone, person(2).phone]
    assert f"{later:%Y-%m-%d}" in Notification.objects.filter(purpose="reception_move").first().text


def test_a_move_keeps_room_for_those_booked(street: Any) -> None:
    day = reception_day(street, capacity=3)
    _book(street, day, 1)
    _book(street, day, 2)
    slots = [services.SlotData(start=dt.time(14), end=dt.time(15), capacity=1)]
    with pytest.raises(ValidationFailed, match="已有2人预约"):
        services.reception_day_move(
            actor=street.registrar, day_id=day.pk, date=day.date, slots=slots
        )


def test_moving_ones_booking_frees_the_old_place_and_takes_the_new(street: Any) -> None:
    day = reception_day(street, capacity=1, slots=2)
    first, second = day.slots.order_by("start")
    booked = services.appointment_book_public(slot_id=first.pk, person=person(1))
    moved = services.appointment_move_public(
        appointment_id=booked.pk, phone=booked.phone, slot_id=second.pk
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.booked, second.booked, moved.slot_id) == (0, 1, second.pk)
    with pytest.raises(NotFound):  # someone else's phone cannot touch it
        services.appointment_cancel_public(appointment_id=moved.pk, phone=person(2).phone)


def test_the_reminder_goes_once_to_each_booking_of_tomorrow(street: Any) -> None:
    tomorrow = reception_day(street, days_ahead=1, capacity=5)
    later = reception_day(street, days_ahead=2, capacity=5)
    _book(street, tomorrow, 1)
    _book(street, tomorrow, 2)
    _book(street, later, 3)
    cancelled = _book(street, tomorrow, 4)
    services.appointment_cancel_public(appointment_id=cancelled.pk, phone=cancelled.phone)
    assert services.appointments_remind() == 2
    assert services.appointments_remind() == 0
    assert _sms("reception_reminder") == [person(1).phone, person(2).phone]


def test_check_in_and_walk_ins_are_on_the_day_only(street: Any) -> None:
    day = reception_day(street, days_ahead=0, capacity=1)
    booked = _book(street, day, 1)
    services.appointment_mark(
        actor=street.registrar, day_id=day.pk, appointment_id=booked.pk, status=A.CHECKED_IN
    )
    walk_in = services.appointment_walk_in(actor=street.registrar, day_id=day.pk, person=person(2))
    assert walk_in.status == A.CHECKED_IN and walk_in.slot_id is None
    assert day.slots.get().booked == 1  # a walk-in takes no booked place
    tomorrow = reception_day(street, days_ahead=1)
    later = _book(street, tomorrow, 3)
    with pytest.raises(ValidationFailed, match="当天"):
        services.appointment_mark(
            actor=street.registrar, day_id=tomorrow.pk, appointment_id=later.pk, status=A.CHECKED_IN
        )


def test_a_booking_links_the_person_on_file_by_id_number(street: Any) -> None:
    from xinfang.petitions.inputs import PetitionerData
    from xinfang.petitions.tests.factories import register

    known = register(
        street.registrar,
        petitioners=[
            PetitionerData(name="王五", id_number="11010519491231002X", phone="13911112222")
        ],
    )
    day = reception_day(street)
    booked = _book(street, day, 1, id_number="11010519491231002X", name="王五")
    assert booked.petitioner_id == known.petitioner_id


def test_the_afternoon_task_reminds_tomorrows_bookings(street: Any) -> None:
    from huey.contrib.djhuey import HUEY

    from xinfang.reception import tasks

    _book(street, reception_day(street, days_ahead=1), 1)
    assert any(t.__name__ == "remind_appointments" for t in HUEY._registry._periodic_tasks)
    tasks.remind_appointments.call_local()
    tasks.remind_appointments.call_local()
    assert _sms("reception_reminder") == [person(1).phone]
