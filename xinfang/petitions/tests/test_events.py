"""Case events: subscribed in code, delivered after commit through the task queue."""

import dataclasses
import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.db import transaction
from huey.contrib.djhuey import HUEY

from xinfang.common import clock
from xinfang.common.models import AuditEntry
from xinfang.common.tests.queue import run_scheduled_retries
from xinfang.petitions import events
from xinfang.petitions.events import CaseEvent
from xinfang.petitions.models import EventDelivery, Petition, PetitionEvent
from xinfang.petitions.tests.factories import drive, register
from xinfang.petitions.workflow import Action

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def subscriptions(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Start each test with no handlers (routing's are subscribed at start-up) and no queue."""
    monkeypatch.setattr(events, "_subscriptions", {})
    HUEY.storage.flush_all()
    yield
    HUEY.storage.flush_all()


class Recorder:
    """A handler that remembers what it received and can fail its first `fail` calls."""

    def __init__(self, fail: int = 0) -> None:
        self.received: list[CaseEvent] = []
        self.fail = fail

    def __call__(self, event: CaseEvent) -> None:
        self.received.append(event)
        # A write of its own, to show it commits or rolls back with the delivery.
        AuditEntry.objects.create(
            at=clock.now(), kind="change", object_type="handler", object_id=str(event.id)
        )
        if len(self.received) <= self.fail:
            raise RuntimeError("the detector is down")


def subscribe(kind: events.Kind, recorder: Recorder) -> None:
    """Subscribe `recorder` through a function, which is what apps hand to subscribe()."""

    def handler(event: CaseEvent) -> None:
        recorder(event)

    handler.__qualname__ = f"handler_{id(recorder)}"
    events.subscribe(kind, handler)


def _register_event(petition: Petition) -> PetitionEvent:
    return PetitionEvent.objects.get(petition=petition, action="register")


def _seconds_until(task: Any) -> float:
    """Return how long until the queue runs `task` (its eta is naive UTC)."""
    return (task.eta - dt.datetime.now(dt.UTC).replace(tzinfo=None)).total_seconds()


def test_a_handler_subscribed_in_code_receives_the_typed_event_after_commit_and_not_before(
    street: Any, django_capture_on_commit_callbacks: Any
) -> None:
    recorder = Recorder()
    subscribe("register", recorder)
    with django_capture_on_commit_callbacks(execute=True):
        petition = register(street.registrar)
        assert recorder.received == []
    row = _register_event(petition)
    assert recorder.received == [
        CaseEvent(
            id=row.pk,
            kind="register",
            petition_id=petition.pk,
            at=row.at,
            actor_id=street.registrar.pk,
            from_status="",
            to_status="registered",
        )
    ]
    with pytest.raises(dataclasses.FrozenInstanceError):
        recorder.received[0].kind = "accept"  # type: ignore[misc]
    assert EventDelivery.objects.get().done_at is not None


def test_a_handler_receives_only_the_kind_it_subscribed_to(
    street: Any, django_capture_on_commit_callbacks: Any
) -> None:
    recorder = Recorder()
    subscribe(Action.ACCEPT, recorder)
    with django_capture_on_commit_callbacks(execute=True):
        petition = register(street.registrar)
        drive(petition, street, (Action.ACCEPT, {"handling_unit": street.lakeside.pk}, "registrar"))
    assert [(e.kind, e.from_status, e.to_status) for e in recorder.received] == [
        ("accept", "registered", "handling")
    ]


def test_a_rolled_back_change_delivers_nothing(
    street: Any, django_capture_on_commit_callbacks: Any
) -> None:
    recorder = Recorder()
    subscribe("register", recorder)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        register(street.registrar)
        raise RuntimeError("the registration failed after its event was written")
    assert callbacks == []
    assert recorder.received == []
    assert not Petition.objects.exists()
    assert not EventDelivery.objects.exists()


def test_a_change_nobody_subscribed_to_queues_nothing(
    street: Any, django_capture_on_commit_callbacks: Any
) -> None:
    subscribe(Action.ACCEPT, Recorder())
    with django_capture_on_commit_callbacks() as callbacks:
        register(street.registrar)
    assert callbacks == []


def test_a_failing_handler_leaves_the_case_saved_and_is_retried_until_it_succeeds(
    street: Any, django_capture_on_commit_callbacks: Any
) -> None:
    recorder = Recorder(fail=2)
    subscribe("register", recorder)
    with django_capture_on_commit_callbacks(execute=True):
        petition = register(street.registrar, title="噪音扰民")
    assert Petition.objects.get(pk=petition.pk).title == "噪音扰民"
    delivery = EventDelivery.objects.get()
    assert (delivery.attempts, delivery.done_at) == (1, None)
    assert "the detector is down" in delivery.last_error
    # The failed attempt's own write went with it.
    assert not AuditEntry.objects.filter(object_type="handler").exists()

    [retry] = HUEY.scheduled()
    assert _seconds_until(retry) == pytest.approx(30, abs=5)
    assert run_scheduled_retries() == 1  # fails again, due a minute later
    [retry] = HUEY.scheduled()
    assert _seconds_until(retry) == pytest.approx(60, abs=5)
    assert run_scheduled_retries() == 1

    delivery.refresh_from_db()
    assert delivery.attempts == 3
    assert delivery.done_at is not None
    assert delivery.last_error == ""
    assert len(recorder.received) == 3
    assert AuditEntry.objects.filter(object_type="handler").count() == 1
    assert HUEY.scheduled() == []


def test_a_handler_that_keeps_failing_is_given_up_after_the_last_attempt(
    street: Any, django_capture_on_commit_callbacks: Any
) -> None:
    recorder = Recorder(fail=100)
    subscribe("register", recorder)
    with django_capture_on_commit_callbacks(execute=True):
        petition = register(street.registrar)
    while run_scheduled_retries():
        pass
    assert len(recorder.received) == events.MAX_ATTEMPTS
    assert EventDelivery.objects.get().attempts == events.MAX_ATTEMPTS
    with time_machine.travel(clock.now() + dt.timedelta(hours=2)):
        assert events.undelivered(clock.now()) == []
    assert Petition.objects.filter(pk=petition.pk).exists()


def test_delivering_the_same_event_twice_runs_the_handler_once(street: Any) -> None:
    recorder = Recorder()
    subscribe("register", recorder)
    event = _register_event(register(street.registrar))
    events.deliver_case_event(event.pk)
    events.deliver_case_event(event.pk)
    assert [e.id for e in recorder.received] == [event.pk]
    assert EventDelivery.objects.get().attempts == 1


def test_each_handler_of_a_kind_gets_the_event_and_a_failure_is_retried_alone(
    street: Any,
) -> None:
    steady, flaky = Recorder(), Recorder(fail=1)
    subscribe("register", steady)
    subscribe("register", flaky)
    event = _register_event(register(street.registrar))
    events.deliver_case_event(event.pk)
    run_scheduled_retries()
    assert (len(steady.received), len(flaky.received)) == (1, 2)
    assert EventDelivery.objects.filter(done_at__isnull=False).count() == 2


def test_the_periodic_task_delivers_an_event_whose_delivery_was_lost(street: Any) -> None:
    recorder = Recorder()
    subscribe("register", recorder)
    # No capture of the commit callbacks: committed, but never queued, as after a crash.
    event = _register_event(register(street.registrar))

    events.redeliver_case_events.call_local()
    assert recorder.received == []  # too recent: the ordinary path may still be at it

    with time_machine.travel(event.at + events.GRACE + dt.timedelta(minutes=1)):
        events.redeliver_case_events.call_local()
        events.redeliver_case_events.call_local()
    assert [e.id for e in recorder.received] == [event.pk]


def test_the_periodic_task_leaves_events_older_than_its_window(street: Any) -> None:
    subscribe("register", Recorder())
    event = _register_event(register(street.registrar))
    with time_machine.travel(event.at + events.WINDOW + dt.timedelta(minutes=1)):
        assert events.undelivered(clock.now()) == []


def test_the_periodic_task_retries_a_failure_whose_retry_was_lost(street: Any) -> None:
    recorder = Recorder(fail=1)
    subscribe("register", recorder)
    event = _register_event(register(street.registrar))
    events.deliver_case_event(event.pk)
    HUEY.storage.flush_schedule()  # the consumer stopped with the retry in its schedule
    with time_machine.travel(event.at + events.GRACE + dt.timedelta(minutes=1)):
        assert events.undelivered(clock.now()) == []  # a retry may still be pending
    with time_machine.travel(event.at + events.STALLED + dt.timedelta(minutes=1)):
        events.redeliver_case_events.call_local()
    assert EventDelivery.objects.get().done_at is not None
    assert len(recorder.received) == 2


def test_redelivery_is_scheduled_every_ten_minutes() -> None:
    task = events.redeliver_case_events.task_class()
    assert task.validate_datetime(dt.datetime(2026, 12, 1, 9, 40))
    assert not task.validate_datetime(dt.datetime(2026, 12, 1, 9, 41))


def test_subscribing_to_an_unknown_kind_fails_at_start_up() -> None:
    with pytest.raises(ValueError, match="registr"):
        events.subscribe("registr", Recorder())  # type: ignore[arg-type]


def test_two_handlers_under_one_name_fail_at_start_up() -> None:
    def handler(event: CaseEvent) -> None: ...

    events.subscribe("register", handler)
    events.subscribe("register", handler)  # the same one again changes nothing

    def other(event: CaseEvent) -> None: ...

    other.__qualname__ = handler.__qualname__
    with pytest.raises(ValueError, match="already"):
        events.subscribe("register", other)
