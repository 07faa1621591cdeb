"""Reception's migrations on data the old rule allowed: forward to the new rule and back."""

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from xinfang.common.models import AuditEntry
from xinfang.reception.models import Appointment, ReceptionDay, ReceptionSlot

pytestmark = pytest.mark.django_db(transaction=True)
OLD = [("reception", "0001_initial")]
DATE = dt.date(2027, 1, 5)
MOTHER, SON, OTHER = "110101195001011234", "110101198001011234", "11010519491231002X"


def _migrate(target: list[tuple[str, str]]) -> Any:
    """Migrate reception to `target` and return the apps of that state."""
    executor = MigrationExecutor(connection)
    executor.migrate(target)
    executor.loader.build_graph()
    return executor.loader.project_state(target).apps


def _latest() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.fixture
def old_schema() -> Iterator[Any]:
    """Reception at 0001 for the test; the latest schema again after it, whatever happened."""
    try:
        yield _migrate(OLD)
    finally:
        _migrate(_latest())


def _old_rows(apps: Any, street: Any) -> dict[str, int]:
    """Write bookings the old rule (one a day, by ID number else phone) allowed."""
    day_model = apps.get_model("reception", "ReceptionDay")
    slot_model = apps.get_model("reception", "ReceptionSlot")
    booking_model = apps.get_model("reception", "Appointment")
    at = dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC)
    second_leader = type(street.leader).objects.create(
        username="leader2", role="unit_leader", unit=street.street
    )

    def day(leader: Any, date: dt.date = DATE) -> Any:
        made = day_model.objects.create(
            owner_unit_id=street.street.pk, leader_id=leader.pk, date=date, place="接待室",
            is_published=True, created_by_id=street.registrar.pk, created_at=at,
        )  # fmt: skip
        slot_model.objects.create(day=made, start=dt.time(9), end=dt.time(10), capacity=9, booked=0)
        return made

    mine, theirs, later = (
        day(street.leader),
        day(second_leader),
        day(street.leader, DATE.replace(day=6)),
    )
    rows: dict[str, int] = {}

    def book(label: str, on: Any, minutes: int, *, id_number: str = "", phone: str = "",
             status: str = "booked") -> None:  # fmt: skip
        slot = on.slots.get()
        made = booking_model.objects.create(
            day=on, slot=slot, name=label, id_number=id_number, phone=phone,
            person_key=id_number or phone, source="registrar", status=status,
            created_at=at + dt.timedelta(minutes=minutes),
        )  # fmt: skip
        slot_model.objects.filter(pk=slot.pk).update(booked=slot.booked + 1)
        rows[label] = made.pk

    # A mother and her son, an ID number each, one phone: both stay booked.
    book("mother", mine, 1, id_number=MOTHER, phone="13900000000")
    book("son", mine, 2, id_number=SON, phone="13900000000")
    # One person with two leaders on one date: the later is cancelled, on another date kept.
    book("first", mine, 3, id_number=OTHER, phone="13911111111")
    book("second", theirs, 4, id_number=OTHER, phone="13922222222")
    book("next_day", later, 5, id_number=OTHER, phone="13911111111")
    # Without an ID number the phone names the person.
    book("phone_first", mine, 6, phone="13933333333")
    book("phone_second", theirs, 7, phone="13933333333")
    # The booking checked in is the one kept, though made later.
    book("booked_early", mine, 8, id_number="110101199001011234")
    book("came_later", theirs, 9, id_number="110101199001011234", status="checked_in")
    rows["mine"], rows["theirs"] = mine.slots.get().pk, theirs.slots.get().pk
    return rows


def test_0002_cancels_second_bookings_of_a_date_and_keeps_a_family_on_one_phone(
    street: Any, old_schema: Any, capsys: Any
) -> None:
    rows = _old_rows(old_schema, street)
    _migrate(_latest())
    status = dict(Appointment.objects.values_list("name", "status"))
    cancelled = {"second", "phone_second", "booked_early"}
    assert {n for n, s in status.items() if s == "cancelled"} == cancelled
    assert status["mother"] == status["son"] == status["first"] == "booked"
    assert status["came_later"] == "checked_in" and status["next_day"] == "booked"
    assert all(a.cancelled_at for a in Appointment.objects.filter(name__in=cancelled))
    # Each cancelled booking freed its place and says why in the audit log.
    slots = dict(ReceptionSlot.objects.values_list("pk", "booked"))
    assert (slots[rows["mine"]], slots[rows["theirs"]]) == (5 - 1, 3 - 2)
    audited = AuditEntry.objects.filter(object_type="appointment", summary__contains="0002")
    assert sorted(audited.values_list("object_id", flat=True)) == sorted(
        str(rows[n]) for n in cancelled
    )
    assert "cancelled 3 second booking(s)" in capsys.readouterr().out
    # The rule now: the mother and son's phone holds no booking without an ID number.
    assert Appointment.objects.filter(date=DATE, phone="13900000000").count() == 2


def test_0002_and_0003_go_back_to_0001_with_the_person_keys(street: Any, old_schema: Any) -> None:
    _old_rows(old_schema, street)
    _migrate(_latest())
    back = _migrate(OLD)
    booking_model = back.get_model("reception", "Appointment")
    keys = dict(booking_model.objects.values_list("name", "person_key"))
    assert keys["mother"] == MOTHER and keys["son"] == SON
    assert keys["phone_first"] == "13933333333"
    assert booking_model.objects.count() == 9


def test_0002_changes_nothing_on_data_that_holds_the_rule(street: Any, old_schema: Any) -> None:
    day_model = old_schema.get_model("reception", "ReceptionDay")
    booking_model = old_schema.get_model("reception", "Appointment")
    at = dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC)
    day = day_model.objects.create(
        owner_unit_id=street.street.pk, leader_id=street.leader.pk, date=DATE, place="接待室",
        created_by_id=street.registrar.pk, created_at=at,
    )  # fmt: skip
    for n in (1, 2):
        booking_model.objects.create(
            day=day, name=f"p{n}", phone=f"1390000000{n}", person_key=f"1390000000{n}",
            source="online", created_at=at,
        )  # fmt: skip
    _migrate(_latest())
    assert set(Appointment.objects.values_list("status", flat=True)) == {"booked"}
    assert not AuditEntry.objects.filter(object_type="appointment").exists()


def test_0003_replaces_the_phone_index_an_earlier_0002_built(street: Any, old_schema: Any) -> None:
    # A database that ran 0002 as it first was holds the phone's index for every booking.
    from django.db import models

    at_0002 = _migrate([("reception", "0002_appointment_date")])
    booking_model = at_0002.get_model("reception", "Appointment")
    strict = models.UniqueConstraint(
        fields=["date", "phone"],
        condition=~models.Q(status="cancelled") & ~models.Q(phone=""),
        name="rc_one_booking_a_date_phone",
    )
    with connection.schema_editor() as editor:
        editor.add_constraint(booking_model, strict)
    _migrate(_latest())
    made = ReceptionDay.objects.create(
        owner_unit_id=street.street.pk, leader_id=street.leader.pk, date=DATE, place="接待室",
        created_by_id=street.registrar.pk, created_at=dt.datetime(2026, 12, 1, tzinfo=dt.UTC),
    )  # fmt: skip
    for name, id_number in (("mother", MOTHER), ("son", SON)):
        Appointment.objects.create(
            day=made, date=DATE, name=name, id_number=id_number, phone="13900000000",
            source="online", created_at=made.created_at,
        )  # fmt: skip
    assert Appointment.objects.filter(date=DATE).count() == 2
