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
