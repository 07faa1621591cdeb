"""The one source of "now" and "today", so that tests control time (time-machine)."""

import datetime as dt

from django.utils import timezone


def now() -> dt.datetime:
    """Return the current aware datetime."""
    return timezone.now()


def today() -> dt.date:
    """Return today's date in the office's time zone."""
    return timezone.localdate()


def local_date(moment: dt.datetime) -> dt.date:
    """Return the office's calendar date of an aware datetime."""
    return timezone.localdate(moment)
