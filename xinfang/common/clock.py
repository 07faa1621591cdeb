"""The one source of "now" and "today", so that tests and the demo control time.

Tests move time with time-machine. The demo replays two years of cases through the real
services; `frozen_at` makes every `now()` and `today()` inside a block answer a chosen
moment, for the current thread or task only (a context variable), so that a request
served meanwhile keeps the real time.
"""

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.utils import timezone

_frozen: ContextVar[dt.datetime | None] = ContextVar("frozen_now", default=None)


def now() -> dt.datetime:
    """Return the current aware datetime, or the moment `frozen_at` holds."""
    frozen = _frozen.get()
    return timezone.now() if frozen is None else frozen


def today() -> dt.date:
    """Return today's date in the office's time zone."""
    return timezone.localdate(now())


def local_date(moment: dt.datetime) -> dt.date:
    """Return the office's calendar date of an aware datetime."""
    return timezone.localdate(moment)


@contextmanager
def frozen_at(moment: dt.datetime) -> Iterator[None]:
    """Make `now()` and `today()` answer `moment` inside the block."""
    if timezone.is_naive(moment):
        raise ValueError("frozen_at needs an aware datetime.")
    token = _frozen.set(moment.astimezone(dt.UTC))
    try:
        yield
    finally:
        _frozen.reset(token)
