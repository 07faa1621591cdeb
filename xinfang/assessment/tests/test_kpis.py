"""The pure KPI arithmetic: periods, rates, changes, targets."""

import datetime as dt

from xinfang.assessment import kpis
from xinfang.assessment.kpis import Period


def test_every_kpi_of_the_issue_is_declared_with_its_rule():
    keys = {k.key for k in kpis.KPIS}
    assert {
        "on_time_rate",
        "first_time_rate",
        "timely_acceptance_rate",
        "settled_rate",
        "satisfaction_rate",
        "rating_rate",
        "repeat_rate",
        "leader_case_rate",
        "community_locality_rate",
        "street_locality_rate",
        "letters",
        "visits",
        "collective_visits",
        "skip_level_collective",
        "major_incidents",
    } <= keys
    assert all(str(k.rule) for k in kpis.KPIS)


def test_month_quarter_and_year_of_a_day():
    day = dt.date(2024, 2, 14)
    assert kpis.month_of(day) == Period(dt.date(2024, 2, 1), dt.date(2024, 2, 29))
    assert kpis.quarter_of(day) == Period(dt.date(2024, 1, 1), dt.date(2024, 3, 31))
    assert kpis.quarter_of(dt.date(2024, 12, 1)) == Period(
        dt.date(2024, 10, 1), dt.date(2024, 12, 31)
    )
    assert kpis.year_of(day) == Period(dt.date(2024, 1, 1), dt.date(2024, 12, 31))


def test_the_same_period_last_year_turns_29_february_into_the_28th():
    leap = Period(dt.date(2024, 2, 1), dt.date(2024, 2, 29))
    assert leap.previous_year() == Period(dt.date(2023, 2, 1), dt.date(2023, 2, 28))


def test_twelve_months_end_with_the_month_of_the_day_oldest_first():
    months = kpis.months_until(dt.date(2025, 3, 31))
    assert len(months) == 12
    assert months[0].start == dt.date(2024, 4, 1)
    assert months[-1] == Period(dt.date(2025, 3, 1), dt.date(2025, 3, 31))


def test_a_rate_of_nothing_counted_is_none_not_zero():
    assert kpis.rate(0, 0) is None
    assert kpis.rate(3, 4) == 0.75


def test_change_against_last_year_and_per_10000_residents():
    assert kpis.change(3, 1) == 2.0
    assert kpis.change(3, 0) is None
    assert kpis.per_10k(3, 40_000) == 0.75
    assert kpis.per_10k(3, None) is None


def test_rates_meet_a_target_from_above_and_incidents_from_below():
    on_time = kpis.BY_KEY["on_time_rate"]
    incidents, letters = kpis.BY_KEY["major_incidents"], kpis.BY_KEY["letters"]
    assert kpis.meets_target(on_time, 0.96, on_time.target) is True
    assert kpis.meets_target(on_time, 0.5, on_time.target) is False
    assert kpis.meets_target(incidents, 1, incidents.target) is False
    assert kpis.meets_target(incidents, 0, incidents.target) is True
    assert kpis.meets_target(letters, 5, letters.target) is None
