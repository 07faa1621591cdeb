"""The reminder's claim re-checks what made a booking due; a booking's day is locked first."""

import datetime as dt
import threading
import time
from typing import Any

import pytest
from django.db import OperationalError, connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from xinfang.notifications.models import Notification
from xinfang.reception import services
from xinfang.reception.models import Appointment, ReceptionDay
from xinfang.reception.services import on_the_day
from xinfang.reception.tests.factories import another_leader, person, reception_day

pytestmark = pytest.mark.django_db
A = Appointment.Status


def _cancel_booking(booking: Appointment) -> None:
    Appointment.objects.filter(pk=booking.pk).update(status=A.CANCELLED)


def _move_day(booking: Appointment) -> None:
    later = booking.date + dt.timedelta(days=2)
    ReceptionDay.objects.filter(pk=booking.day_id).update(date=later)
    Appointment.objects.filter(day=booking.day_id).update(date=later, reminded_at=None)


def _cancel_day(booking: Appointment) -> None:
    ReceptionDay.objects.filter(pk=booking.day_id).update(status=ReceptionDay.Status.CANCELLED)


@pytest.mark.parametrize("change", [_cancel_booking, _move_day, _cancel_day])
def test_a_booking_changed_between_the_list_and_its_claim_is_not_reminded(
    street: Any, monkeypatch: Any, change: Any
) -> None:
    # Two bookings of tomorrow listed; while the first is reminded, the second changes.
    days = [reception_day(street), reception_day(street, leader=another_leader(street))]
    booked = [
        services.appointment_book(
            actor=street.registrar, slot_id=d.slots.get().pk, person=person(n)
        )
        for n, d in enumerate(days, 1)
    ]
    send = on_the_day.notification_send

    def send_and_change(**kwargs: Any) -> Any:
        if kwargs["purpose"] == "reception_reminder":
            for b in booked:
                if (
                    b.phone != kwargs["to"]
                    and not Notification.objects.filter(purpose="reception_reminder").exists()
                ):
                    change(b)
        return send(**kwargs)

    monkeypatch.setattr(on_the_day, "notification_send", send_and_change)
    assert services.appointments_remind() == 1
    reminded = Notification.objects.filter(purpose="reception_reminder")
    assert reminded.count() == 1
    missed = Appointment.objects.exclude(phone=reminded.get().to).get()
    assert missed.reminded_at is None


def _move_within_the_day(street: Any) -> tuple[ReceptionDay, Appointment, int]:
    day = reception_day(street, capacity=2, slots=2)
    first, second = day.slots.order_by("start")
    booked = services.appointment_book_public(slot_id=first.pk, person=person(1))
    return day, booked, second.pk


def test_moving_ones_booking_locks_the_day_before_the_booking(street: Any) -> None:
    if not connection.features.has_select_for_update:
        pytest.skip("SQLite locks the whole database: the order of row locks needs PostgreSQL")
    _, booked, slot_id = _move_within_the_day(street)
    with CaptureQueriesContext(connection) as queries:
        services.appointment_move_public(
            appointment_id=booked.pk, phone=booked.phone, slot_id=slot_id
        )
    locks = [q["sql"] for q in queries.captured_queries if "FOR UPDATE" in q["sql"]]
    assert 'FOR UPDATE OF "reception_receptionday"' in locks[0], locks
    assert 'FOR UPDATE OF "reception_appointment"' in locks[1], locks


@pytest.mark.django_db(transaction=True)
def test_a_booking_moved_while_its_day_is_moved_waits_holding_nothing(street: Any) -> None:
    # reception_day_move holds the day and then updates its bookings: a public move of one
    # of them must wait for the day before it locks the booking, or the two deadlock.
    if connection.vendor == "sqlite":
        pytest.skip("SQLite takes one writer at a time: the race needs PostgreSQL")
    day, booked, slot_id = _move_within_the_day(street)
    outcome: list[Any] = []

    def move() -> None:
        try:
            services.appointment_move_public(
                appointment_id=booked.pk, phone=booked.phone, slot_id=slot_id
            )
            outcome.append("moved")
        except Exception as exc:  # reported by the assertion below
            outcome.append(exc)
        finally:
            connections.close_all()

    mover = threading.Thread(target=move)
    with transaction.atomic():
        ReceptionDay.objects.select_for_update().get(pk=day.pk)
        mover.start()
        deadline = time.monotonic() + 10
        with connection.cursor() as cursor:
            while time.monotonic() < deadline:
                # pg_locks is read live (pg_stat_activity keeps one snapshot a transaction).
                cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
                if cursor.fetchone()[0]:
                    break
                time.sleep(0.05)
            else:
                pytest.fail("the public move never waited for the day")
        try:
            # What reception_day_move does next: the day's bookings, which the mover waits for.
            list(Appointment.objects.select_for_update(nowait=True).filter(day=day).order_by())
        except OperationalError:
            pytest.fail("the public move locked the booking before the day")
    mover.join()
    assert outcome == ["moved"]
    assert Appointment.objects.get(status=A.BOOKED).slot_id == slot_id
