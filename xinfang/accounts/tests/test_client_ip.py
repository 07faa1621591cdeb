"""The audited address: X-Forwarded-For counts only as far as the trusted proxies wrote it."""

from typing import Any

import pytest
from axes.models import AccessAttempt
from django.test import Client, RequestFactory, override_settings

from xinfang.common.audit import client_ip
from xinfang.common.models import AuditEntry

FORGED = {"HTTP_X_FORWARDED_FOR": "6.6.6.6", "REMOTE_ADDR": "10.0.0.2"}


def _ip(**meta: str) -> str | None:
    return client_ip(RequestFactory().get("/", **meta))


def test_with_no_trusted_proxy_a_forged_forwarded_for_is_ignored() -> None:
    assert _ip(**FORGED) == "10.0.0.2"


@override_settings(XINFANG_TRUSTED_PROXIES=1)
def test_behind_one_proxy_the_address_it_appended_counts() -> None:
    # The client forged the first entry; the proxy appended the address it really saw.
    assert _ip(HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7", REMOTE_ADDR="10.0.0.2") == (
        "203.0.113.7"
    )
    assert _ip(**FORGED) == "6.6.6.6"


@override_settings(XINFANG_TRUSTED_PROXIES=2)
def test_behind_two_proxies_the_second_address_from_the_right_counts() -> None:
    meta = {"HTTP_X_FORWARDED_FOR": "6.6.6.6, 203.0.113.7, 10.0.0.9", "REMOTE_ADDR": "10.0.0.2"}
    assert _ip(**meta) == "203.0.113.7"


@override_settings(XINFANG_TRUSTED_PROXIES=2)
def test_a_request_that_bypassed_a_proxy_or_sent_garbage_falls_back_to_the_socket() -> None:
    assert _ip(**FORGED) == "10.0.0.2"
    assert _ip(HTTP_X_FORWARDED_FOR="evil, not-an-ip", REMOTE_ADDR="10.0.0.2") == "10.0.0.2"
    assert _ip(REMOTE_ADDR="10.0.0.2") == "10.0.0.2"


@pytest.mark.django_db
def test_a_failed_login_is_audited_with_the_socket_address_not_the_forged_one(
    street: Any,
) -> None:
    Client().post("/accounts/login/", {"username": "registrar", "password": "x"}, **FORGED)
    assert AuditEntry.objects.get(kind=AuditEntry.Kind.LOGIN_FAILED).ip == "10.0.0.2"


@pytest.mark.django_db
@override_settings(XINFANG_TRUSTED_PROXIES=1)
def test_the_lockout_records_the_same_address_as_the_audit(street: Any) -> None:
    Client().post("/accounts/login/", {"username": "registrar", "password": "x"}, **FORGED)
    assert AccessAttempt.objects.get().ip_address == "6.6.6.6"
    assert AuditEntry.objects.get(kind=AuditEntry.Kind.LOGIN_FAILED).ip == "6.6.6.6"
