"""The petitioner on a phone: submits online with the SMS code, follows the case, rates it
and asks for review once the staff have replied."""

import re
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import axe_serious, login
from xinfang.notifications import gateways
from xinfang.outreach import services as outreach_services
from xinfang.petitions.inputs import PetitionerData
from xinfang.petitions.models import Channel, Petition, new_query_code
from xinfang.petitions.tests.factories import REPLY, drive, register
from xinfang.petitions.workflow import Action, Status
from xinfang.portal import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = "13912345678"
PHONE_SIZED = {"width": 390, "height": 844}
ROUTED_PHONE = "13912340000"
LEGAL_REASON = "该事项属劳动争议，依法应申请劳动仲裁。"
LEGAL_HOW_TO = "自知道权利被侵害之日起一年内，向区劳动人事争议仲裁委员会提交仲裁申请书。"


def _code(outbox: Path) -> str:
    texts = [m["text"] for m in gateways.read_outbox(outbox) if m["phone"] == PHONE]
    found = re.search(r"验证码为(\d{6})", texts[-1])
    assert found
    return found.group(1)


def test_a_petitioner_submits_on_a_phone_follows_rates_and_asks_for_review(
    page: Any, street: Any, settings: Any, tmp_path: Path
) -> None:
    settings.XINFANG_SMS_OUTBOX = tmp_path / "sms.jsonl"
    gateways.sms_gateway.cache_clear()
    page.set_viewport_size(PHONE_SIZED)

    page.goto("/public/")
    page.get_by_role("link", name="我要信访").first.click()
    page.get_by_label("姓名").fill("李四")
    page.get_by_label("身份证号").fill("11010519491231002X")
    page.get_by_label("手机号").fill(PHONE)
    page.get_by_label("标题").fill("小区北门道路破损")
    page.get_by_label("信访内容").fill("湖滨花园小区北门道路破损严重，雨天积水，请求修复。")
    page.click("#send-otp")
    page.locator("#otp-sent").wait_for()
    # What was typed before asking for the code is still there.
    assert page.get_by_label("标题").input_value() == "小区北门道路破损"
    page.get_by_label("短信验证码").fill(_code(settings.XINFANG_SMS_OUTBOX))
    page.get_by_label("问题发生地（社区）").select_option(label=street.lakeside.name)
    page.get_by_role("button", name="提交信访事项").click()

    code = page.locator("#query-code").inner_text().strip()
    petition = Petition.objects.get()
    assert code.replace("-", "") == petition.query_code
    assert petition.channel == Channel.ONLINE and petition.status == Status.REGISTERED
    # Nothing of the page spills sideways on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_SIZED["width"]
    # The menu's links are targets a finger can tap, each one piece.
    menu = page.get_by_role("navigation", name="群众端导航").get_by_role("link")
    assert all(menu.nth(i).bounding_box()["height"] >= 24 for i in range(menu.count()))
    assert all(
        len(menu.nth(i).evaluate("a => [...a.getClientRects()]")) == 1 for i in range(menu.count())
    )

    page.get_by_role("link", name="查询办理进展").last.click()
    assert page.get_by_label("查询码").input_value() == petition.query_code
    page.get_by_label("手机号后四位").fill(PHONE[-4:])
    page.get_by_role("button", name="查询").click()
    assert page.locator("#public-status").inner_text() == "已收到，正在审查"

    # The registrar routes it on the case page; the community's reply is set up.
    login(page, "registrar")
    page.goto(petition.get_absolute_url())
    accept = page.locator("details[data-action='accept']")
    accept.locator("summary").click()
    accept.locator("[name=handling_unit]").select_option(str(street.lakeside.pk))
    with page.expect_navigation():
        accept.locator("button[type=submit]").click()
    assert "办理中" in page.locator("#status").inner_text()
    petition.refresh_from_db()
    assert (petition.status, petition.handling_unit) == (Status.HANDLING, street.lakeside)
    drive(petition, street, (Action.REPLY, REPLY, "handler"))
    page.context.clear_cookies()
    page.goto(f"/public/track/?code={petition.query_code}")
    page.get_by_label("手机号后四位").fill(PHONE[-4:])
    page.get_by_role("button", name="查询").click()
    assert page.locator("#public-status").inner_text() == "已答复"

    rate = page.locator("#rate")
    # Each choice's box stands beside its words, one line, not stretched across the phone.
    choice = rate.locator("label[for=id_satisfaction_unit_1]")
    box, label = rate.locator("#id_satisfaction_unit_1").bounding_box(), choice.bounding_box()
    assert box["width"] < 40 and label["height"] < 60
    assert label["y"] <= box["y"] and box["y"] + box["height"] <= label["y"] + label["height"]
    rate.locator("[name=satisfaction_unit][value=basically]").check()
    rate.locator("[name=satisfaction_office][value=satisfied]").check()
    rate.get_by_role("button", name="提交评价").click()
    assert "感谢您的评价" in page.locator("#step-message").inner_text()

    review = page.locator("#review")
    review.get_by_label("申请复查的理由").fill("处理意见没有回应修复时间。")
    review.get_by_role("button", name="提交复查申请").click()
    assert page.locator("#public-status").inner_text() == "复查中"
    petition.refresh_from_db()
    assert petition.status == Status.UNDER_REVIEW
    assert (petition.satisfaction_unit, petition.satisfaction_office) == ("basically", "satisfied")


def test_no_portal_page_has_a_serious_accessibility_violation(
    page: Any, street: Any, settings: Any, tmp_path: Path, axe_source: str
) -> None:
    settings.XINFANG_SMS_OUTBOX = tmp_path / "sms.jsonl"
    gateways.sms_gateway.cache_clear()
    page.set_viewport_size(PHONE_SIZED)
    petition = drive(
        register(street.registrar, petitioners=[PetitionerData(name="李四", phone=PHONE)]),
        street,
        (Action.ACCEPT, {"handling_unit": street.lakeside.pk}, "registrar"),
        (Action.REPLY, REPLY, "handler"),
    )
    shown = services.publicity_page_save(
        actor=street.registrar,
        page_id=None,
        data=services.PageData(
            kind="guidance",
            title="如何依法信访",
            body="<h2>途径</h2><p>正文</p>",
            is_published=True,
        ),
    )
    # A case the office sent to a legal channel: its page says which, why and how.
    routed = drive(
        register(street.registrar, petitioners=[PetitionerData(name="王五", phone=ROUTED_PHONE)]),
        street,
        (Action.NOT_ACCEPT, {"reason": LEGAL_REASON, "legal_channel": "arbitration"}, "registrar"),
    )
    channel_page = services.publicity_page_save(
        actor=street.registrar,
        page_id=None,
        data=services.PageData(
            kind="legal_channel", title="如何申请劳动仲裁", body="<p>全文</p>", is_published=True
        ),
    )
    outreach_services.channel_guidance_save(
        actor=street.registrar, channel="arbitration", how_to=LEGAL_HOW_TO, page_id=channel_page.pk
    )
    # The check itself works: a picture without a text alternative is reported.
    page.set_content('<html lang="zh"><title>x</title><main><img src="x.png"></main></html>')
    assert any(v.startswith("image-alt") for v in axe_serious(page, axe_source))
    found: dict[str, list[str]] = {}

    def check(name: str) -> None:
        found[name] = axe_serious(page, axe_source)

    for name, path in (
        ("home", "/public/"),
        ("submit", "/public/submit/"),
        ("info", "/public/info/"),
        ("info page", f"/public/info/{shown.pk}/"),
        ("track", f"/public/track/?code={petition.query_code}"),
    ):
        page.goto(path)
        check(name)
    page.get_by_label("手机号后四位").fill(PHONE[-4:])
    page.get_by_role("button", name="查询").click()
    page.locator("#public-status").wait_for()
    check("the case")
    page.locator("#rate [name=satisfaction_unit][value=basically]").check()
    page.locator("#rate [name=satisfaction_office][value=satisfied]").check()
    page.locator("#rate").get_by_role("button", name="提交评价").click()
    page.locator("#step-message").wait_for()
    check("after rating")
    page.locator("#review").get_by_label("申请复查的理由").fill("处理意见没有回应修复时间。")
    page.locator("#review").get_by_role("button", name="提交复查申请").click()
    page.locator("#step-message").wait_for()
    assert page.locator("#public-status").inner_text() == "复查中"
    check("after a review request")
    page.goto(f"/public/track/?code={new_query_code()}")
    page.get_by_label("手机号后四位").fill(PHONE[-4:])
    page.get_by_role("button", name="查询").click()
    page.get_by_role("alert").first.wait_for()
    check("wrong code")
    page.goto(f"/public/track/?code={routed.query_code}")
    page.get_by_label("手机号后四位").fill(ROUTED_PHONE[-4:])
    page.get_by_role("button", name="查询").click()
    guidance = page.locator("#legal-channel")
    guidance.wait_for()
    assert guidance.locator("[data-channel=arbitration]").is_visible()
    assert LEGAL_REASON in guidance.inner_text() and LEGAL_HOW_TO in guidance.inner_text()
    assert guidance.get_by_role("link", name="如何申请劳动仲裁").is_visible()
    check("legal channel guidance")
    page.goto("/public/submit/")
    page.get_by_role("button", name="提交信访事项").click()
    check("submit with errors")
    # The code's button stays beside the phone's input, whatever error shows below it.
    phone, send = page.locator("#id_phone").bounding_box(), page.locator("#send-otp").bounding_box()
    assert abs(phone["y"] - send["y"]) <= 2 and send["x"] > phone["x"] + phone["width"]
    page.goto("/public/submit/")
    page.get_by_label("手机号").fill(PHONE)
    page.click("#send-otp")
    page.locator("#otp-sent").wait_for()
    check("code sent")
    page.get_by_label("姓名").fill("赵六")
    page.get_by_label("身份证号").fill("11010519491231002X")
    page.get_by_label("标题").fill("路灯不亮")
    page.get_by_label("信访内容").fill("小区东门路灯已坏一个月。")
    page.get_by_label("短信验证码").fill(_code(settings.XINFANG_SMS_OUTBOX))
    page.get_by_label("问题发生地（社区）").select_option(label=street.lakeside.name)
    page.get_by_role("button", name="提交信访事项").click()
    page.locator("#query-code").wait_for()
    check("receipt")
    # Over the tracking door's limit (one a window, counted afresh): the 429 page.
    settings.XINFANG_PORTAL_RATES = {**settings.XINFANG_PORTAL_RATES, "track": {"ip": "1/h"}}
    for _ in range(2):
        page.goto(f"/public/track/?code={petition.query_code}")
        page.get_by_label("手机号后四位").fill(PHONE[-4:])
        page.get_by_role("button", name="查询").click()
    page.get_by_role("heading", name="请稍后再试").wait_for()
    check("too many requests")
    assert {k: v for k, v in found.items() if v} == {}
