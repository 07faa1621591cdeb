"""LocalDate (common/dates.py): the database's local date of a moment is Python's, on every
change of the zone's offset, a microsecond either side of midnight, and in a zone that
still changes with the seasons (Django's own function then); the summary's counts use it."""

import datetime as dt
import random
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.utils import timezone

from xinfang.assessment.models import KpiState
from xinfang.common.dates import LocalDate, utc_offsets

pytestmark = pytest.mark.django_db

UTC = dt.UTC


def _moments(zone: str) -> list[dt.datetime]:
    """Moments a second, a microsecond and an hour around each change, and at random."""
    moments = []
    for at, _seconds in utc_offsets(zone) or ():
        if at is None:
            continue
        change = dt.datetime.fromisoformat(at).replace(tzinfo=UTC)
        for delta in (-3600, -1, 0, 1, 3600):
            moments.append(change + dt.timedelta(seconds=delta))
        moments.append(change - dt.timedelta(microseconds=1))
    rng = random.Random(7)
    for _ in range(300):
        day = dt.datetime(1880, 1, 1, tzinfo=UTC) + dt.timedelta(days=rng.randint(0, 80_000))
        local = day.astimezone(ZoneInfo(zone)).replace(hour=0, minute=0, second=0, microsecond=0)
        midnight = local.astimezone(UTC)  # a local midnight, either side of it
        moments += [midnight - dt.timedelta(microseconds=1), midnight, day]
    return moments


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "UTC", "Asia/Kolkata", "Europe/Berlin"])
def test_the_database_gives_the_local_date_python_gives(zone: str) -> None:
    moments = _moments(zone)
    KpiState.objects.bulk_create(
        [KpiState(pk=n, follow_up_days=0, built_at=m) for n, m in enumerate(moments, start=100)]
    )
    got = dict(
        KpiState.objects.filter(pk__gte=100)
        .annotate(day=LocalDate("built_at", tzinfo=ZoneInfo(zone)))
        .values_list("pk", "day")
    )
    wrong = [
        (m, got[n])
        for n, m in enumerate(moments, start=100)
        if got[n] != timezone.localtime(m, ZoneInfo(zone)).date()
    ]
    assert wrong == []


def test_only_a_zone_that_still_changes_with_the_seasons_keeps_djangos_function() -> None:
    assert utc_offsets("Europe/Berlin") is None
    shanghai = utc_offsets("Asia/Shanghai")
    assert shanghai is not None
    assert shanghai[0] == ("1991-09-14 17:00:00", 8 * 3600)  # the last change, first
    assert shanghai[-1][0] is None  # local mean time before the first
    assert utc_offsets("UTC") == ((None, 0),)


def test_on_sqlite_the_date_is_the_databases_own_function() -> None:
    query = KpiState.objects.annotate(day=LocalDate("built_at", tzinfo=ZoneInfo("Asia/Shanghai")))
    sql = str(query.query)
    if connection.vendor == "sqlite":
        assert "django_datetime_cast_date" not in sql
        assert "date(substr(" in sql
