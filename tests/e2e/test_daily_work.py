"""Daily work in Chromium: finding a case by number, code and person; the merge and
not-accept confirmations; an action form that answers the keyboard as soon as it opens;
dates as 2026-12-01 in a browser set to American English."""

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login
from xinfang.petitions.inputs import PetitionerData
from xinfang.petitions.models import Petition
from xinfang.petitions.notices import format_query_code
from xinfang.petitions.tests.factories import register, replied
from xinfang.petitions.validators import id_check_digit
from xinfang.petitions.workflow import Status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ID_NUMBER = "33010619850505123" + id_check_digit("33010619850505123")


def _search(page: Any, q: str) -> list[str]:
    page.goto("/petitions/")
    page.fill("input[name=q]", q)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    return page.locator("table.list tbody td:first-child a").all_inner_texts()


def _status(petition: Petition) -> str:
    return Petition.objects.values_list("status", flat=True).get(pk=petition.pk)


def _confirm(page: Any) -> None:
    """Confirm the step shown, once the page has put the focus on its heading."""
    # Autofocus moves the page back up to the heading; a click before it would miss.
    page.wait_for_function(
        "document.activeElement && document.activeElement.id === 'confirm-heading'"
    )
    with page.expect_navigation():
        page.click("#confirm-button")


def _open(page: Any, action: str) -> Any:
    """Open an action form by keyboard, as a user tabbing to its button would."""
    details = page.locator(f"details[data-action='{action}']")
    details.locator("summary").focus()
    page.keyboard.press("Enter")
    # The browser reports the opening a moment later (the toggle event); the focus follows.
    page.wait_for_function(
        f"document.activeElement.closest(\"details[data-action='{action}'] form\") !== null"
    )
    return details


def test_a_case_is_found_by_its_number_its_code_and_its_petitioner(page: Any, street: Any) -> None:
    person = PetitionerData(name="朱根保", id_number=ID_NUMBER, phone="13911112222")
    wanted = register(street.registrar, title="楼道堆放杂物", petitioners=[person])
    other = register(street.registrar, title="夜间施工噪声")
    login(page, "registrar")

    assert _search(page, wanted.number) == [wanted.number]
    assert wanted.number in _search(page, str(wanted.pk))
    spaced = format_query_code(wanted.query_code).replace("-", " ").lower()
    assert _search(page, spaced) == [wanted.number]
    for q in ("朱根保", ID_NUMBER, "139 1111 2222"):
        found = _search(page, q)
        assert found == [wanted.number], q
    assert other.number not in _search(page, ID_NUMBER)


def test_a_merge_shows_the_target_and_waits_for_the_confirmation(page: Any, street: Any) -> None:
    original = register(street.registrar, title="雅仕苑电梯长期故障")
    duplicate = register(street.registrar, title="电梯又坏了")
    login(page, "registrar")
    page.goto(duplicate.get_absolute_url())

    _open(page, "merge")
    # The form took the focus: what is typed goes into its first field, Ctrl+Enter sends it.
    page.keyboard.type(original.number)
    with page.expect_navigation():
        page.keyboard.press("Control+Enter")
    target = page.locator("#merge-target").inner_text()
    assert original.number in target and "雅仕苑电梯长期故障" in target
    assert _status(duplicate) == Status.REGISTERED

    _confirm(page)
    assert "已并单" in page.locator("#status").inner_text()
    assert Petition.objects.get(pk=duplicate.pk).merged_into_id == original.pk


def test_not_accepting_shows_the_reason_the_channel_and_the_notice_first(
    page: Any, street: Any
) -> None:
    petition = register(street.registrar, title="工资被拖欠")
    login(page, "registrar")
    page.goto(petition.get_absolute_url())

    details = _open(page, "not_accept")
    page.keyboard.type("属于劳动争议，应申请劳动仲裁。")  # the reason comes first
    details.locator("[name=legal_channel]").select_option("arbitration")
    with page.expect_navigation():
        details.locator("button[type=submit]").click()
    summary = page.locator("#not-accept-summary").inner_text()
    assert "属于劳动争议" in summary and "仲裁" in summary
    notice = page.frame_locator("#notice-preview").locator("body")
    notice.locator("text=属于劳动争议").first.wait_for()
    assert "不予受理告知书" in notice.inner_text()
    assert _status(petition) == Status.REGISTERED

    _confirm(page)
    assert "不予受理" in page.locator("#status").inner_text()


def test_alt_digits_choose_and_ctrl_enter_sends_as_soon_as_the_form_opens(
    page: Any, street: Any
) -> None:
    petition = replied(street)
    login(page, "registrar")
    page.goto(petition.get_absolute_url())

    details = _open(page, "evaluate")
    assert details.locator("input[type=radio]:checked").count() == 0  # nothing pre-chosen
    page.keyboard.press("Alt+1")  # 满意, for the handling unit (the group in focus)
    page.keyboard.press("Tab")  # to the next group
    page.keyboard.press("Alt+2")  # 基本满意, for the office
    with page.expect_navigation():
        page.keyboard.press("Control+Enter")
    rated = Petition.objects.get(pk=petition.pk)
    assert (rated.satisfaction_unit, rated.satisfaction_office) == ("satisfied", "basically")


def test_a_date_is_shown_and_taken_as_2026_12_01_in_the_chinese_ui_of_an_english_browser(
    browser: Any, live_server: Any, street: Any
) -> None:
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        login(page, "registrar")
        # The page in Chinese (the language switch's cookie), the browser's locale English.
        context.add_cookies(
            [{"name": "django_language", "value": "zh-hans", "url": live_server.url}]
        )
        page.goto("/petitions/")
        due = page.locator("input[name=due_after]")
        assert due.get_attribute("placeholder") == "2026-12-01"
        due.click()
        # The picker opens with a short animation and writes the value on its select event:
        # wait for it open, click a day, and wait for the value rather than read it at once.
        picker = page.locator(".air-datepicker.-active-")
        expect(picker).to_be_visible()
        picker.locator(".air-datepicker-cell.-day-:not(.-other-month-)").first.click()
        expect(due).to_have_value(re.compile(r"\d{4}-\d{2}-01"))
        due.fill("12/01/2026")
        message = due.evaluate("e => { e.form.checkValidity(); return e.validationMessage; }")
        assert message == "请按 2026-12-01 的格式填写日期（年-月-日）。"
        due.fill("2026-12-01")
        with page.expect_navigation():
            page.click("form.filters button.primary")
        assert page.locator("input[name=due_after]").input_value() == "2026-12-01"
    finally:
        context.close()
