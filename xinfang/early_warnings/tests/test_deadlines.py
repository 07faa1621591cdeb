"""Deadlines: one alert a unit and day on its cases past or near their deadline, never twice."""

import datetime as dt
from typing import Any

import pytest

from xinfang.early_warnings import services, tasks
from xinfang.early_warnings.models import Alert
from xinfang.petitions.models import Petition
from xinfang.petitions.tests.factories import register, travel

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 10)


def _case(street: Any, due: dt.date, **overrides: Any) -> Petition:
    with travel(dt.date(2026, 3, 2)):
        petition = register(street.registrar, **overrides)
    # The deadline is the core's to compute; the detector only reads it.
    Petition.objects.filter(pk=petition.pk).update(due_date=due)
    return petition


def _evidence(alert: Alert) -> set[int]:
    return set(alert.petitions.values_list("pk", flat=True))


def test_each_unit_gets_one_alert_with_its_overdue_and_nearly_due_cases(street: Any) -> None:
    late = _case(street, TODAY - dt.timedelta(days=1))
    near = _case(street, TODAY + dt.timedelta(days=3))
    _case(street, TODAY + dt.timedelta(days=4))  # not yet near
    other = _case(street, TODAY, community_id=street.yashiyuan.pk)
    Petition.objects.filter(pk=other.pk).update(owner_unit=street.yashiyuan)
    with travel(TODAY):
        alerts = {a.owner_unit_id: a for a in services.deadlines_detect(today=TODAY)}
    assert set(alerts) == {late.owner_unit_id, street.yashiyuan.pk}
    mine = alerts[late.owner_unit_id]
    assert (mine.kind, mine.severity) == (Alert.Kind.DEADLINE, Alert.Severity.HIGH)
    assert _evidence(mine) == {late.pk, near.pk}
    assert "1 件信访事项已超期，1 件 3 日内到期" in mine.summary
    theirs = alerts[street.yashiyuan.pk]
    assert theirs.severity == Alert.Severity.MEDIUM and _evidence(theirs) == {other.pk}


def test_the_same_cases_raise_no_second_alert_that_day_or_the_next(street: Any) -> None:
    _case(street, TODAY - dt.timedelta(days=1))
    with travel(TODAY):
        (alert,) = services.deadlines_detect(today=TODAY)
        assert services.deadlines_detect(today=TODAY) == []
    nxt = TODAY + dt.timedelta(days=1)
    with travel(nxt):
        assert services.deadlines_detect(today=nxt) == []
    services.alert_close(actor=street.leader, alert_id=alert.pk, note="已督办")
    with travel(nxt):
        assert services.deadlines_detect(today=nxt) == []  # closed, but the same evidence
    assert Alert.objects.count() == 1
    assert list(alert.events.values_list("action", flat=True)) == ["raise", "close"]


def test_a_new_case_grows_the_days_alert_and_makes_the_next_days_own(street: Any) -> None:
    first = _case(street, TODAY - dt.timedelta(days=2))
    with travel(TODAY):
        (alert,) = services.deadlines_detect(today=TODAY)
    second = _case(street, TODAY + dt.timedelta(days=1))
    with travel(TODAY):
        (grown,) = services.deadlines_detect(today=TODAY)
    assert grown.pk == alert.pk and _evidence(grown) == {first.pk, second.pk}
    assert list(alert.events.values_list("action", flat=True)) == ["raise", "grow"]
    nxt = TODAY + dt.timedelta(days=1)
    third = _case(street, nxt + dt.timedelta(days=2))
    with travel(nxt):
        (new,) = services.deadlines_detect(today=nxt)
    assert new.pk != alert.pk and _evidence(new) == {first.pk, second.pk, third.pk}
    assert new.subject.endswith(nxt.isoformat())


def test_cases_without_a_deadline_as_every_closed_case_are_no_evidence(street: Any) -> None:
    done = _case(street, TODAY - dt.timedelta(days=5))
    Petition.objects.filter(pk=done.pk).update(due_date=None)
    with travel(TODAY):
        assert services.deadlines_detect(today=TODAY) == []


def test_the_morning_task_runs_the_detector(street: Any) -> None:
    _case(street, TODAY - dt.timedelta(days=1))
    with travel(TODAY):
        tasks.detect_deadlines.call_local()
    assert Alert.objects.filter(kind=Alert.Kind.DEADLINE).count() == 1
