"""The reception days in the admin: read only, and never who booked or came."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from xinfang.reception import services
from xinfang.reception.models import ReceptionDay
from xinfang.reception.tests.factories import person, reception_day

pytestmark = pytest.mark.django_db
ID_NUMBER = "11010519491231002X"


def _held(street: Any) -> Any:
    day = reception_day(street, days_ahead=0, capacity=5)
    booked = services.appointment_book(
        actor=street.registrar,
        slot_id=day.slots.get().pk,
        person=person(7, name="王秀英", id_number=ID_NUMBER),
    )
    services.appointment_mark(
        actor=street.registrar, day_id=day.pk, appointment_id=booked.pk, status="checked_in"
    )
    record = services.reception_record_create(
        actor=street.leader,
        day_id=day.pk,
        appointment_id=booked.pk,
        title="城中村改造补偿",
        request="补偿标准不清楚。",
        decision="上门解释。",
    )
    return day, booked, record


def _admin(street: Any) -> Client:
    client = Client()
    client.force_login(street.admin)
    return client


def test_the_admin_lists_bookings_and_records_without_naming_the_person(street: Any) -> None:
    _day, booked, record = _held(street)
    client = _admin(street)
    bookings = client.get(reverse("admin:reception_appointment_changelist"))
    records = client.get(reverse("admin:reception_receptionrecord_changelist"))
    assert bookings.status_code == records.status_code == 200
    for page in (bookings.content.decode(), records.content.decode()):
        assert "王秀英" not in page and ID_NUMBER not in page and booked.phone not in page
    assert booked.masked_phone in bookings.content.decode()
    assert record.petition.number in records.content.decode()
    # No page of one booking or record: its title would name the person.
    for name, pk in (("appointment", booked.pk), ("receptionrecord", record.pk)):
        assert client.get(reverse(f"admin:reception_{name}_change", args=[pk])).status_code == 403


def test_the_days_are_shown_read_only_in_the_admin(street: Any) -> None:
    day, _booked, _record = _held(street)
    client = _admin(street)
    page = client.get(reverse("admin:reception_receptionday_change", args=[day.pk]))
    assert page.status_code == 200 and "09:00" in page.content.decode()
    assert client.get(reverse("admin:reception_receptionday_add")).status_code == 403
    client.post(reverse("admin:reception_receptionday_change", args=[day.pk]), {"place": "别处"})
    assert ReceptionDay.objects.get(pk=day.pk).place == "街道信访接待室"
    assert client.get(reverse("admin:reception_appointment_add")).status_code == 403
