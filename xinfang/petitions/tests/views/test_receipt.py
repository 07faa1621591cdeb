"""The registration receipt: what the visitor takes home, and its QR code."""

import datetime as dt
import io
import re
from typing import Any

import pytest
import zxingcpp
from django.test import Client, override_settings
from PIL import Image
from pypdf import PdfReader

from xinfang.petitions import notices
from xinfang.petitions.tests.factories import accepted, register, travel

pytestmark = pytest.mark.django_db

PUBLIC = "https://xinfang.example.gov.cn"
MODULE = 8  # pixels a module of the redrawn code


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def qr_text(page: str) -> str:
    """Return what the page's inline SVG QR code reads, redrawn from its path and decoded."""
    # No width of its own: a viewBox in modules, scaled by the page's stylesheet.
    svg = re.search(r'<svg viewBox="0 0 (\d+) \d+"[^>]*>.*?</svg>', page, re.S)
    assert svg, "no inline SVG with a viewBox on the page"
    assert "width=" not in svg.group(0).split(">", 1)[0], "a fixed size would be cropped"
    size = int(svg.group(1))
    path = re.search(r' d="([^"]+)"', svg.group(0)).group(1)  # type: ignore[union-attr]
    dark: set[tuple[int, int]] = set()
    x = y = 0.0
    # segno draws each row's dark runs as horizontal lines: M/m move, h draws.
    for op, args in re.findall(r"([MmHh])([-\d.\s]+)", path):
        numbers = [float(n) for n in args.split()]
        if op == "M":
            x, y = numbers
        elif op == "m":
            x, y = x + numbers[0], y + numbers[1]
        else:
            end = x + numbers[0]
            dark |= {(col, int(y)) for col in range(int(x), int(end))}
            x = end
    image = Image.new("L", (size * MODULE, size * MODULE), 255)
    for col, row in dark:
        image.paste(0, (col * MODULE, row * MODULE, (col + 1) * MODULE, (row + 1) * MODULE))
    found = zxingcpp.read_barcodes(image)
    assert found, "the QR code does not decode"
    return str(found[0].text)


@override_settings(XINFANG_OFFICE_PHONE="0571-87654321", XINFANG_PUBLIC_URL=PUBLIC)
def test_the_receipt_gives_number_code_routing_deadline_phone_and_a_qr_of_the_tracking_address(
    street: Any,
) -> None:
    with travel(dt.date(2026, 3, 2)):
        petition = register(street.registrar)
    page = _client(street.registrar).get(f"/petitions/{petition.pk}/receipt/").content.decode()
    url = f"{PUBLIC}/public/track/?code={petition.query_code}"
    assert petition.number in page
    assert notices.format_query_code(petition.query_code) in page
    assert "2026-03-17" in page  # the 15-day routing deadline
    assert "0571-87654321" in page
    assert url in page
    assert qr_text(page) == url


def test_without_a_public_address_the_receipt_points_to_the_site_it_was_printed_from(
    street: Any,
) -> None:
    petition = register(street.registrar)
    page = _client(street.registrar).get(f"/petitions/{petition.pk}/receipt/").content.decode()
    assert qr_text(page) == f"http://testserver/public/track/?code={petition.query_code}"


def test_the_tracking_address_finds_the_case_on_the_public_page(street: Any) -> None:
    petition = register(street.registrar)
    page = _client(street.registrar).get(f"/petitions/{petition.pk}/receipt/").content.decode()
    path = qr_text(page).removeprefix("http://testserver")
    # The address fills in the code; the petitioner adds the phone's last four digits.
    form = Client().get(path)
    assert form.status_code == 200 and petition.query_code in form.content.decode()
    found = Client().post(path, {"code": petition.query_code, "phone_last4": "0001"})
    assert found.status_code == 200 and petition.title in found.content.decode()


def test_the_case_page_links_to_the_receipt_and_writes_the_code_as_everywhere(
    street: Any,
) -> None:
    petition = register(street.registrar)
    page = _client(street.registrar).get(petition.get_absolute_url()).content.decode()
    assert f'href="/petitions/{petition.pk}/receipt/"' in page
    assert notices.format_query_code(petition.query_code) in page


def test_the_accused_unit_sees_the_case_but_gets_no_receipt_nor_link(street: Any) -> None:
    petition = accepted(street, accused="湖滨花园社区居委会", accused_unit_id=street.lakeside.pk)
    leader = _client(street.community_leader)
    case_page = leader.get(petition.get_absolute_url())
    assert case_page.status_code == 200
    assert "/receipt/" not in case_page.content.decode()
    assert leader.get(f"/petitions/{petition.pk}/receipt/").status_code == 404


def test_every_notice_prints_the_tracking_address_and_its_qr_code(street: Any) -> None:
    petition = accepted(street)
    page = _client(street.registrar).get(f"/petitions/{petition.pk}/notices/acceptance/")
    url = f"http://testserver/public/track/?code={petition.query_code}"
    assert url in page.content.decode()
    assert qr_text(page.content.decode()) == url


@override_settings(XINFANG_PUBLIC_URL=PUBLIC)
def test_the_pdf_notice_carries_the_public_tracking_address(street: Any) -> None:
    petition = accepted(street)
    pdf = notices.render_notice_pdf(petition, "acceptance")
    text = "".join(
        "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split()
    )
    assert f"{PUBLIC}/public/track/?code={petition.query_code}" in text


def test_the_html_notice_has_a_print_button_below_the_notice_and_the_pdf_none(
    street: Any,
) -> None:
    petition = accepted(street)
    page = _client(street.registrar).get(f"/petitions/{petition.pk}/notices/acceptance/")
    html = page.content.decode()
    button = '<button type="button" id="print" onclick="window.print()">打印</button>'
    assert button in html
    assert html.index("</main>") < html.index(button)  # outside what is the notice
    assert re.search(r"@media print \{ \.toolbar \{ display: none; \} \}", html)
    pdf = notices.render_notice_pdf(petition, "acceptance")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "打印" not in text


def test_the_notice_previewed_before_not_accepting_has_no_print_button(street: Any) -> None:
    petition = register(street.registrar)
    page = _client(street.registrar).post(
        f"/petitions/{petition.pk}/act/not_accept/",
        {
            "reason": "属于劳动争议，应申请劳动仲裁。",
            "legal_channel": "arbitration",
            "version": petition.version,
        },
    )
    html = page.content.decode()
    assert 'id="notice-preview"' in html
    assert "window.print()" not in html
