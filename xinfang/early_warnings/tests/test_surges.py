"""Surges: the Poisson rule on a series with a known spike, and one alert per series and week."""

import datetime as dt
from typing import Any

import pytest

from xinfang.early_warnings import rules, services
from xinfang.early_warnings.models import Alert
from xinfang.petitions.tests.factories import register, travel


def test_the_poisson_tail_is_exact_on_small_numbers() -> None:
    # P(X ≥ 1) = 1 - e^-2; P(X ≥ 3) = 1 - e^-2 (1 + 2 + 2).
    assert rules.poisson_upper_tail(1, 2.0) == pytest.approx(1 - 2.718281828**-2)
    assert rules.poisson_upper_tail(3, 2.0) == pytest.approx(1 - 5 * 2.718281828**-2)
    assert rules.poisson_upper_tail(0, 5.0) == 1.0


def test_a_known_spike_is_found_and_the_ordinary_weeks_around_it_are_not() -> None:
    # A category with 3–6 cases a week, and one week of 18.
    series = [4, 3, 5, 6, 4, 3, 5, 4, 18, 5, 4, 6, 3, 5, 4, 6]
    trailing = rules.SURGE_TRAILING_WEEKS
    found = {
        week: rules.surge(series[week], series[week - trailing : week])
        for week in range(trailing, len(series))
    }
    assert [week for week, s in found.items() if s is not None] == [8]
    spike = found[8]
    assert spike is not None and spike.mean == 4.25 and spike.p < rules.SURGE_P


def test_a_few_cases_on_a_quiet_series_are_no_surge() -> None:
    # Four cases where there were none: rare, but under SURGE_MIN_COUNT.
    assert rules.surge(4, [0] * 8) is None
    assert rules.surge(6, [0] * 8) is not None


def test_a_sensitive_period_lets_a_smaller_spike_through() -> None:
    trailing = [4, 3, 5, 6, 4, 3, 5, 4]
    assert rules.surge(11, trailing) is None
    assert rules.surge(11, trailing, p=rules.SURGE_P_SENSITIVE) is not None


MONDAY = dt.date(2026, 3, 2)


@pytest.mark.django_db
def test_a_surge_at_one_community_raises_one_alert_that_grows_through_the_week(
    street: Any,
) -> None:
    def case(day: dt.date, n: int) -> None:
        with travel(day):
            register(
                street.registrar,
                title=f"门口施工噪音{n}",
                content=f"小区门口道路施工夜间噪音扰民{n}",
                community_id=street.lakeside.pk,
            )

    for week in range(1, 9):  # one case a week for eight weeks
        case(MONDAY - dt.timedelta(weeks=week), week)
    for n in range(6):
        case(MONDAY + dt.timedelta(days=1), 100 + n)
    (alert,) = [a for a in services.surges_detect(today=MONDAY + dt.timedelta(days=1))
                if a.subject.startswith("surge:community")]  # fmt: skip
    assert alert.owner_unit == street.lakeside
    assert alert.petitions.count() == 6 and "6 件" in alert.summary
    case(MONDAY + dt.timedelta(days=2), 200)
    services.surges_detect(today=MONDAY + dt.timedelta(days=2))
    alert.refresh_from_db()
    assert Alert.objects.filter(subject=alert.subject).count() == 1
    assert alert.petitions.count() == 7 and "7 件" in alert.summary
    assert list(alert.events.values_list("action", flat=True)) == ["raise", "grow"]
