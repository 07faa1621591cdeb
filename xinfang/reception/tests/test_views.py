import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from xinfang.common import clock
from xinfang.notifications.models import Notification
from xinfang.organization.tests.factories import UserFactory
from xinfang.petitions.models import Petition
from xinfang.reception import selectors, services
from xinfang.reception.models import Appointment, ReceptionDay, ReceptionRecord
from xinfang.reception.tests.factories import person, reception_day

pytestmark = pytest.mark.django_db


def _in(client: Any, user: Any) -> Any:
    client.force_login(user)
    return client


def test_the_registrar_schedules_a_day_with_its_slots_and_publishes_it(
    client: Any, street: Any
) -> None:
    _in(client, street.registrar)
    date = clock.today() + dt.timedelta(days=5)
    response = client.post(
        reverse("reception:day_create"),
        {
            "leader": street.leader.pk,
            "date": f"{date:%Y-%m-%d}",
            "place": "街道信访接待室",
            "focus": "城中村改造",
            "slots": "09:00-10:00 5\n10:00-11:30 3",
        },
    )
    day = ReceptionDay.objects.get()
    assert response.status_code == 302 and response["Location"] == day.get_absolute_url()
    assert [(s.start, s.end, s.capacity) for s in day.slots.order_by("start")] == [
        (dt.time(9), dt.time(10), 5),
        (dt.time(10), dt.time(11, 30), 3),
    ]
    assert not day.is_published
    client.post(reverse("reception:day_publish", args=[day.pk]))
    day.refresh_from_db()
    assert day.is_published


def test_overlapping_or_malformed_slots_are_refused_on_the_form(client: Any, street: Any) -> None:
    _in(client, street.registrar)
    date = clock.today() + dt.timedelta(days=5)
    base = {"leader": street.leader.pk, "date": f"{date:%Y-%m-%d}", "place": "接待室"}
    for slots, message in (
        ("09:00-10:00 5\n09:30-10:30 5", "不能重叠"),
        ("九点到十点", "09:00-10:00 5"),
    ):
        response = client.post(reverse("reception:day_create"), base | {"slots": slots})
        assert response.status_code == 400 and message in response.content.decode()
    assert not ReceptionDay.objects.exists()


def test_the_registrar_books_checks_in_and_adds_a_walk_in_on_the_day(
    client: Any, street: Any
) -> None:
    _in(client, street.registrar)
    day = reception_day(street, days_ahead=0, capacity=3)
    slot = day.slots.get()
    client.post(
        reverse("reception:day_book", args=[day.pk]),
        {"slot": slot.pk, "name": "王五", "phone": "13911112222", "topic": "拆迁补偿"},
    )
    booked = Appointment.objects.get()
    assert (booked.name, booked.source, booked.topic) == ("王五", "registrar", "拆迁补偿")
    client.post(
        reverse("reception:day_mark", args=[day.pk]),
        {"appointment": booked.pk, "status": "checked_in"},
    )
    client.post(
        reverse("reception:day_walk_in", args=[day.pk]),
        {"walk-name": "赵六", "walk-phone": "13933334444"},
    )
    assert sorted(day.appointments.values_list("name", "status")) == [
        ("王五", "checked_in"),
        ("赵六", "checked_in"),
    ]
    page = client.get(day.get_absolute_url()).content.decode()
    assert "王五" in page and "赵六" in page and "现场来访" in page


def test_a_refused_booking_comes_back_to_the_day_with_the_reason(client: Any, street: Any) -> None:
    _in(client, street.registrar)
    day = reception_day(street, capacity=1)
    slot = day.slots.get()
    services.appointment_book(actor=street.registrar, slot_id=slot.pk, person=person(1))
    response = client.post(
        reverse("reception:day_book", args=[day.pk]),
        {"slot": slot.pk, "name": "王五", "phone": "13911112222"},
        follow=True,
    )
    assert "该时段已约满" in response.content.decode()
    assert day.appointments.count() == 1


def test_cancelling_on_the_page_tells_the_booked(client: Any, street: Any) -> None:
    _in(client, street.registrar)
    day = reception_day(street)
    services.appointment_book(actor=street.registrar, slot_id=day.slots.get().pk, person=person(1))
    client.post(reverse("reception:day_cancel", args=[day.pk]), {"reason": "领导出差"})
    day.refresh_from_db()
    assert day.is_cancelled
    assert list(
        Notification.objects.filter(purpose="reception_cancel").values_list("to", flat=True)
    ) == [person(1).phone]


def test_moving_on_the_page_keeps_the_slots_and_their_bookings(client: Any, street: Any) -> None:
    _in(client, street.registrar)
    day = reception_day(street)
    services.appointment_book(actor=street.registrar, slot_id=day.slots.get().pk, person=person(1))
    page = client.get(reverse("reception:day_move", args=[day.pk])).content.decode()
    assert "09:00-10:00 2" in page
    later = day.date + dt.timedelta(days=2)
    response = client.post(
        reverse("reception:day_move", args=[day.pk]),
        {"date": f"{later:%Y-%m-%d}", "place": "", "slots": "14:00-15:00 2"},
    )
    assert response.status_code == 302
    day.refresh_from_db()
    assert day.date == later and day.slots.get().start == dt.time(14)
    assert Notification.objects.filter(purpose="reception_move").count() == 1


def test_a_handler_has_no_reception_pages_and_no_menu_link(client: Any, street: Any) -> None:
    day = reception_day(street)
    _in(client, street.handler)
    assert client.get(reverse("reception:day_list")).status_code == 404
    assert client.get(day.get_absolute_url()).status_code == 404
    assert 'id="reception-days"' not in client.get(reverse("petitions:workbench")).content.decode()
    _in(client, street.leader)
    assert 'id="reception-days"' in client.get(reverse("petitions:workbench")).content.decode()


def test_the_auditor_reads_the_days_but_cannot_book(client: Any, street: Any) -> None:
    day = reception_day(street)
    _in(client, street.auditor)
    page = client.get(day.get_absolute_url()).content.decode()
    assert "代为预约" not in page
    response = client.post(
        reverse("reception:day_book", args=[day.pk]),
        {"slot": day.slots.get().pk, "name": "王五", "phone": "13911112222"},
    )
    assert response.status_code == 404 and not Appointment.objects.exists()


def test_the_check_in_list_masks_phones_for_roles_that_see_no_personal_data(
    client: Any, street: Any
) -> None:
    day = reception_day(street)
    services.appointment_book(actor=street.registrar, slot_id=day.slots.get().pk, person=person(1))
    _in(client, street.auditor)
    assert person(1).phone not in client.get(day.get_absolute_url()).content.decode()
    _in(client, street.registrar)
    assert person(1).phone in client.get(day.get_absolute_url()).content.decode()


def test_the_statistics_are_one_query_per_leader_and_count_what_happened(
    client: Any, street: Any, django_assert_num_queries: Any
) -> None:
    day = reception_day(street, days_ahead=0, capacity=5)
    slot = day.slots.get()
    came = services.appointment_book(actor=street.registrar, slot_id=slot.pk, person=person(1))
    services.appointment_book(actor=street.registrar, slot_id=slot.pk, person=person(2))
    services.appointment_mark(
        actor=street.registrar, day_id=day.pk, appointment_id=came.pk, status="checked_in"
    )
    services.appointment_walk_in(actor=street.registrar, day_id=day.pk, person=person(3))
    cancelled = reception_day(street, days_ahead=1)
    services.reception_day_cancel(actor=street.registrar, day_id=cancelled.pk, reason="改期")
    # A second leader, whose people's records make cases: each count joins the days with
    # their bookings and records, and must neither multiply nor spill across leaders.
    other = UserFactory(username="leader2", role="leading_group", unit=street.street)
    theirs = reception_day(street, days_ahead=0, capacity=5, leader=other)
    reception_day(street, days_ahead=2, leader=other)
    made = []
    for n in (4, 5, 6):
        booked = services.appointment_book(
            actor=street.registrar, slot_id=theirs.slots.get().pk, person=person(n)
        )
        services.appointment_mark(
            actor=street.registrar, day_id=theirs.pk, appointment_id=booked.pk, status="checked_in"
        )
        if n < 6:
            made.append(
                services.reception_record_create(
                    actor=street.registrar, day_id=theirs.pk, appointment_id=booked.pk,
                    title=f"事项{n}", request="问", decision="答",
                ).petition_id
            )  # fmt: skip
    services.reception_record_create(  # a second record of one case: counted once
        actor=street.registrar, day_id=theirs.pk, appointment_id=booked.pk,
        request="问", decision="答", join_petition_id=made[0],
    )  # fmt: skip
    Petition.objects.filter(pk=made[1]).update(solved=True)
    today = clock.today()
    with django_assert_num_queries(1):
        rows = selectors.leader_statistics(street.registrar, today, today + dt.timedelta(days=7))
    assert [(r.leader_id, r.days, r.people, r.created, r.solved) for r in rows] == [
        (other.pk, 2, 3, 2, 1),
        (street.leader.pk, 1, 2, 0, 0),
    ]
    assert not ReceptionRecord.objects.filter(day__leader=street.leader).exists()
    _in(client, street.leader)
    page = client.get(reverse("reception:statistics")).content.decode()
    assert f'data-leader="{street.leader.pk}"' in page


def test_the_office_schedules_its_own_leaders_and_those_above_not_a_communitys(
    street: Any,
) -> None:
    district_leader = UserFactory(username="dleader", role="unit_leader", unit=street.district)
    choices = set(selectors.leader_choices(street.registrar))
    # A community's leader could not own the cases a street reception registers.
    assert street.leader in choices and district_leader in choices
    assert street.community_leader not in choices
