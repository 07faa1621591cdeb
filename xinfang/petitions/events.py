"""Case events for the apps above petitions: handlers subscribe in code, run after commit.

Every change of a case writes a PetitionEvent in the change's own transaction
(services/history.py): that row is the outbox, so publishing costs the request no
statement. Apps subscribe at start-up, in their AppConfig.ready():

    events.subscribe("register", record_category_choice)

Once the transaction commits, a task on the queue (huey, `manage.py run_huey`) hands the
event to each handler of its kind. Each (event, handler) pair gets one EventDelivery
row, written in one transaction with the handler's own writes: a handler's database
work is done once however often the event arrives, and a failing handler rolls back
alone, never touching the case, and is retried with growing delays. A periodic task
delivers again the recent events no delivery accounts for, so a crash between the
commit and the enqueue loses nothing. Work that leaves the database (a message sent)
is at least once: such a handler must be idempotent itself. A handler runs inside its
delivery's transaction, which on SQLite holds the one write lock: keep it short, or let
it queue heavy work as a task of its own.
"""

import datetime as dt
import logging
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final, Literal

from django.db import IntegrityError, transaction
from django.db.models import Exists, Max, OuterRef, Q, QuerySet, Subquery
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task
from huey.exceptions import RetryTask

from xinfang.common import clock
from xinfang.petitions.models import EVENT_LABELS, EventDelivery, PetitionEvent
from xinfang.petitions.workflow import Action

log = logging.getLogger(__name__)

Kind = Action | Literal["register", "attach"]
KINDS: Final = frozenset(Action) | frozenset(EVENT_LABELS)

MAX_ATTEMPTS: Final = 6
# Doubled after each failure: 30 s, 1, 2, 4, 8 minutes; about a quarter of an hour in all.
FIRST_RETRY: Final = dt.timedelta(seconds=30)
# The periodic re-delivery leaves alone what the ordinary path is likely still doing...
GRACE: Final = dt.timedelta(minutes=5)
STALLED: Final = dt.timedelta(hours=1)
# ...and looks back a bounded way, so that a handler subscribed today is not handed the
# whole history.
WINDOW: Final = dt.timedelta(days=2)
SCAN_EVENTS: Final = 10_000
# The events a bulk writer (the ledger import) inserted raw: never published, so no
# handler is owed them. Their cases go to the bulk subscribers (publish_bulk) instead;
# the others (early warnings, routing's learning) are deliberately not handed history.
_BULK_WRITTEN: Final = Q(details__has_key="imported")


@dataclass(frozen=True, slots=True)
class CaseEvent:
    """One committed change of a case, as handlers receive it."""

    id: int
    kind: str
    petition_id: int
    at: dt.datetime
    actor_id: int | None
    from_status: str
    to_status: str


Handler = Callable[[CaseEvent], None]
BulkHandler = Callable[[Sequence[int]], None]

_subscriptions: dict[str, dict[str, Handler]] = {}
_bulk: dict[str, BulkHandler] = {}


def handler_name(handler: Handler) -> str:
    """Return the name a handler's deliveries are recorded under."""
    return f"{handler.__module__}.{handler.__qualname__}"


def subscribe(kind: Kind, handler: Handler) -> None:
    """Hand every committed event of `kind` to `handler`; call it from AppConfig.ready()."""
    if kind not in KINDS:
        raise ValueError(f"no case event is called {kind!r}")
    name = handler_name(handler)
    handlers = _subscriptions.setdefault(str(kind), {})
    if handlers.setdefault(name, handler) is not handler:
        raise ValueError(f"another handler of {kind!r} is already called {name}")


def subscribe_bulk(handler: BulkHandler) -> None:
    """Hand `handler` the ids of the cases a bulk write (the ledger import) made, after commit."""
    _bulk.setdefault(f"{handler.__module__}.{handler.__qualname__}", handler)


def publish_bulk(petition_ids: Sequence[int]) -> None:
    """Tell the bulk subscribers, once the transaction commits, which cases were written raw.

    A bulk writer inserts its events without publishing them, one task per case being
    too many, and marks them `details["imported"]`: the re-delivery and `pending` leave
    them alone, and its subscribers take the whole batch at once instead.
    """
    for handler in _bulk.values():
        transaction.on_commit(lambda h=handler: h(petition_ids), robust=True)  # type: ignore[misc]


def publish(event: PetitionEvent) -> None:
    """Deliver `event` to its subscribers once the current transaction commits."""
    if event.action in _subscriptions:
        # Robust: the case has committed whatever the queue says; if the enqueue fails,
        # the periodic re-delivery finds the event.
        transaction.on_commit(lambda: deliver_case_event(event.pk), robust=True)


def _case_event(row: PetitionEvent) -> CaseEvent:
    return CaseEvent(
        id=row.pk,
        kind=row.action,
        petition_id=row.petition_id,
        at=row.at,
        actor_id=row.actor_id,
        from_status=row.from_status,
        to_status=row.to_status,
    )


def _deliver(event: CaseEvent, name: str, handler: Handler) -> int | None:
    """Run `handler` on `event` unless it has done it; return its attempts if it failed."""
    try:
        with transaction.atomic():
            delivery = (
                EventDelivery.objects.select_for_update()
                .filter(event_id=event.id, handler=name)
                .first()
            ) or EventDelivery(event_id=event.id, handler=name)
            if delivery.done_at is not None or delivery.attempts >= MAX_ATTEMPTS:
                return None
            delivery.attempts += 1
            delivery.tried_at = clock.now()
            try:
                with transaction.atomic():
                    handler(event)
            except Exception:
                log.exception("%s failed on case event %s", name, event.id)
                delivery.last_error = traceback.format_exc()[-4000:]
                delivery.save()
                return delivery.attempts
            delivery.done_at = clock.now()
            delivery.last_error = ""
            delivery.save()
    except IntegrityError:  # a concurrent delivery of the same event recorded it first
        return None
    return None


# huey ships no type information, so its decorators are untyped.
@db_task()  # type: ignore[untyped-decorator]
def deliver_case_event(event_id: int) -> None:
    """Hand the event to each handler of its kind that has not done it; retry the failures."""
    row = PetitionEvent.objects.filter(pk=event_id).first()
    if row is None:  # its case has been deleted since
        return
    event = _case_event(row)
    handlers = _subscriptions.get(event.kind, {})
    failed = [n for name, h in handlers.items() if (n := _deliver(event, name, h)) is not None]
    if any(n < MAX_ATTEMPTS for n in failed):
        raise RetryTask(delay=(FIRST_RETRY * 2 ** (min(failed) - 1)).total_seconds())
    if failed:
        log.error("case event %s: gave up after %d attempts", event.id, MAX_ATTEMPTS)


def undelivered(now: dt.datetime) -> list[int]:
    """Return the ids of recent events some subscribed handler has not done and may still do."""
    newest = PetitionEvent.objects.aggregate(n=Max("pk"))["n"]
    if newest is None:
        return []
    # A range of the primary key bounds the scan; the event table has no index on `at`.
    recent = PetitionEvent.objects.filter(
        pk__gt=newest - SCAN_EVENTS, at__gte=now - WINDOW, at__lte=now - GRACE
    ).exclude(_BULK_WRITTEN)
    ids: set[int] = set()
    for kind, handlers in _subscriptions.items():
        for name in handlers:
            delivered = EventDelivery.objects.filter(event=OuterRef("pk"), handler=name)
            ids.update(
                recent.filter(action=kind).exclude(Exists(delivered)).values_list("pk", flat=True)
            )
    # Failed and no retry pending: the retries were lost with a stopped consumer.
    names = [name for handlers in _subscriptions.values() for name in handlers]
    ids.update(
        EventDelivery.objects.filter(
            done_at=None, attempts__lt=MAX_ATTEMPTS, tried_at__lte=now - STALLED, handler__in=names
        ).values_list("event_id", flat=True)
    )
    return sorted(ids)


def pending(handler: Handler, *, scan: int = SCAN_EVENTS) -> QuerySet[PetitionEvent]:
    """Return the events among the newest `scan` that `handler` has not done."""
    name = handler_name(handler)
    if handler not in _subscriptions_of(name):
        raise ValueError(f"{name} is not subscribed")
    done = EventDelivery.objects.filter(event=OuterRef("pk"), handler=name, done_at__isnull=False)
    kinds = [kind for kind, handlers in _subscriptions.items() if name in handlers]
    newest = Subquery(PetitionEvent.objects.order_by("-pk").values("pk")[:1])
    return (
        PetitionEvent.objects.filter(pk__gt=newest - scan, action__in=kinds)
        .exclude(Exists(done))
        .exclude(_BULK_WRITTEN)
    )


def deliver_pending(
    handler: Handler, batch: Callable[[Sequence[CaseEvent]], None], *, scan: int = SCAN_EVENTS
) -> int:
    """Do now the recent events `handler` has not done, all in one go; return how many.

    For a reader that cannot wait for the queue (the KPI summary before a figure is
    read): `batch` does the work of all of them at once, and their deliveries are
    recorded as done in the same transaction. Bounded, like the re-delivery, by the
    newest `scan` events.
    """
    name = handler_name(handler)
    with transaction.atomic():
        rows = [_case_event(row) for row in pending(handler, scan=scan)]
        if not rows:
            return 0
        batch(rows)
        now = clock.now()
        EventDelivery.objects.bulk_create(
            [
                EventDelivery(event_id=e.id, handler=name, attempts=1, tried_at=now, done_at=now)
                for e in rows
            ],
            update_conflicts=True,
            unique_fields=["event", "handler"],
            update_fields=["tried_at", "done_at", "last_error"],
        )
    return len(rows)


def _subscriptions_of(name: str) -> list[Handler]:
    return [handlers[name] for handlers in _subscriptions.values() if name in handlers]


@db_periodic_task(crontab(minute="*/10"))  # type: ignore[untyped-decorator]
def redeliver_case_events() -> None:
    """Every ten minutes, deliver again the recent events some handler has not done."""
    for event_id in undelivered(clock.now()):
        deliver_case_event(event_id)
