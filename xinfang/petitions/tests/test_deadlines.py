"""Time-limit arithmetic on the official calendar, and its Monday-to-Friday fallback."""

import datetime as dt
import logging

import chinese_calendar
import pytest

from xinfang.petitions import deadlines
from xinfang.petitions.deadlines import TimeLimit

D = dt.date
# A year past what chinese_calendar has published; the fallback applies to it.
UNKNOWN_YEAR = 2030


def test_the_bundled_calendar_does_not_know_the_fallback_year() -> None:
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(D(UNKNOWN_YEAR, 6, 1))


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2025, 9, 26), True),  # Friday
        (D(2025, 9, 27), False),  # Saturday
        (D(2025, 9, 28), True),  # Sunday, adjusted working day (调休)
        (D(2025, 10, 1), False),  # National Day
        (D(2025, 10, 6), False),  # Monday inside the holiday
        (D(2025, 10, 8), False),  # last day of the holiday
        (D(2025, 10, 9), True),
        (D(2025, 10, 11), True),  # Saturday, adjusted working day
        (D(2025, 10, 12), False),  # Sunday
    ],
)
def test_national_day_2025_holidays_and_adjusted_days(day: dt.date, working: bool) -> None:
    assert deadlines.is_working_day(day) is working


def test_one_working_day_after_the_eve_of_national_day_is_after_the_holiday() -> None:
    assert deadlines.add_days(D(2025, 9, 30), 1, working_days=True) == D(2025, 10, 9)


def test_an_adjusted_sunday_counts_as_a_working_day() -> None:
    assert deadlines.add_days(D(2025, 9, 26), 1, working_days=True) == D(2025, 9, 28)


def test_five_working_days_across_national_day_skip_the_holiday_and_count_the_saturday() -> None:
    # 9/30, then 10/9, 10/10, 10/11 (adjusted Saturday), 10/13.
    assert deadlines.add_days(D(2025, 9, 29), 5, working_days=True) == D(2025, 10, 13)


def test_spring_festival_2026_is_the_calendar_this_suite_assumes() -> None:
    holidays = chinese_calendar.get_holidays(D(2026, 2, 14), D(2026, 2, 28), include_weekends=False)
    assert holidays == [D(2026, 2, 15) + dt.timedelta(days=i) for i in range(9)]  # 2/15–2/23
    assert chinese_calendar.is_workday(D(2026, 2, 14))  # Saturday worked before
    assert chinese_calendar.is_workday(D(2026, 2, 28))  # Saturday worked after


def test_five_working_days_from_spring_festival_eve_2026_end_on_the_adjusted_saturday() -> None:
    # The eve (除夕) is 16 February; 2/24, 2/25, 2/26, 2/27 and the adjusted Saturday 2/28.
    assert deadlines.add_days(D(2026, 2, 16), 5, working_days=True) == D(2026, 2, 28)


def test_calendar_day_limit_does_not_skip_holidays() -> None:
    assert deadlines.due_date(D(2025, 9, 30), TimeLimit(15)) == D(2025, 10, 15)
    assert deadlines.add_days(D(2025, 9, 30), 1) == D(2025, 10, 1)


def test_zero_days_is_the_start_itself() -> None:
    assert deadlines.add_days(D(2025, 10, 1), 0, working_days=True) == D(2025, 10, 1)
    assert deadlines.due_date(D(2025, 10, 1), TimeLimit(0)) == D(2025, 10, 1)


def test_sixty_day_handling_limit_is_sixty_calendar_days() -> None:
    assert deadlines.due_date(D(2025, 11, 3), TimeLimit(60)) == D(2026, 1, 2)


def test_paused_and_extra_days_move_the_deadline_by_calendar_days() -> None:
    limit = TimeLimit(60)
    start = D(2025, 11, 3)
    assert deadlines.due_date(start, limit, paused_days=10) == D(2026, 1, 12)
    assert deadlines.due_date(start, limit, extra_days=30) == D(2026, 2, 1)
    assert deadlines.due_date(start, limit, paused_days=10, extra_days=30) == D(2026, 2, 11)


def test_paused_days_are_added_after_working_days_are_counted() -> None:
    limit = TimeLimit(5, working_days=True)
    assert deadlines.due_date(D(2025, 9, 29), limit, paused_days=2) == D(2025, 10, 15)


@pytest.mark.parametrize(
    ("due", "today", "left", "overdue"),
    [
        (D(2025, 10, 15), D(2025, 10, 10), 5, False),
        (D(2025, 10, 15), D(2025, 10, 15), 0, False),
        (D(2025, 10, 15), D(2025, 10, 16), -1, True),
        (D(2025, 10, 15), D(2025, 11, 14), -30, True),
    ],
)
def test_days_left_and_overdue_count_calendar_days_from_today(
    due: dt.date, today: dt.date, left: int, overdue: bool
) -> None:
    assert deadlines.days_left(due, today) == left
    assert deadlines.is_overdue(due, today) is overdue


def test_a_case_without_a_deadline_is_never_overdue() -> None:
    assert deadlines.is_overdue(None, D(2099, 1, 1)) is False


def test_calendar_is_known_for_published_years_only() -> None:
    assert deadlines.calendar_known(2025) is True
    assert deadlines.calendar_known(2026) is True
    assert deadlines.calendar_known(UNKNOWN_YEAR) is False


def test_unknown_year_counts_monday_to_friday_and_says_so(caplog: pytest.LogCaptureFixture) -> None:
    deadlines.is_working_day.cache_clear()
    with caplog.at_level(logging.WARNING, logger="xinfang.petitions.deadlines"):
        # 1 January is a holiday in every published year, but the fallback cannot know it.
        assert deadlines.is_working_day(D(UNKNOWN_YEAR, 1, 1)) is True
    assert str(UNKNOWN_YEAR) in caplog.text
    assert deadlines.is_working_day(D(UNKNOWN_YEAR, 1, 5)) is False  # Saturday
    assert deadlines.is_working_day(D(UNKNOWN_YEAR, 1, 6)) is False  # Sunday


def test_working_days_in_an_unknown_year_skip_only_weekends() -> None:
    # Friday 4 January 2030 + 1 → Monday 7; + 5 → Friday 11.
    assert deadlines.add_days(D(UNKNOWN_YEAR, 1, 4), 1, working_days=True) == D(UNKNOWN_YEAR, 1, 7)
    assert deadlines.add_days(D(UNKNOWN_YEAR, 1, 4), 5, working_days=True) == D(UNKNOWN_YEAR, 1, 11)
