"""A collective visit from the registrar's desk to the satisfaction evaluation, in Chromium."""

import io
import re
from typing import Any

import pytest
from pypdf import PdfReader

from tests.e2e.conftest import login
from xinfang.petitions.models import Petition

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _act(page: Any, action: str, fill: dict[str, str] | None = None) -> None:
    details = page.locator(f"details[data-action='{action}']")
    details.locator("summary").click()
    for name, value in (fill or {}).items():
        field = details.locator(f"[name='{name}']")
        if field.first.get_attribute("type") == "radio":
            details.locator(f"[name='{name}'][value='{value}']").check()
        elif field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    details.locator("button[type=submit]").click()
    page.wait_for_load_state("load")
    # The steps that speak to the petitioner for good are shown once more to confirm.
    if page.locator("#confirm-button").count():
        page.click("#confirm-button")
        page.wait_for_load_state("load")


def test_collective_visit_runs_from_intake_to_evaluation(page: Any, street: Any) -> None:
    login(page, "registrar")
    page.goto("/petitions/new/")
    page.select_option("[name=channel]", "collective_visit")
    page.fill("[name=head_count]", "12")
    page.fill("[name=person-0-name]", "王建国")
    page.fill("[name=person-0-phone]", "13900001111")
    page.fill("[name=person-0-address]", "湖滨花园3幢")
    page.click("[data-add-person]")
    page.fill("[name=person-1-name]", "李秀英")
    page.fill("[name=person-1-phone]", "13900002222")
    page.fill("[name=title]", "湖滨花园业委会换届选举程序争议")
    page.fill("[name=content]", "十余名业主反映业委会换届未公示候选人，请求街道指导重新选举。")
    page.select_option("[name=community]", str(street.lakeside.pk))
    with page.expect_navigation():
        page.keyboard.press("Control+Enter")
    page.screenshot(path="var/e2e-intake.png", full_page=True)
    assert re.search(r"/petitions/\d+/$", page.url), page.locator(".error").all_inner_texts()
    petition = Petition.objects.get()
    assert petition.head_count == 12
    assert petition.representatives.count() == 2
    code = page.locator("#query-code").inner_text()
    assert code.replace("-", "") == petition.query_code

    _act(page, "accept", {"handling_unit": str(street.lakeside.pk)})
    assert "办理中" in page.locator("#status").inner_text()

    login(page, "handler")
    page.goto(petition.get_absolute_url())
    _act(page, "record_handling", {"note": "已约谈业委会，核查候选人公示情况。"})
    _act(
        page,
        "reply",
        {"reply_kind": "supported", "text": "经核查，换届程序存在瑕疵，支持重新公示候选人。"},
    )
    assert "已答复" in page.locator("#status").inner_text()

    login(page, "registrar")
    page.goto(petition.get_absolute_url())
    _act(page, "evaluate", {"satisfaction_unit": "satisfied", "satisfaction_office": "basically"})
    assert "已评价" in page.locator("#status").inner_text()

    timeline = page.locator("#timeline").inner_text()
    for step in ["登记", "受理并交办", "记录办理情况", "出具处理意见", "满意度评价"]:
        assert step in timeline
    assert "已约谈业委会" in timeline

    pdf = page.request.get(page.locator("[data-notice-pdf=reply]").get_attribute("href"))
    assert pdf.headers["content-type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages)
    assert petition.query_code in "".join(text.split()).replace("-", "")
    assert "支持重新公示候选人" in text
