"""Time-limit arithmetic: pure functions of dates; `today` is always an argument.

A limit counts calendar days, or working days on the official PRC calendar, where the
State Council's holidays are days off and its adjusted weekend days (调休) are working
days. `chinese_calendar` knows the years the State Council has published; past them a
working day is simply Monday to Friday, and `calendar_known` lets the UI say so.
"""

import datetime as dt
import logging
from dataclasses import dataclass
from functools import lru_cache

import chinese_calendar

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TimeLimit:
    days: int
    working_days: bool = False


@lru_cache(maxsize=4096)
def is_working_day(day: dt.date) -> bool:
    """Return whether `day` is a working day on the official calendar."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        log.warning("No official holiday calendar for %s; counting Monday to Friday.", day.year)
        return day.weekday() < 5


def calendar_known(year: int) -> bool:
    """Return whether the official holidays of `year` are known to the calendar."""
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def add_days(start: dt.date, days: int, *, working_days: bool = False) -> dt.date:
    """Return the day `days` days after `start`, counting only working days if asked."""
    if not working_days:
        return start + dt.timedelta(days=days)
    day, left = start, days
    while left > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            left -= 1
    return day


def due_date(
    start: dt.date, limit: TimeLimit, *, paused_days: int = 0, extra_days: int = 0
) -> dt.date:
    """Return the last day of `limit` counted from `start`.

    Paused time (a hearing) and an approved extension move the deadline by their length in
    calendar days, since both are granted as calendar periods.
    """
    base = add_days(start, limit.days, working_days=limit.working_days)
    return base + dt.timedelta(days=paused_days + extra_days)


def days_left(due: dt.date, today: dt.date) -> int:
    """Return calendar days from `today` to `due`; negative when overdue."""
    return (due - today).days


def is_overdue(due: dt.date | None, today: dt.date) -> bool:
    """Return whether `due` has passed."""
    return due is not None and today > due
