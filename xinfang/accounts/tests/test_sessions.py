"""Sessions that name their user: one statement reads both, and Django's checks still hold."""

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from xinfang.accounts.models import Session

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_page_reads_the_session_its_user_and_unit_in_one_statement(street: Any) -> None:
    client = _client(street.registrar)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/leader/").status_code == 403  # a page that reads nothing else
    [statement] = [q["sql"] for q in ctx.captured_queries]
    assert "accounts_session" in statement and "accounts_user" in statement
    assert "organization_unit" in statement


def test_the_session_row_names_the_user_who_logged_in(street: Any) -> None:
    _client(street.handler)
    assert list(Session.objects.values_list("user_id", flat=True)) == [street.handler.pk]


def test_a_changed_password_still_logs_the_other_sessions_out(street: Any) -> None:
    client = _client(street.registrar)
    assert client.get("/").status_code == 200
    street.registrar.set_password("a new and long password 2026")
    street.registrar.save()
    assert client.get("/").status_code == 302  # to the login page


def test_a_deactivated_user_is_logged_out_at_the_next_request(street: Any) -> None:
    client = _client(street.registrar)
    street.registrar.is_active = False
    street.registrar.save()
    assert client.get("/").status_code == 302


def test_another_users_session_is_never_taken_for_this_one(street: Any) -> None:
    first, second = _client(street.registrar), _client(street.handler)
    assert 'id="leader-cases-link"' not in first.get("/").content.decode()
    # The leader's page answers by the user of each request's own session.
    assert first.get("/leader/").status_code == 403
    leader = _client(street.leader)
    assert leader.get("/leader/").status_code == 200
    assert second.get("/leader/").status_code == 403
