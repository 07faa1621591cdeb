"""Keeping the KPI summary (models/summary.py) equal to what the rules count live.

A case is counted on the days of its anchors (registered, replied, due) under its owning
unit. Whenever a case changes — a case event, or a bulk write — `count_cases` marks the
days it was counted on (its KpiCounted row) and the days it counts on now; `refresh`
then counts every marked day of every marked unit again from the petition table, with
the very filters of selectors/rules.py, and replaces those days' rows. Counting a whole
day again, instead of adding and taking away one case, keeps the summary right whatever
happened in between: a repeat that makes its original "raised again", a merge, a unit
handing a case on, a deadline extended.

`bring_up_to_date` is what a reader calls first: it builds the summary when it has never
been built (or the follow-up window it was built with has changed), counts the recent
events no delivery has counted yet (the queue may be behind, or stopped), and refreshes
the marked days. It writes only when there is something to do.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Exists, F, Model, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from xinfang.assessment.kpis import Period
from xinfang.assessment.models.summary import (
    DAYS,
    DueDay,
    KpiCounted,
    KpiMark,
    KpiState,
    RegisteredDay,
    RegisteredSlice,
    RepliedDay,
)
from xinfang.assessment.selectors.rules import (
    ANCHOR_COLUMNS,
    DUE,
    REGISTERED,
    REPLIED,
    Part,
    between,
    follow_up_days,
    parts,
)
from xinfang.common import clock
from xinfang.petitions import events
from xinfang.petitions.events import CaseEvent
from xinfang.petitions.models import Petition
from xinfang.petitions.workflow import Status

# The tables of each anchor; a registration's day is counted in two.
TABLES: dict[str, tuple[type[Model], ...]] = {
    REGISTERED: (RegisteredDay, RegisteredSlice),
    REPLIED: (RepliedDay,),
    DUE: (DueDay,),
}
CHUNK = 1000  # ids or days per statement, well under every database's parameter limit
# A reader looks this many events back for the ones the queue has not yet counted; the
# queue's own re-delivery looks further (events.SCAN_EVENTS, two days).
READ_SCAN = 2_000

Key = tuple[int, str, dt.date]  # (owning unit, anchor, day)


def _local_day(at: dt.datetime) -> dt.date:
    return timezone.localtime(at, timezone.get_default_timezone()).date()


def _day_of(anchor: str) -> Any:
    """Return the expression of a case's day of `anchor`, the office's local date."""
    if anchor == DUE:
        return F(ANCHOR_COLUMNS[DUE])
    return TruncDate(ANCHOR_COLUMNS[anchor], tzinfo=timezone.get_default_timezone())


def _keys(unit: int, registered: dt.date, replied: dt.date | None, due: dt.date | None) -> set[Key]:
    keys = {(unit, REGISTERED, registered)}
    if replied is not None:
        keys.add((unit, REPLIED, replied))
    if due is not None:
        keys.add((unit, DUE, due))
    return keys


# ---------------------------------------------------------------- the one lock


def _locked_state() -> KpiState:
    """Lock the summary's one state row (made unbuilt if missing) for this transaction.

    Every write of the summary takes it first, so counts, refreshes and rebuilds follow
    one another on PostgreSQL as SQLite's single writer makes them: a refresh never
    reads a day a rebuild is replacing, and a mark cannot fall between two refreshes.
    """
    state = KpiState.objects.select_for_update().filter(pk=1).first()
    if state is None:
        unbuilt = KpiState(pk=1, follow_up_days=0, built_at=clock.now())
        KpiState.objects.bulk_create([unbuilt], ignore_conflicts=True)
        state = KpiState.objects.select_for_update().get(pk=1)
    return state


# ---------------------------------------------------------------- marking


@transaction.atomic
def count_cases(petition_ids: Iterable[int]) -> None:
    """Mark the days the cases were and are counted on, and the days of their originals."""
    _locked_state()
    ids = sorted(set(petition_ids))
    marks: set[Key] = set()
    for start in range(0, len(ids), CHUNK):
        marks |= _count_chunk(ids[start : start + CHUNK])
    # Once for all the chunks: an import's 100,000 cases fall on a few thousand days.
    _mark(marks)


def _count_chunk(ids: Sequence[int]) -> set[Key]:
    """Record where the cases are counted now; return the days they were and are on."""
    # The cases locked first, as their services lock them: a handler of a case's next
    # event waits here, then reads the state and the KpiCounted row this one leaves.
    rows = list(
        Petition.objects.select_for_update()
        .filter(pk__in=ids)
        .values_list(
            "pk",
            "owner_unit_id",
            "registered_at",
            "route_due",
            "replied_at",
            "handling_due",
            "repeat_of_id",
            "merged_into_id",
        )
    )
    marks: set[Key] = set()
    for c in KpiCounted.objects.filter(petition_id__in=ids):
        marks |= _keys(c.unit_id, c.registered_on, c.replied_on, c.due_on)
    counted, originals = [], set()
    for pk, unit, registered, route_due, replied, due, repeat_of, merged_into in rows:
        registered_on = _local_day(registered)
        replied_on = _local_day(replied) if replied else None
        counted.append((pk, unit, registered_on, route_due, replied_on, due))
        marks |= _keys(unit, registered_on, replied_on, due)
        # A repeat or a merge raises its original again: the original's figures change.
        originals |= {o for o in (repeat_of, merged_into) if o is not None}
    for c in KpiCounted.objects.filter(petition_id__in=originals - set(ids)):
        marks |= _keys(c.unit_id, c.registered_on, c.replied_on, c.due_on)
    _upsert_counted(counted)
    return marks


COUNTED_COLUMNS = ("petition_id", "unit_id", "registered_on", "route_due", "replied_on", "due_on")


def _upsert_counted(rows: Sequence[tuple[Any, ...]]) -> None:
    """Insert or replace KpiCounted rows, one executemany (SQLite and PostgreSQL alike)."""
    q = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({}) ON CONFLICT ({}) DO UPDATE SET {}".format(
        q(KpiCounted._meta.db_table),
        ", ".join(q(c) for c in COUNTED_COLUMNS),
        ", ".join(["%s"] * len(COUNTED_COLUMNS)),
        q("petition_id"),
        ", ".join(f"{q(c)} = excluded.{q(c)}" for c in COUNTED_COLUMNS[1:]),
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _mark(keys: Iterable[Key]) -> None:
    KpiMark.objects.bulk_create(
        [KpiMark(unit_id=u, anchor=a, day=d) for u, a, d in keys], batch_size=CHUNK
    )


def count_on_event(event: CaseEvent) -> None:
    """The case-event handler: count the changed case again (subscribed to every kind)."""
    count_written([event.petition_id])


def count_written(petition_ids: Sequence[int]) -> None:
    """The bulk handler: count the cases a bulk write made (their events were never handed on)."""
    count_cases(petition_ids)
    refresh()


def count_deleted(sender: Any, instance: Petition, **kwargs: Any) -> None:
    """Before a case is deleted (the demo's reset), mark its days and its original's."""
    _locked_state()
    keys = _keys(
        instance.owner_unit_id,
        _local_day(instance.registered_at),
        _local_day(instance.replied_at) if instance.replied_at else None,
        instance.handling_due,
    )
    # Where it was last counted (its latest change may not be counted yet), and the
    # original it raised again.
    originals = [o for o in (instance.repeat_of_id, instance.merged_into_id) if o is not None]
    for c in KpiCounted.objects.filter(petition_id__in=[instance.pk, *originals]):
        keys |= _keys(c.unit_id, c.registered_on, c.replied_on, c.due_on)
    _mark(keys)


def _count_events(batch: Sequence[CaseEvent]) -> None:
    count_cases(e.petition_id for e in batch)


# ---------------------------------------------------------------- counting days again


Rows = dict[type[Model], list[Any]]


def _rows(anchor: str, scope: Q, window: int, days: set[dt.date] | None = None) -> Rows:
    """Return the summary rows of the cases `scope` selects (on `days` only, if given)."""
    anchor_parts: dict[str, Part] = {k: p for k, p in parts(window).items() if p.anchor == anchor}
    # Aliased apart from the columns: a count called "community" would shadow the field.
    counts: dict[str, Any] = {
        f"kpi_{key}": Sum("head_count", filter=p.q, default=0)
        if p.persons
        else Count("pk", filter=p.q)
        for key, p in anchor_parts.items()
    }
    dated = Q(**{f"{ANCHOR_COLUMNS[anchor]}__isnull": False})
    cases = Petition.objects.filter(scope, dated).order_by().annotate(kpi_day=_day_of(anchor))
    group = ["owner_unit_id", "kpi_day"] + (["route_due"] if anchor == REGISTERED else [])
    model: type[RegisteredDay | RepliedDay | DueDay] = DAYS[anchor]
    rows: Rows = {
        model: [
            model(
                unit_id=r["owner_unit_id"],
                day=r["kpi_day"],
                **{k: r[k] for k in group[2:]},
                **{key: r[f"kpi_{key}"] for key in anchor_parts},
            )
            for r in cases.values(*group).annotate(**counts)
        ]
    }
    if anchor == REGISTERED:
        rows[RegisteredSlice] = [
            RegisteredSlice(unit_id=r.pop("owner_unit_id"), day=r.pop("kpi_day"), **r)
            for r in cases.filter(~Q(status=Status.MERGED))
            .values("owner_unit_id", "kpi_day", "channel", "category_id", "community_id")
            .annotate(n=Count("pk"))
        ]
    if days is not None:
        rows = {m: [r for r in made if r.day in days] for m, made in rows.items()}
    return rows


def _insert(rows: Rows) -> None:
    """Write summary rows with one executemany per table.

    bulk_create spent most of an import's count on them (it reads each new id back);
    nothing reads these rows' ids.
    """
    ops = connection.ops
    for model, made in rows.items():
        if not made:
            continue
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        sql = "INSERT INTO {} ({}) VALUES ({})".format(
            ops.quote_name(model._meta.db_table),
            ", ".join(ops.quote_name(f.column) for f in fields),
            ", ".join(["%s"] * len(fields)),
        )
        # Counts, ids and dates only, which both drivers take as they are (the fields'
        # preparation cost more than the insert).
        names = [f.attname for f in fields]
        values = [tuple(getattr(row, n) for n in names) for row in made]
        with connection.cursor() as cursor:
            for start in range(0, len(values), CHUNK):
                cursor.executemany(sql, values[start : start + CHUNK])


def _days_q(anchor: str, days: Sequence[dt.date]) -> Q:
    """Return the filter of the cases whose day of `anchor` lies from the first to the last day."""
    first, last = min(days), max(days)
    if anchor == DUE:
        return Q(handling_due__gte=first, handling_due__lte=last)
    return between(ANCHOR_COLUMNS[anchor], Period(first, last))


def _recount(anchor: str, unit: int, days: Sequence[dt.date], window: int) -> None:
    for start in range(0, len(days), CHUNK):
        chunk = days[start : start + CHUNK]
        for model in TABLES[anchor]:
            model._default_manager.filter(unit_id=unit, day__in=chunk).delete()
    _insert(_rows(anchor, Q(owner_unit_id=unit) & _days_q(anchor, days), window, set(days)))


def refresh() -> int:
    """Count every marked day again; return how many days were counted."""
    with transaction.atomic():
        state = _locked_state()
        marks = list(KpiMark.objects.values_list("pk", "unit_id", "anchor", "day"))
        if not marks:
            return 0
        # The window the summary was built with: a process's cached rule may be older.
        window = state.follow_up_days or follow_up_days()
        days: dict[tuple[str, int], set[dt.date]] = defaultdict(set)
        for _pk, unit, anchor, day in marks:  # a day may be marked more than once
            days[(anchor, unit)].add(day)
        for (anchor, unit), listed in days.items():
            _recount(anchor, unit, sorted(listed), window)
        pks = [m[0] for m in marks]
        for start in range(0, len(pks), CHUNK):
            KpiMark.objects.filter(pk__in=pks[start : start + CHUNK]).delete()
    return len(marks)


# ---------------------------------------------------------------- building


@transaction.atomic
def rebuild(*, unless_built: bool = False) -> None:
    """Count every case again from nothing: the first time, and when the window changes.

    `unless_built`: not if another reader built it with today's window while this one
    waited for the lock.
    """
    state = _locked_state()
    window = follow_up_days()
    if unless_built and state.follow_up_days == window:
        return
    emptied: list[type[Model]] = [m for models in TABLES.values() for m in models]
    emptied += [KpiMark, KpiCounted]
    for model in emptied:
        model._default_manager.all().delete()
    _insert_counted()
    for anchor in TABLES:
        _insert(_rows(anchor, Q(), window))
    state.follow_up_days, state.built_at = window, clock.now()
    state.save()


def _insert_counted() -> None:
    """Write every case's KpiCounted row in one INSERT … SELECT."""
    select = Petition.objects.order_by().values_list(
        "pk",
        "owner_unit_id",
        _day_of(REGISTERED),
        "route_due",
        _day_of(REPLIED),
        "handling_due",
    )
    sql, params = select.query.sql_with_params()
    table = connection.ops.quote_name(KpiCounted._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in COUNTED_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({columns}) {sql}", params)


def bring_up_to_date() -> None:
    """Make the summary count every committed change; cheap when it already does."""
    # One query when there is nothing to do: whether it is built, marked or behind.
    state = KpiState.objects.annotate(
        marked=Exists(KpiMark.objects.all()),
        behind=Exists(events.pending(count_on_event, scan=READ_SCAN)),
    ).first()
    if state is None or state.follow_up_days != follow_up_days():
        # The recent events are counted again below: the same counts, in no time.
        rebuild(unless_built=True)
    if state is None or state.behind:
        events.deliver_pending(count_on_event, _count_events, scan=READ_SCAN)
    if state is None or state.behind or state.marked:
        refresh()
