"""The public API: the portal's doors without a token, in the API's one error shape."""

import datetime as dt

import pytest
import time_machine

from xinfang.common import clock
from xinfang.petitions.models import Channel, Petition
from xinfang.petitions.tests.factories import accepted, replied
from xinfang.petitions.workflow import Status
from xinfang.portal.tests.conftest import PHONE, last_code

pytestmark = pytest.mark.django_db

API = "/api/v1/public"
KNOWN_LAST4 = "0001"


def _post(client, path, body, **extra):
    return client.post(f"{API}{path}", body, content_type="application/json", **extra)


def _code(client, outbox, django_capture_on_commit_callbacks, phone=PHONE):
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, "/otp", {"phone": phone})
    assert response.status_code == 202, response.content
    assert response.json() == {"sent": True, "expires_in": 600}
    return last_code(outbox, phone)


def test_a_petition_is_submitted_with_the_code_from_the_sms_and_then_tracked(
    client, street, outbox, django_capture_on_commit_callbacks
):
    code = _code(client, outbox, django_capture_on_commit_callbacks)
    body = {
        "name": "李四",
        "id_number": "11010519491231002X",
        "phone": PHONE,
        "otp": code,
        "title": "小区门口道路破损",
        "content": "北门道路破损，请求修复。",
        "community": street.lakeside.pk,
    }
    response = _post(client, "/petitions", body)
    assert response.status_code == 201, response.content
    receipt = response.json()
    petition = Petition.objects.get()
    assert petition.channel == Channel.ONLINE and petition.registered_unit == street.street
    assert receipt == {
        "query_code": petition.query_code,
        "number": petition.number,
        "deadline": petition.route_due.isoformat(),
    }
    tracked = client.get(f"{API}/track", {"code": receipt["query_code"], "phone_last4": "5678"})
    assert tracked.status_code == 200
    view = tracked.json()
    assert view["status"] == "已收到，正在审查"
    assert view["deadline"] == petition.route_due.isoformat()
    assert view["rating_open"] is False and "尚未答复" in view["rating_refusal"]


def test_a_reused_code_is_refused_with_the_field_named(
    client, street, outbox, django_capture_on_commit_callbacks
):
    code = _code(client, outbox, django_capture_on_commit_callbacks)
    body = {
        "name": "李四",
        "id_number": "11010519491231002X",
        "phone": PHONE,
        "otp": code,
        "title": "t",
        "content": "c",
    }
    assert _post(client, "/petitions", body).status_code == 201
    again = _post(client, "/petitions", body)
    assert again.status_code == 400
    assert again.json()["fields"]["otp"] == ["该验证码已使用过，请重新获取。"]


def test_bad_input_is_refused_in_the_error_shape_never_a_server_error(client, street):
    response = _post(client, "/petitions", {"phone": "12", "surprise": 1})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert _post(client, "/otp", {"phone": "010-1234"}).status_code == 400
    assert client.get(f"{API}/track").status_code == 400


def test_wrong_code_and_wrong_digits_get_the_same_json(client, street):
    petition = accepted(street)
    other = "".join("2" if c != "2" else "3" for c in petition.query_code)
    a = client.get(f"{API}/track", {"code": other, "phone_last4": KNOWN_LAST4})
    b = client.get(f"{API}/track", {"code": petition.query_code, "phone_last4": "9999"})
    assert a.status_code == b.status_code == 404
    assert a.json() == b.json()


def test_the_public_view_names_no_handler_unit_or_accused(client, street):
    petition = accepted(street, accused="钱某某", accused_unit_id=street.renovation.pk)
    text = client.get(
        f"{API}/track", {"code": petition.query_code, "phone_last4": KNOWN_LAST4}
    ).content.decode()
    for secret in ("钱某某", street.lakeside.name, street.renovation.name, "handling"):
        assert secret not in text


def test_rating_and_review_through_the_api(client, street):
    petition = replied(street)
    who = {"code": petition.query_code, "phone_last4": KNOWN_LAST4}
    rated = _post(
        client,
        "/track/rate",
        who | {"satisfaction_unit": "satisfied", "satisfaction_office": "dissatisfied"},
    )
    assert rated.status_code == 200, rated.content
    assert rated.json()["rating_open"] is False
    reviewed = _post(client, "/track/review", who | {"reason": "不服处理意见"})
    assert reviewed.status_code == 200
    assert reviewed.json()["status"] == "复查中"
    petition.refresh_from_db()
    assert petition.status == Status.UNDER_REVIEW


def test_a_late_review_is_refused_with_the_limit(client, street):
    petition = replied(street)
    who = {"code": petition.query_code, "phone_last4": KNOWN_LAST4}
    with time_machine.travel(clock.now() + dt.timedelta(days=31)):
        late = _post(client, "/track/review", who | {"reason": "不服"})
    assert late.status_code == 400
    assert "已超过期限" in late.json()["message"]


def test_the_api_answers_429_with_retry_after_and_lets_in_after_the_window(
    client, street, settings
):
    settings.XINFANG_PORTAL_RATES = settings.XINFANG_PORTAL_RATES | {
        "track": {"ip": "2/m", "code": "100/h"}
    }
    petition = accepted(street)
    who = {"code": petition.query_code, "phone_last4": KNOWN_LAST4}
    start = clock.now()
    with time_machine.travel(start, tick=False):
        assert client.get(f"{API}/track", who).status_code == 200
        assert client.get(f"{API}/track", who).status_code == 200
        third = client.get(f"{API}/track", who)
    assert third.status_code == 429
    assert third.json()["code"] == "rate_limited"
    assert 1 <= int(third["Retry-After"]) <= 60
    with time_machine.travel(start + dt.timedelta(seconds=61), tick=False):
        assert client.get(f"{API}/track", who).status_code == 200
