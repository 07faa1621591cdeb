"""The case page on paper: the reply included, and nothing printed that only works on screen."""

import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from xinfang.petitions.tests.factories import REPLY, accepted, replied

pytestmark = pytest.mark.django_db

APP_CSS = Path(settings.BASE_DIR) / "static" / "css" / "app.css"


def _page(user: Any, petition: Any) -> str:
    client = Client()
    client.force_login(user)
    return client.get(petition.get_absolute_url()).content.decode()


def print_hidden() -> set[str]:
    """Return the selectors the stylesheet hides on paper."""
    block = re.search(r"@media print \{(.*?)\n\}", APP_CSS.read_text(), re.S)
    assert block, "app.css has no print rules"
    hidden = re.findall(r"([^{}]+)\{\s*display:\s*none", re.sub(r"/\*.*?\*/", "", block.group(1)))
    return {s.strip() for rule in hidden for s in rule.split(",")}


def test_the_case_page_shows_the_reply_text_once_replied(street: Any) -> None:
    case = accepted(street)
    assert REPLY["text"] not in _page(street.registrar, case)
    case = replied(street)
    for user in (street.registrar, street.handler):
        assert REPLY["text"] in _page(user, case)


def test_a_printed_case_page_has_no_messages_buttons_forms_or_menu() -> None:
    hidden = print_hidden()
    assert {".msg", "button", "form", "details", "header.top", ".noprint"} <= hidden


def test_the_links_to_other_paper_are_left_off_the_printed_case_page(street: Any) -> None:
    page = _page(street.registrar, accepted(street))
    assert re.search(r'<ul class="notices noprint">', page)
    assert re.search(r'<a class="noprint" id="receipt-link"', page)
