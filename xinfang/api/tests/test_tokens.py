"""The token endpoints: lockout like the login page, expiry, revocation and the per-user limit."""

import datetime as dt
import json
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.test import Client, override_settings

from xinfang.accounts import services
from xinfang.accounts.models import ApiToken
from xinfang.common.models import AuditEntry

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token"
NINE_AM = dt.datetime(2025, 3, 3, 1, 0, tzinfo=dt.UTC)


def _issue(client: Client, password: str = "pw-for-tests", username: str = "registrar") -> Any:
    body = {"username": username, "password": password}
    return client.post(TOKEN, body, content_type="application/json")


def _units(client: Client, token: str) -> Any:
    return client.get("/api/v1/units", HTTP_AUTHORIZATION=f"Bearer {token}")


def _fail_until_locked(client: Client) -> Any:
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _issue(client, "wrong").status_code == 401
    return _issue(client, "wrong")


def test_the_nth_wrong_password_locks_the_token_endpoint_with_a_json_error(street: Any) -> None:
    response = _fail_until_locked(Client())
    assert response.status_code == 429
    body = response.json()
    assert body["code"] == "locked_out" and "锁定" in body["message"]


def test_token_failures_and_the_lockout_are_audited(street: Any) -> None:
    _fail_until_locked(Client())
    failures = AuditEntry.objects.filter(kind=AuditEntry.Kind.LOGIN_FAILED)
    assert failures.count() == settings.AXES_FAILURE_LIMIT
    assert {(f.object_id, f.ip) for f in failures} == {(str(street.registrar.pk), "127.0.0.1")}
    lockout = AuditEntry.objects.get(kind=AuditEntry.Kind.LOCKED_OUT)
    assert TOKEN in lockout.summary


def test_the_right_password_gets_no_token_during_the_lockout(street: Any) -> None:
    client = Client()
    _fail_until_locked(client)
    response = _issue(client)
    assert response.status_code == 429 and response.json()["code"] == "locked_out"
    assert not ApiToken.objects.exists()


def test_failures_on_the_login_page_lock_the_token_endpoint_too(street: Any) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "registrar", "password": "wrong"})
    assert _issue(client).status_code == 429


def test_the_token_endpoint_lockout_ends_after_the_cool_off(street: Any) -> None:
    client = Client()
    with time_machine.travel(NINE_AM, tick=False) as traveller:
        _fail_until_locked(client)
        traveller.shift(settings.AXES_COOLOFF_TIME + dt.timedelta(minutes=1))
        response = _issue(client)
        assert response.status_code == 200
        assert _units(client, response.json()["token"]).status_code == 200


def test_a_token_login_is_audited_with_the_issue_of_the_token(street: Any) -> None:
    response = _issue(Client())
    assert response.status_code == 200
    login = AuditEntry.objects.get(kind=AuditEntry.Kind.LOGIN)
    assert (login.actor, login.summary, login.ip) == (street.registrar, TOKEN, "127.0.0.1")
    row = ApiToken.objects.get()
    created = AuditEntry.objects.get(kind=AuditEntry.Kind.CREATE, object_type="apitoken")
    assert created.object_id == str(row.pk)
    street.registrar.refresh_from_db()
    assert street.registrar.last_login is not None


def test_a_token_expires_after_the_configured_days(street: Any) -> None:
    client = Client()
    with time_machine.travel(NINE_AM, tick=False) as traveller:
        response = _issue(client)
        ttl = dt.timedelta(days=settings.XINFANG_API_TOKEN_TTL_DAYS)
        assert response.json()["expires_at"].startswith(f"{(NINE_AM + ttl):%Y-%m-%d}")
        token = response.json()["token"]
        traveller.shift(ttl - dt.timedelta(minutes=1))
        assert _units(client, token).status_code == 200
        traveller.shift(dt.timedelta(minutes=2))
        expired = _units(client, token)
    assert expired.status_code == 401
    assert expired.json()["code"] == "unauthenticated" and "已过期" in expired.json()["message"]


def test_a_revoked_token_answers_401(street: Any) -> None:
    client = Client()
    token = _issue(client).json()["token"]
    other = _issue(client).json()["token"]
    response = client.post("/api/v1/auth/token/revoke", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200 and response.json() == {"revoked": 1}
    assert _units(client, token).status_code == 401
    assert _units(client, other).status_code == 200
    entry = AuditEntry.objects.get(kind=AuditEntry.Kind.CHANGE, object_type="apitoken")
    assert entry.actor == street.registrar and entry.fields == ["revoked_at"]


def test_revoke_all_ends_every_token_of_the_user_and_no_one_elses(street: Any) -> None:
    client = Client()
    mine = [_issue(client).json()["token"] for _ in range(3)]
    theirs = _issue(client, username="handler").json()["token"]
    response = client.post("/api/v1/auth/token/revoke-all", HTTP_AUTHORIZATION=f"Bearer {mine[0]}")
    assert response.json() == {"revoked": 3}
    assert [_units(client, t).status_code for t in mine] == [401, 401, 401]
    assert _units(client, theirs).status_code == 200


def test_a_password_change_ends_the_tokens_issued_before_it(street: Any) -> None:
    client = Client()
    token = _issue(client).json()["token"]
    # Whatever changes the password (here not the service), the old tokens stop working.
    street.registrar.set_password("a-long-new-password")
    street.registrar.save()
    response = _units(client, token)
    assert response.status_code == 401 and "密码已更改" in response.json()["message"]
    fresh = _issue(client, "a-long-new-password").json()["token"]
    assert _units(client, fresh).status_code == 200


def test_a_password_set_through_the_service_revokes_the_old_tokens(street: Any) -> None:
    token = ApiToken.issue(street.registrar)
    services.user_password_set(
        actor=street.admin, user=street.registrar, password="a-long-new-password", ip=None
    )
    assert ApiToken.objects.get(digest=ApiToken.hash(token)).revoked_at is not None
    assert _units(Client(), token).status_code == 401


@override_settings(XINFANG_API_TOKENS_PER_USER=3)
def test_issuing_keeps_at_most_the_limit_of_usable_tokens_and_drops_dead_ones(
    street: Any,
) -> None:
    client = Client()
    tokens = [_issue(client).json()["token"] for _ in range(5)]
    assert [_units(client, t).status_code for t in tokens] == [401, 401, 200, 200, 200]
    # Each issue deletes what was already dead and retires the oldest over the limit.
    rows = ApiToken.objects.filter(user=street.registrar)
    assert (rows.count(), rows.filter(revoked_at__isnull=True).count()) == (4, 3)


@pytest.mark.parametrize("field", ["username", "password"])
@pytest.mark.parametrize("value", ["a" * 5000, "regis\x00trar", "\ud800"])
def test_input_the_login_form_refuses_gets_400_json_not_a_server_error(
    street: Any, field: str, value: str
) -> None:
    body = {"username": "registrar", "password": "pw-for-tests"} | {field: value}
    # json.dumps escapes the lone surrogate, as a client's JSON encoder would.
    response = Client().post(TOKEN, json.dumps(body), content_type="application/json")
    assert response.status_code == 400, response.content[:300]
    assert response.json()["code"] == "invalid" and field in response.json()["fields"]
