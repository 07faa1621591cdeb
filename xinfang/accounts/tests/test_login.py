"""The login page: wrong passwords lock the account for a while, and every login is audited."""

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.test import Client

from xinfang.accounts.models import ApiToken
from xinfang.common.models import AuditEntry

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
NINE_AM = dt.datetime(2025, 3, 3, 1, 0, tzinfo=dt.UTC)


def _login(client: Client, password: str, username: str = "registrar", **headers: Any) -> Any:
    return client.post(LOGIN, {"username": username, "password": password}, **headers)


def _fail_until_locked(client: Client, username: str = "registrar") -> Any:
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, "wrong", username).status_code == 200
    return _login(client, "wrong", username)


def test_the_nth_wrong_password_locks_the_account_with_a_chinese_message(street: Any) -> None:
    response = _fail_until_locked(Client())
    assert response.status_code == 429
    assert "该账号已暂时锁定" in response.content.decode()


def test_every_failure_and_the_lockout_are_audited_with_the_address(street: Any) -> None:
    _fail_until_locked(Client())
    failures = AuditEntry.objects.filter(kind=AuditEntry.Kind.LOGIN_FAILED)
    assert failures.count() == settings.AXES_FAILURE_LIMIT
    assert {(f.object_id, f.ip) for f in failures} == {(str(street.registrar.pk), "127.0.0.1")}
    lockout = AuditEntry.objects.get(kind=AuditEntry.Kind.LOCKED_OUT)
    assert lockout.object_id == str(street.registrar.pk) and LOGIN in lockout.summary


def test_the_right_password_is_refused_during_the_lockout(street: Any) -> None:
    client = Client()
    _fail_until_locked(client)
    response = _login(client, "pw-for-tests")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert not AuditEntry.objects.filter(kind=AuditEntry.Kind.LOGIN).exists()


def test_the_lockout_ends_after_the_cool_off(street: Any) -> None:
    client = Client()
    with time_machine.travel(NINE_AM, tick=False) as traveller:
        _fail_until_locked(client)
        traveller.shift(settings.AXES_COOLOFF_TIME - dt.timedelta(minutes=1))
        assert _login(client, "pw-for-tests").status_code == 429
        traveller.shift(dt.timedelta(minutes=2))
        assert _login(client, "pw-for-tests").status_code == 302
        assert client.session["_auth_user_id"] == str(street.registrar.pk)


def test_a_lockout_is_per_account_not_per_address(street: Any) -> None:
    client = Client()
    _fail_until_locked(client)
    assert _login(client, "pw-for-tests", username="handler").status_code == 302


def test_an_unknown_username_is_locked_out_alike_and_its_failures_audited(street: Any) -> None:
    response = _fail_until_locked(Client(), username="nobody")
    assert response.status_code == 429
    failure = AuditEntry.objects.filter(kind=AuditEntry.Kind.LOGIN_FAILED).first()
    assert failure is not None and failure.object_id == "" and "nobody" in failure.summary


def test_a_successful_login_is_audited_and_clears_earlier_failures(street: Any) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, "wrong")
    assert _login(client, "pw-for-tests").status_code == 302
    login = AuditEntry.objects.get(kind=AuditEntry.Kind.LOGIN)
    assert (login.actor, login.summary, login.ip) == (street.registrar, LOGIN, "127.0.0.1")
    client.post("/accounts/logout/")
    assert _login(Client(), "wrong").status_code == 200


def test_the_admin_login_counts_towards_the_same_lockout(street: Any) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(
            "/admin/login/", {"username": "admin", "password": "wrong", "next": "/admin/"}
        )
    assert response.status_code == 429
    assert "该账号已暂时锁定" in response.content.decode()
    assert _login(client, "pw-for-tests", username="admin").status_code == 429


def test_logout_is_audited_and_ends_the_users_api_tokens(street: Any) -> None:
    token = ApiToken.issue(street.registrar)
    client = Client()
    _login(client, "pw-for-tests")
    client.post("/accounts/logout/")
    logout = AuditEntry.objects.get(kind=AuditEntry.Kind.LOGOUT)
    assert (logout.actor, logout.ip) == (street.registrar, "127.0.0.1")
    assert ApiToken.objects.get(digest=ApiToken.hash(token)).revoked_at is not None
    response = client.get("/api/v1/units", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 401


# A form post cannot carry a lone surrogate (the token endpoint's JSON can: test_tokens.py).
@pytest.mark.parametrize("value", ["a" * 5000, "regis\x00trar"])
def test_input_no_account_can_have_is_refused_as_a_wrong_login(street: Any, value: str) -> None:
    client = Client()
    for door in (LOGIN, "/admin/login/"):
        for body in (
            {"username": value, "password": "x"},
            {"username": "admin", "password": value},
        ):
            assert client.post(door, body).status_code == 200
    assert "_auth_user_id" not in client.session
