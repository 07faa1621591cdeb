"""What the papers and pages tell the petitioner: following a case needs the code and digits."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from xinfang.petitions import notices
from xinfang.petitions.tests.factories import drive, register
from xinfang.petitions.tests.test_notices import accept, pdf_text
from xinfang.portal.tests.test_views import _form, _send

pytestmark = pytest.mark.django_db

BOTH = "查询码和登记时所留手机号码的后四位"


def test_the_registration_receipt_says_the_code_and_the_phone_s_last_four_digits(
    street: Any,
) -> None:
    petition = register(street.registrar)
    client = Client()
    client.force_login(street.registrar)
    page = client.get(f"/petitions/{petition.pk}/receipt/").content.decode()
    assert "输入查询码和登记时所留手机号码的后四位" in page


def test_every_notice_says_the_code_and_the_phone_s_last_four_digits(street: Any) -> None:
    petition = drive(register(street.registrar), street, accept(street))
    text = pdf_text(notices.render_notice_pdf(petition, "acceptance"))
    assert text.count("手机号码的后四位") == 2  # the notice's own text and every notice's foot


def test_the_portal_s_receipt_and_tracking_page_say_both_are_needed(
    client: Any, street: Any, outbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    code = _send(client, outbox, django_capture_on_commit_callbacks)
    receipt = client.post(reverse("portal:submit"), _form(otp=code)).content.decode()
    assert "查询办理进展需要查询码和您登记时所留手机号码的后四位" in receipt
    assert BOTH in receipt  # what happens next
    tracking = client.get(reverse("portal:track")).content.decode()
    assert "登记时所留手机号码的后四位" in tracking
