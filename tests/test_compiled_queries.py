"""Queries compiled once: the rows the queryset gives, and a loud failure on a wrong binding."""

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from xinfang.accounts.models import Session, User
from xinfang.common.compiled import Compiled

pytestmark = pytest.mark.django_db


def _sessions(key: str, now: dt.datetime) -> QuerySet[Session]:
    return Session.objects.select_related("user__unit").filter(session_key=key, expire_date__gt=now)


def _params(connection: Any, key: str, now: dt.datetime) -> list[Any]:
    expire_date = Session._meta.get_field("expire_date")
    return [expire_date.get_db_prep_value(now, connection, prepared=False), key]


SAMPLE = ("sample", dt.datetime(2026, 1, 1, tzinfo=dt.UTC))


def _session(key: str, user: User | None, days: int = 1) -> Session:
    return Session.objects.create(
        session_key=key,
        session_data="",
        expire_date=timezone.now() + dt.timedelta(days=days),
        user=user,
    )


def test_it_returns_the_rows_and_relations_the_queryset_returns(street: Any) -> None:
    street.registrar.last_login = timezone.now()
    street.registrar.save()
    _session("k-registrar", street.registrar)
    compiled = Compiled(_sessions, _params, SAMPLE)
    for _ in range(2):  # compiled, then reused
        with CaptureQueriesContext(connection) as ctx:
            [found] = compiled.all("k-registrar", timezone.now())
        assert len(ctx.captured_queries) == 1
    [orm] = _sessions("k-registrar", timezone.now())
    assert [getattr(found, f.attname) for f in Session._meta.concrete_fields] == [
        getattr(orm, f.attname) for f in Session._meta.concrete_fields
    ]
    # Loaded with the join, converted as the ORM converts (aware datetimes on SQLite too).
    with CaptureQueriesContext(connection) as ctx:
        assert found.user == street.registrar and found.user.unit == street.street
        assert found.user.last_login == orm.user.last_login
        assert timezone.is_aware(found.user.last_login) and timezone.is_aware(found.expire_date)
    assert not ctx.captured_queries


def test_a_missing_relation_is_none_and_a_missed_filter_no_row(street: Any) -> None:
    _session("k-nobody", None)
    _session("k-expired", street.registrar, days=-1)
    compiled = Compiled(_sessions, _params, SAMPLE)
    assert compiled.first("k-nobody", timezone.now()).user is None  # type: ignore[union-attr]
    assert compiled.first("k-expired", timezone.now()) is None
    assert compiled.all("k-unknown", timezone.now()) == []


def test_parameters_out_of_the_orms_order_fail_before_anything_is_sent() -> None:
    def swapped(connection: Any, key: str, now: dt.datetime) -> list[Any]:
        return list(reversed(_params(connection, key, now)))

    with pytest.raises(AssertionError, match="the ORM binds"):
        Compiled(_sessions, swapped, SAMPLE).first("k", timezone.now())
