"""The paper a petitioner takes home, as Chromium shows it: the receipt's and the notices'
QR codes scan at the size they print at; a notice has a print button that is not printed."""

import io
from typing import Any

import pytest
import zxingcpp
from PIL import Image

from tests.e2e.conftest import login
from xinfang.petitions.tests.factories import accepted, register

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _scan(page: Any) -> str:
    """Return what the page's QR code reads, from a screenshot of it as the page shows it."""
    qr = page.locator("#qr svg")
    shot = Image.open(io.BytesIO(qr.screenshot()))
    found = zxingcpp.read_barcodes(shot)
    assert found, "the QR code as shown does not scan"
    return str(found[0].text)


def _track(page: Any, code: str) -> str:
    return f"{page.url.split('/petitions/')[0]}/public/track/?code={code}"


def test_the_receipts_qr_code_scans_to_the_tracking_address(page: Any, street: Any) -> None:
    petition = register(street.registrar)
    login(page, "registrar")
    page.goto(f"/petitions/{petition.pk}/receipt/")
    assert _scan(page) == _track(page, petition.query_code)


def test_a_notices_qr_code_scans_to_the_tracking_address(page: Any, street: Any) -> None:
    petition = accepted(street)
    login(page, "registrar")
    page.goto(f"/petitions/{petition.pk}/notices/acceptance/")
    assert _scan(page) == _track(page, petition.query_code)


def test_a_notice_has_a_print_button_that_prints_and_is_not_printed(page: Any, street: Any) -> None:
    petition = accepted(street)
    login(page, "registrar")
    page.goto(f"/petitions/{petition.pk}/notices/acceptance/")
    page.evaluate("() => { window.printed = 0; window.print = () => { window.printed += 1; }; }")
    button = page.locator("#print")
    assert button.is_visible() and button.inner_text() == "打印"
    button.click()
    assert page.evaluate("window.printed") == 1
    # Outside the notice itself, and gone from the paper.
    assert page.locator("main #print").count() == 0
    page.emulate_media(media="print")
    assert button.is_hidden()


def test_the_notice_shown_before_a_decision_has_no_print_button(page: Any, street: Any) -> None:
    petition = register(street.registrar, title="工资被拖欠")
    login(page, "registrar")
    page.goto(petition.get_absolute_url())
    details = page.locator("details[data-action='not_accept']")
    details.locator("summary").click()
    details.locator("[name=reason]").fill("属于劳动争议，应申请劳动仲裁。")
    with page.expect_navigation():
        details.locator("button[type=submit]").click()
    notice = page.frame_locator("#notice-preview")
    notice.locator("h1").wait_for()
    assert notice.locator("#print").count() == 0
