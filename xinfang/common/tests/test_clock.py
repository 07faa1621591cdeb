"""The project clock: real time by default, a chosen moment inside `frozen_at`."""

import datetime as dt
import threading
import zoneinfo

import pytest
import time_machine
from django.utils import timezone

from xinfang.common import clock

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def test_now_and_today_follow_the_real_clock_outside_an_override() -> None:
    with time_machine.travel(dt.datetime(2025, 3, 4, 23, 30, tzinfo=SHANGHAI), tick=False):
        assert clock.now() == dt.datetime(2025, 3, 4, 15, 30, tzinfo=dt.UTC)
        assert clock.today() == dt.date(2025, 3, 4)


def test_frozen_at_makes_now_and_today_answer_the_moment_inside_the_block() -> None:
    moment = dt.datetime(2024, 5, 6, 0, 30, tzinfo=SHANGHAI)  # still the 5th in UTC
    with clock.frozen_at(moment):
        assert clock.now() == moment
        assert clock.now().tzinfo == dt.UTC
        assert clock.today() == timezone.localdate(moment)
    assert clock.now() > moment + dt.timedelta(days=365)


def test_frozen_at_nests_and_restores_the_outer_moment() -> None:
    outer = dt.datetime(2024, 1, 1, 9, tzinfo=dt.UTC)
    inner = dt.datetime(2024, 2, 1, 9, tzinfo=dt.UTC)
    with clock.frozen_at(outer):
        with clock.frozen_at(inner):
            assert clock.now() == inner
        assert clock.now() == outer


def test_frozen_at_restores_the_clock_when_the_block_raises() -> None:
    moment = dt.datetime(2024, 1, 1, 9, tzinfo=dt.UTC)
    with pytest.raises(RuntimeError), clock.frozen_at(moment):
        raise RuntimeError
    assert clock.now() != moment


def test_frozen_at_holds_only_for_the_thread_that_froze_it() -> None:
    moment = dt.datetime(2024, 1, 1, 9, tzinfo=dt.UTC)
    seen: list[dt.datetime] = []
    with clock.frozen_at(moment):
        other = threading.Thread(target=lambda: seen.append(clock.now()))
        other.start()
        other.join()
        assert clock.now() == moment
    assert seen[0] != moment


def test_frozen_at_refuses_a_naive_moment() -> None:
    with pytest.raises(ValueError), clock.frozen_at(dt.datetime(2024, 1, 1, 9)):
        pass
