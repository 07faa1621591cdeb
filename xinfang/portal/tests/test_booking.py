"""The portal's reception-day pages: the public books, sees, moves and cancels with a code."""

from typing import Any

import pytest
from django.urls import reverse

from xinfang.common.models import AuditEntry
from xinfang.notifications.models import Notification
from xinfang.portal.tests.conftest import PHONE
from xinfang.reception.models import Appointment
from xinfang.reception.tests.factories import person, reception_day

pytestmark = pytest.mark.django_db
ID_NUMBER = "11010519491231002X"


def _form(slot: int, **overrides: Any) -> dict[str, Any]:
    return {"slot": slot, "name": "李四", "id_number": ID_NUMBER, "phone": PHONE} | overrides


def _book(client: Any, slot: int, code: str, **overrides: Any) -> Any:
    return client.post(reverse("portal:reception_book"), _form(slot, otp=code, **overrides))


def test_the_portal_lists_only_published_days_to_come(client: Any, street: Any) -> None:
    shown = reception_day(street, days_ahead=3)
    hidden = reception_day(street, days_ahead=4, published=False)
    response = client.get(reverse("portal:reception_days"))
    html = response.content.decode()
    assert f"day-{shown.pk}" in html and f"day-{hidden.pk}" not in html
    assert "城中村改造" in html and "余2个" in html


def test_the_public_books_a_place_with_the_code_sent_to_the_phone(
    client: Any, street: Any, send_code: Any
) -> None:
    day = reception_day(street)
    slot = day.slots.get()
    response = client.get(reverse("portal:reception_book"), {"slot": slot.pk})
    assert response.status_code == 200 and "街道信访接待室" in response.content.decode()
    response = _book(client, slot.pk, send_code())
    assert response.status_code == 200, response.content.decode()
    booked = Appointment.objects.get()
    assert (booked.source, booked.id_number, booked.phone) == ("online", ID_NUMBER, PHONE)
    assert Notification.objects.filter(purpose="reception_booked", to=PHONE).count() == 1


def test_a_wrong_code_books_nothing(client: Any, street: Any, send_code: Any) -> None:
    slot = reception_day(street).slots.get()
    code = send_code()
    wrong = "000000" if code != "000000" else "111111"
    response = _book(client, slot.pk, wrong)
    assert response.status_code == 400
    assert "验证码不正确" in response.content.decode()
    assert not Appointment.objects.exists()


def test_a_full_slot_and_a_second_booking_of_the_day_are_refused_with_a_message(
    client: Any, street: Any, send_code: Any
) -> None:
    day = reception_day(street, capacity=1, slots=2)
    first, second = day.slots.order_by("start")
    from xinfang.reception import services

    services.appointment_book(actor=street.registrar, slot_id=first.pk, person=person(1))
    response = _book(client, first.pk, send_code())
    assert response.status_code == 400 and "该时段已约满" in response.content.decode()
    assert _book(client, second.pk, send_code()).status_code == 200
    response = _book(client, second.pk, send_code(), phone=PHONE)
    assert response.status_code == 400
    # The phone's own booking, the phone proved by its code: said plainly.
    assert "已有一个接访预约" in response.content.decode()


def test_ones_bookings_are_shown_only_once_the_phone_is_proved(
    client: Any, street: Any, send_code: Any
) -> None:
    day = reception_day(street, capacity=2, slots=2)
    first, second = day.slots.order_by("start")
    from xinfang.reception import services

    booked = services.appointment_book(
        actor=street.registrar, slot_id=first.pk, person=person(1, phone=PHONE)
    )
    page = client.get(reverse("portal:reception_mine")).content.decode()
    assert f"appointment-{booked.pk}" not in page and "预约人1" not in page
    # Changing without the proof is refused.
    response = client.post(reverse("portal:reception_change"), {"appointment": booked.pk})
    assert response.status_code == 400
    response = client.post(
        reverse("portal:reception_mine"), {"phone": PHONE, "otp": send_code()}, follow=True
    )
    assert f"appointment-{booked.pk}" in response.content.decode()
    response = client.post(
        reverse("portal:reception_change"), {"appointment": booked.pk, "slot": second.pk}
    )
    assert "已改约" in response.content.decode()
    moved = Appointment.objects.get(status="booked")
    assert moved.slot_id == second.pk
    client.post(reverse("portal:reception_change"), {"appointment": moved.pk})
    assert not Appointment.objects.filter(status="booked").exists()
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.booked, second.booked) == (0, 0)


def test_the_booking_pages_show_nothing_of_other_peoples_bookings(
    client: Any, street: Any, send_code: Any
) -> None:
    day = reception_day(street, capacity=3)
    from xinfang.reception import services

    services.appointment_book(
        actor=street.registrar,
        slot_id=day.slots.get().pk,
        person=person(1, name="赵六", id_number="110105194912310021"),
    )
    pages = [
        client.get(reverse("portal:reception_days")),
        client.get(reverse("portal:reception_book"), {"slot": day.slots.get().pk}),
        client.post(
            reverse("portal:reception_mine"), {"phone": PHONE, "otp": send_code()}, follow=True
        ),
    ]
    for response in pages:
        html = response.content.decode()
        assert (
            "赵六" not in html and person(1).phone not in html and "110105194912310021" not in html
        )


def test_asking_for_codes_is_rate_limited(
    client: Any, street: Any, outbox: Any, settings: Any
) -> None:
    settings.XINFANG_PORTAL_RATES = {
        **settings.XINFANG_PORTAL_RATES,
        "otp": {"ip": "2/h", "phone": "2/h"},
    }
    url = reverse("portal:reception_otp")
    for _ in range(2):
        assert client.post(url, {"phone": PHONE, "then": "mine"}).status_code == 200
    response = client.post(url, {"phone": PHONE, "then": "mine"})
    assert response.status_code == 429 and response["Retry-After"]


OTHERS_ID = "110105194912310038"
NEUTRAL = "未能受理该预约"


def _held_by_another_phone(street: Any, **day: Any) -> Any:
    """A day on which OTHERS_ID is booked by the registrar under another phone than PHONE."""
    from xinfang.reception import services

    booked = reception_day(street, **day)
    services.appointment_book(
        actor=street.registrar,
        slot_id=booked.slots.get().pk,
        person=person(1, name="赵六", id_number=OTHERS_ID),
    )
    return booked


def test_an_id_number_booked_under_another_phone_is_refused_without_saying_so(
    client: Any, street: Any, send_code: Any
) -> None:
    slot = _held_by_another_phone(street).slots.get()
    code = send_code()
    response = _book(client, slot.pk, code, id_number=OTHERS_ID)
    html = response.content.decode()
    assert response.status_code == 400 and NEUTRAL in html
    # Nothing of the booking: not that there is one, not whose, not its phone or day.
    for shown in ("已有一个接访预约", "赵六", person(1).phone, "预约人1"):
        assert shown not in html
    assert Appointment.objects.filter(id_number=OTHERS_ID).count() == 1
    # The try spent its code: a second ID number needs a code of its own.
    response = _book(client, slot.pk, code, id_number=ID_NUMBER)
    assert response.status_code == 400 and "验证码已使用" in response.content.decode()
    # The holder of the booking is told, and the try is audited.
    told = Notification.objects.get(purpose="reception_refused")
    assert told.to == person(1).phone
    assert AuditEntry.objects.filter(kind="view_personal", object_type="appointment").count() == 1


def test_a_free_id_number_and_a_booked_one_cost_the_same_code(
    client: Any, street: Any, send_code: Any
) -> None:
    # Booked or not, a try at an ID number spends the code it came with: trying many
    # ID numbers takes as many codes, which are rate-limited per phone and per address.
    slot = _held_by_another_phone(street, capacity=3).slots.get()
    for id_number in (OTHERS_ID, ID_NUMBER):
        code = send_code()
        _book(client, slot.pk, code, id_number=id_number)
        used = _book(client, slot.pk, code, id_number="110105194912310046")
        assert "验证码已使用" in used.content.decode(), id_number


def test_a_move_onto_a_day_the_id_number_is_booked_under_another_phone_is_refused_alike(
    client: Any, street: Any, send_code: Any
) -> None:
    mine = reception_day(street, days_ahead=2).slots.get()
    assert _book(client, mine.pk, send_code(), id_number=OTHERS_ID).status_code == 200
    theirs = _held_by_another_phone(street, days_ahead=3).slots.get()
    client.post(reverse("portal:reception_mine"), {"phone": PHONE, "otp": send_code()})
    booked = Appointment.objects.get(phone=PHONE)
    response = client.post(
        reverse("portal:reception_change"), {"appointment": booked.pk, "slot": theirs.pk}
    )
    html = response.content.decode()
    assert response.status_code == 400 and NEUTRAL in html and "赵六" not in html
    assert Appointment.objects.get(pk=booked.pk).status == "booked"  # nothing moved
    assert Notification.objects.filter(purpose="reception_refused").count() == 1
    # The try spent the proof: the next one needs a code.
    again = client.post(
        reverse("portal:reception_change"), {"appointment": booked.pk, "slot": theirs.pk}
    )
    assert again.status_code == 400 and "请先用短信验证码验证手机号" in again.content.decode()


def test_a_mother_and_her_son_book_one_date_from_one_phone(
    client: Any, street: Any, send_code: Any
) -> None:
    # An ID number each, one phone: two people, on one leader's day or two leaders' days.
    from xinfang.reception.tests.factories import another_leader

    day = reception_day(street)
    other = reception_day(street, leader=another_leader(street))
    son = "110105198001010016"
    assert _book(client, day.slots.get().pk, send_code(), name="李母").status_code == 200
    response = _book(client, day.slots.get().pk, send_code(), name="李子", id_number=son)
    assert response.status_code == 200, response.content.decode()
    response = _book(client, other.slots.get().pk, send_code(), name="李子", id_number=son)
    assert response.status_code == 400 and "每个接访日只能预约一次" in response.content.decode()
    assert sorted(Appointment.objects.values_list("name", "phone")) == [
        ("李子", PHONE),
        ("李母", PHONE),
    ]
