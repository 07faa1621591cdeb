"""A reception day on a phone and at the office: the public books a slot with the SMS code,
the registrar checks the person in, and the leader's record makes a case the leader owns."""

import re
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import axe_serious, login
from xinfang.notifications import gateways
from xinfang.petitions.models import Channel, Petition
from xinfang.reception.models import Appointment, ReceptionRecord
from xinfang.reception.tests.factories import reception_day

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = "13912345678"
PHONE_SIZED = {"width": 390, "height": 844}
DESK_SIZED = {"width": 1280, "height": 900}


def _code(outbox: Path) -> str:
    texts = [m["text"] for m in gateways.read_outbox(outbox) if m["phone"] == PHONE]
    found = re.search(r"验证码为(\d{6})", texts[-1])
    assert found
    return found.group(1)


def _book_on_a_phone(page: Any, outbox: Path, check: Any = None) -> None:
    page.goto("/public/")
    page.get_by_role("link", name="领导接访预约").click()
    check and check("days")
    page.get_by_role("link", name=re.compile("预约（余2个）")).first.click()
    check and check("booking form")
    page.get_by_role("button", name="确认预约").click()
    check and check("booking form with errors")
    page.get_by_label("姓名").fill("李四")
    page.get_by_label("身份证号").fill("11010519491231002X")
    page.get_by_label("手机号").fill(PHONE)
    page.click("#send-otp")
    page.locator("#otp-sent").wait_for()
    check and check("code sent")
    page.get_by_label("短信验证码").fill(_code(outbox))
    page.get_by_label("想反映的问题（简要）").fill("城中村改造补偿标准")
    page.get_by_role("button", name="确认预约").click()
    page.locator("#booked").wait_for()
    check and check("booked")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_SIZED["width"]


def test_the_public_books_the_registrar_checks_in_and_the_leaders_record_makes_an_owned_case(
    page: Any, street: Any, settings: Any, tmp_path: Path
) -> None:
    settings.XINFANG_SMS_OUTBOX = tmp_path / "sms.jsonl"
    gateways.sms_gateway.cache_clear()
    day = reception_day(street, days_ahead=0, capacity=2)
    page.set_viewport_size(PHONE_SIZED)
    _book_on_a_phone(page, settings.XINFANG_SMS_OUTBOX)
    booked = Appointment.objects.get()
    assert (booked.name, booked.source, booked.status) == ("李四", "online", "booked")

    page.set_viewport_size(DESK_SIZED)
    login(page, "registrar")
    page.get_by_role("link", name="领导接访").click()
    page.get_by_role("link", name=f"{day.date:%Y-%m-%d}").click()
    page.get_by_role("button", name="李四签到").click()
    assert "已签到" in page.locator(f"[data-appointment='{booked.pk}']").inner_text()

    login(page, "leader")
    page.goto(day.get_absolute_url())
    page.get_by_role("link", name="填写接访记录").click()
    page.get_by_label("来访人").select_option(label="李四（已签到）")
    page.get_by_label("反映的问题").fill("城中村改造补偿标准不清楚，要求公开。")
    page.get_by_label("领导意见").fill("请改造办三日内上门解释补偿标准。")
    page.get_by_label("登记为新的信访事项（由接访领导包案）").check()
    page.get_by_label("事项标题").fill("城中村改造补偿标准")
    page.get_by_role("button", name="保存接访记录").click()
    record = ReceptionRecord.objects.get()
    assert record.created_case and record.day_id == day.pk
    petition = Petition.objects.get()
    assert petition.channel == Channel.RECEPTION
    assert petition.responsible_leader_id == street.leader.pk
    assert petition.number in page.locator("#records").inner_text()


def test_no_booking_page_has_a_serious_accessibility_violation(
    page: Any, street: Any, settings: Any, tmp_path: Path, axe_source: str
) -> None:
    settings.XINFANG_SMS_OUTBOX = tmp_path / "sms.jsonl"
    gateways.sms_gateway.cache_clear()
    reception_day(street, days_ahead=1, capacity=2, slots=2)
    page.set_viewport_size(PHONE_SIZED)
    found: dict[str, list[str]] = {}

    def check(name: str) -> None:
        found[name] = axe_serious(page, axe_source)

    _book_on_a_phone(page, settings.XINFANG_SMS_OUTBOX, check)
    page.get_by_role("link", name="查看或更改我的预约").click()
    check("my bookings")
    page.context.clear_cookies()
    page.goto("/public/reception/mine/")
    check("prove the phone")
    page.get_by_label("手机号").fill(PHONE)
    page.click("#send-otp")
    page.locator("#otp-sent").wait_for()
    page.get_by_label("短信验证码").fill(_code(settings.XINFANG_SMS_OUTBOX))
    page.get_by_role("button", name="查看我的预约").click()
    page.get_by_label("改约到").select_option(index=1)
    page.get_by_role("button", name="改约").click()
    page.locator("#step-message").wait_for()
    check("moved")
    assert {k: v for k, v in found.items() if v} == {}
