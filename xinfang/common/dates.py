"""The local date of a moment column, computed by the database itself on SQLite too.

Django casts a moment to its local date on SQLite with a Python function the database
calls for each row (`django_datetime_cast_date`: the text parsed, made aware, converted
with zoneinfo), which was most of the KPI summary's recount of an import. Where the time
zone's offsets from UTC form a finite list — every zone whose rule no longer changes
with the seasons, Asia/Shanghai's among them — the local date is SQLite's own
`date(column, '+N seconds')`, the offset chosen by a CASE over the instants the zone
changed it (newest first: a recent moment meets the first). A zone that still changes
with the seasons keeps Django's function. PostgreSQL and the others cast natively already.
"""

import datetime as dt
import functools
import importlib
from typing import Any

from django.db.models.functions import TruncDate

# zoneinfo's pure-Python reader, the only one that lists a zone's changes (untyped).
_zoneinfo: Any = importlib.import_module("zoneinfo._zoneinfo")
_EPOCH = dt.datetime(1970, 1, 1)


@functools.lru_cache(maxsize=8)
def utc_offsets(tzname: str) -> tuple[tuple[str | None, int], ...] | None:
    """Return the zone's offsets as (from this UTC text on, seconds), newest first, or None.

    The last pair's text is None: the offset before the first change. None when the zone
    changes its offset by a rule without end (a daylight-saving zone) or cannot be read.
    """
    try:
        zone: Any = _zoneinfo.ZoneInfo.no_cache(tzname)
        changes, infos, before, after = (
            zone._trans_utc,
            zone._ttinfos,
            zone._tti_before,
            zone._tz_after,
        )
    except Exception:  # any failure means Django's own way
        return None
    if not isinstance(after, _zoneinfo._ttinfo):
        return None
    if changes and infos[-1].utcoff != after.utcoff:
        return None  # the moment of the last change would read the other offset
    if not changes:
        return ((None, int(after.utcoff.total_seconds())),)
    offsets: list[tuple[str | None, int]] = [(None, int(before.utcoff.total_seconds()))]
    for at, info in zip(changes, infos, strict=True):
        seconds = int(info.utcoff.total_seconds())
        if seconds == offsets[-1][1]:
            continue
        text = (_EPOCH + dt.timedelta(seconds=at)).isoformat(" ")
        offsets.append((text, seconds))
    # (from, offset) pairs turned newest first, the first offset last with no bound.
    return tuple(reversed(offsets))


def _modifier(seconds: int) -> str:
    return f"'{seconds:+d} seconds'"


class LocalDate(TruncDate):
    """The date of a moment in `tzinfo` (default: the current zone, as a `__date` lookup)."""

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> tuple[str, Any]:
        offsets = utc_offsets(self.get_tzname())
        if offsets is None:
            return self.as_sql(compiler, connection)
        sql, params = compiler.compile(self.lhs)
        # SQLite reads a time to the millisecond, rounded: 23:59:59.9999 would be the next
        # day. The whole seconds only, as zoneinfo converts them.
        second = f"substr({sql}, 1, 19)"
        if len(offsets) == 1:
            return f"date({second}, {_modifier(offsets[0][1])})", params
        # The column's text compared with each change's: both naive UTC, ISO with a space.
        # The texts and numbers are made here, never given: written into the SQL.
        whens = " ".join(
            f"WHEN {sql} >= '{at}' THEN {_modifier(s)}" for at, s in offsets if at is not None
        )
        case = f"CASE {whens} ELSE {_modifier(offsets[-1][1])} END"
        return f"date({second}, {case})", (*params, *params * (len(offsets) - 1))
