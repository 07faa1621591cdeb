import datetime as dt
import re

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from xinfang.common import clock
from xinfang.organization.tests.factories import UserFactory
from xinfang.petitions.models import Channel, Petition, Petitioner, PetitionEvent
from xinfang.petitions.tests.factories import REPLY, accepted, drive, register, replied
from xinfang.petitions.workflow import Action, Status
from xinfang.portal import services
from xinfang.portal.tests.conftest import PHONE, last_code

pytestmark = pytest.mark.django_db

ID_NUMBER = "11010519491231002X"
KNOWN_LAST4 = "0001"  # the factories' petitioner: 13800000001


def _form(**overrides):
    return {
        "name": "李四",
        "id_number": ID_NUMBER,
        "phone": PHONE,
        "title": "小区门口道路破损",
        "content": "湖滨花园小区北门道路破损严重，雨天积水，请求修复。",
        "address": "湖滨花园北门",
    } | overrides


def _send(client, outbox, django_capture_on_commit_callbacks, phone=PHONE):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("portal:otp"), _form(phone=phone))
    assert response.status_code == 200, response.content.decode()
    return last_code(outbox, phone)


def _without_csrf(html: str) -> str:
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return re.sub(r'"X-CSRFToken": "[^"]+"', "", html)


# ---------------------------------------------------------------- submission


def test_an_online_petition_enters_the_register_at_the_street_awaiting_routing(
    client, street, outbox, django_capture_on_commit_callbacks
):
    known = Petitioner.objects.create(name="李四", id_number=ID_NUMBER)
    code = _send(client, outbox, django_capture_on_commit_callbacks)
    response = client.post(reverse("portal:submit"), _form(otp=code, community=street.lakeside.pk))
    assert response.status_code == 200, response.content.decode()
    petition = Petition.objects.get()
    assert petition.channel == Channel.ONLINE
    assert petition.status == Status.REGISTERED
    assert petition.registered_unit == street.street
    assert petition.petitioner == known  # matched like any other registration
    assert petition.community == street.lakeside
    account = petition.registered_by
    assert account.username == services.PORTAL_USERNAME
    assert not account.is_active and not account.has_usable_password()
    body = response.content.decode()
    assert f"{petition.query_code[:4]}-{petition.query_code[4:8]}" in body
    assert "15日内" in body  # what happens next, and by when
    assert "no-store" in response["Cache-Control"]  # the code is kept by no browser cache


def test_a_submission_naming_someone_elses_id_number_reveals_nothing_of_them(
    client, street, outbox, django_capture_on_commit_callbacks
):
    known = Petitioner.objects.create(name="王大伟", id_number=ID_NUMBER, phone="13800000001")
    earlier = register(street.registrar, title="小区门口道路破损")
    Petition.objects.filter(pk=earlier.pk).update(petitioner=known)
    code = _send(client, outbox, django_capture_on_commit_callbacks)
    response = client.post(reverse("portal:submit"), _form(otp=code))
    body = response.content.decode()
    # Registered like any other (the record stands), and the answer names no one else.
    assert response.status_code == 200, body
    assert Petition.objects.count() == 2
    assert "王大伟" not in body and "138****0001" not in body and earlier.number not in body
    known.refresh_from_db()
    assert (known.name, known.phone) == ("王大伟", "13800000001")


def test_a_submission_with_a_wrong_code_registers_nothing(
    client, street, outbox, django_capture_on_commit_callbacks
):
    code = _send(client, outbox, django_capture_on_commit_callbacks)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    response = client.post(reverse("portal:submit"), _form(otp=wrong))
    assert response.status_code == 400
    assert "验证码不正确" in response.content.decode()
    assert not Petition.objects.exists()


def test_a_submission_with_an_invalid_id_number_is_refused_before_the_code_is_spent(
    client, street, outbox, django_capture_on_commit_callbacks
):
    code = _send(client, outbox, django_capture_on_commit_callbacks)
    response = client.post(
        reverse("portal:submit"), _form(otp=code, id_number="110105194912310021")
    )
    assert response.status_code == 400
    assert "校验位" in response.content.decode()
    response = client.post(reverse("portal:submit"), _form(otp=code))
    assert response.status_code == 200


def test_an_attachment_that_is_not_a_pdf_or_image_is_refused(
    client, street, outbox, django_capture_on_commit_callbacks
):
    code = _send(client, outbox, django_capture_on_commit_callbacks)
    fake = SimpleUploadedFile("letter.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post(reverse("portal:submit"), _form(otp=code, attachments=fake))
    assert response.status_code == 400
    assert "不是PDF、JPEG或PNG文件" in response.content.decode()
    assert not Petition.objects.exists()


def test_submitted_html_is_shown_escaped(
    client, street, outbox, django_capture_on_commit_callbacks
):
    code = _send(client, outbox, django_capture_on_commit_callbacks)
    client.post(reverse("portal:submit"), _form(otp=code, title="<script>alert(1)</script>"))
    petition = Petition.objects.get()
    response = client.post(
        reverse("portal:track"), {"code": petition.query_code, "phone_last4": PHONE[-4:]}
    )
    body = response.content.decode()
    assert "<script>alert(1)" not in body and "&lt;script&gt;" in body


# ---------------------------------------------------------------- rate limits


def test_the_code_door_refuses_the_request_past_its_limit_and_lets_an_honest_user_in_later(
    client, street, outbox, django_capture_on_commit_callbacks, settings
):
    settings.XINFANG_PORTAL_RATES = settings.XINFANG_PORTAL_RATES | {
        "otp": {"ip": "3/h", "phone": "2/h"}
    }
    start = clock.now()
    with time_machine.travel(start, tick=False):
        for phone in ("13900000001", "13900000002", "13900000003"):
            _send(client, outbox, django_capture_on_commit_callbacks, phone=phone)
        refused = client.post(reverse("portal:otp"), _form(phone="13900000004"))
        assert refused.status_code == 429
        assert 1 <= int(refused["Retry-After"]) <= 3600
        assert "操作过于频繁" in refused.content.decode()
    with time_machine.travel(start + dt.timedelta(hours=1, seconds=1), tick=False):
        _send(client, outbox, django_capture_on_commit_callbacks, phone="13900000004")


def test_the_code_door_counts_each_phone_from_any_address(
    client, street, outbox, django_capture_on_commit_callbacks, settings
):
    settings.XINFANG_PORTAL_RATES = settings.XINFANG_PORTAL_RATES | {
        "otp": {"ip": "100/h", "phone": "2/h"}
    }
    for address in ("10.0.0.1", "10.0.0.2"):
        with django_capture_on_commit_callbacks(execute=True):
            assert (
                client.post(reverse("portal:otp"), _form(), REMOTE_ADDR=address).status_code == 200
            )
    third = client.post(reverse("portal:otp"), _form(), REMOTE_ADDR="10.0.0.3")
    assert third.status_code == 429 and third["Retry-After"]


def test_tracking_refuses_guessing_past_the_limit_of_one_code(client, street, settings):
    settings.XINFANG_PORTAL_RATES = settings.XINFANG_PORTAL_RATES | {
        "track": {"ip": "100/h", "code": "3/h"}
    }
    petition = register(street.registrar)
    for digits in ("1111", "2222", "3333"):
        answer = client.post(
            reverse("portal:track"), {"code": petition.query_code, "phone_last4": digits}
        )
        assert answer.status_code == 400
    fourth = client.post(
        reverse("portal:track"), {"code": petition.query_code, "phone_last4": KNOWN_LAST4}
    )
    assert fourth.status_code == 429 and int(fourth["Retry-After"]) >= 1


# ---------------------------------------------------------------- tracking


def test_a_wrong_code_and_wrong_digits_get_the_same_answer(client, street):
    petition = register(street.registrar)
    other = "".join("2" if c != "2" else "3" for c in petition.query_code)
    tries = {
        "code": {"code": other, "phone_last4": KNOWN_LAST4},
        "digits": {"code": petition.query_code, "phone_last4": "9999"},
    }
    for data in tries.values():  # each counter of the rate limits exists, as on a busy day
        client.post(reverse("portal:track"), data)
    answers, queries = {}, {}
    for kind, data in tries.items():
        with CaptureQueriesContext(connection) as run:
            answers[kind] = client.post(reverse("portal:track"), data)
        queries[kind] = len(run.captured_queries)
    # The same work for both: nothing in the cost tells a known code from an unknown one.
    assert queries["code"] == queries["digits"], queries
    wrong_code, wrong_digits = answers["code"], answers["digits"]
    assert wrong_code.status_code == wrong_digits.status_code == 400
    # The same page, but for what each person typed (echoed into the form).
    first = _without_csrf(wrong_code.content.decode()).replace(other, "X")
    second = _without_csrf(wrong_digits.content.decode()).replace(petition.query_code, "X")
    assert first.replace(KNOWN_LAST4, "D") == second.replace("9999", "D")
    assert "查询码或手机号后四位不正确" in first


def test_the_tracking_page_shows_public_labels_and_never_notes_handlers_or_the_accused(
    client, street
):
    street.handler.full_name = "赵承办"
    street.handler.save()
    petition = accepted(street, accused="钱某某", accused_unit_id=street.renovation.pk)
    drive(petition, street, (Action.RECORD_HANDLING, {"note": "内部备注：约谈物业"}, "handler"))
    body = client.post(
        reverse("portal:track"), {"code": petition.query_code, "phone_last4": KNOWN_LAST4}
    ).content.decode()
    assert "已受理，正在办理" in body
    for secret in (
        "内部备注",
        "赵承办",
        "钱某某",
        street.renovation.name,
        street.lakeside.name,
        "办理中",
        street.registrar.full_name,
    ):
        assert secret not in body, secret


def test_the_code_printed_on_paper_fills_the_form(client, street):
    petition = register(street.registrar)
    body = client.get(reverse("portal:track"), {"code": petition.query_code}).content.decode()
    assert petition.query_code in body


# ---------------------------------------------------------------- rating and review


def _post(client, name, petition, **fields):
    data = {"code": petition.query_code, "phone_last4": KNOWN_LAST4} | fields
    return client.post(reverse(f"portal:{name}"), data)


def test_a_case_not_yet_replied_cannot_be_rated(client, street):
    petition = accepted(street)
    response = _post(
        client,
        "track_rate",
        petition,
        satisfaction_unit="satisfied",
        satisfaction_office="satisfied",
    )
    assert response.status_code == 400
    assert "尚未答复" in response.content.decode()
    petition.refresh_from_db()
    assert petition.status == Status.HANDLING and petition.rated_at is None


def test_the_petitioner_rates_the_reply_as_their_own_act(client, street):
    petition = replied(street)
    response = _post(
        client,
        "track_rate",
        petition,
        satisfaction_unit="basically",
        satisfaction_office="satisfied",
    )
    assert response.status_code == 200, response.content.decode()
    assert "感谢您的评价" in response.content.decode()
    petition.refresh_from_db()
    assert petition.status == Status.EVALUATED
    assert (petition.satisfaction_unit, petition.satisfaction_office) == ("basically", "satisfied")
    event = PetitionEvent.objects.filter(petition=petition).last()
    assert event.action == Action.EVALUATE and event.actor is None
    assert event.details["by"] == "petitioner"


def test_a_rating_with_wrong_digits_is_refused_like_a_lookup(client, street):
    petition = replied(street)
    response = client.post(
        reverse("portal:track_rate"),
        {
            "code": petition.query_code,
            "phone_last4": "9999",
            "satisfaction_unit": "satisfied",
            "satisfaction_office": "satisfied",
        },
    )
    assert response.status_code == 400
    petition.refresh_from_db()
    assert petition.status == Status.REPLIED


def test_the_petitioner_asks_for_review_within_the_limit(client, street):
    petition = replied(street)
    response = _post(client, "track_review", petition, reason="处理意见未回应我的主要诉求。")
    assert response.status_code == 200, response.content.decode()
    petition.refresh_from_db()
    assert petition.status == Status.UNDER_REVIEW
    event = PetitionEvent.objects.filter(petition=petition).last()
    assert event.action == Action.REQUEST_REVIEW and event.note.startswith("处理意见")


def test_a_review_asked_too_late_is_refused_with_the_limit(client, street):
    petition = replied(street)
    with time_machine.travel(clock.now() + dt.timedelta(days=40)):
        response = _post(client, "track_review", petition, reason="不服")
    assert response.status_code == 400
    assert "已超过期限" in response.content.decode()
    petition.refresh_from_db()
    assert petition.status == Status.REPLIED


def test_the_reply_notice_downloads_with_the_code_and_digits_only(client, street):
    petition = replied(street)
    url = reverse("portal:track_notice")
    mine = {"code": petition.query_code, "kind": "reply"}
    wrong = client.post(url, mine | {"phone_last4": "9999"})
    assert wrong.status_code == 400 and "查询码或手机号后四位不正确" in wrong.content.decode()
    right = client.post(url, mine | {"phone_last4": KNOWN_LAST4})
    assert right.status_code == 200 and right["Content-Type"] == "application/pdf"
    assert right.content.startswith(b"%PDF")
    absent = client.post(url, mine | {"phone_last4": KNOWN_LAST4, "kind": "extension"})
    assert absent.status_code == 404
    assert REPLY  # the reply the factories give


def test_the_case_page_names_the_petitioner_as_the_one_who_rated(client, street):
    petition = replied(street)
    _post(
        client,
        "track_rate",
        petition,
        satisfaction_unit="satisfied",
        satisfaction_office="satisfied",
    )
    client.force_login(street.registrar)
    body = client.get(petition.get_absolute_url()).content.decode()
    assert "信访人本人（网上）" in body


def test_a_person_s_account_named_like_the_portal_s_never_signs_online_petitions(street):
    UserFactory(username=services.PORTAL_USERNAME, role="registrar", unit=street.street)
    with pytest.raises(ImproperlyConfigured):
        services.portal_account()
