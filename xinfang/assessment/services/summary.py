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
the marked days. It writes only when there is something to do. A page of several
readers asks once for all of them (`brought_up_to_date`).
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Exists, F, Model, Q, QuerySet, Sum
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
from xinfang.common.dates import LocalDate
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
# Marked days this close are counted again as one range (the days between too).
SPAN_GAP = 7

Key = tuple[int, str, dt.date]  # (owning unit, anchor, day)


def _local_day(at: dt.datetime) -> dt.date:
    return timezone.localtime(at, timezone.get_default_timezone()).date()


def _local_date(column: str) -> LocalDate:
    return LocalDate(column, tzinfo=timezone.get_default_timezone())


def _day_of(anchor: str) -> Any:
    """Return the expression of a case's day of `anchor`, the office's local date."""
    if anchor == DUE:
        return F(ANCHOR_COLUMNS[DUE])
    return _local_date(ANCHOR_COLUMNS[anchor])


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


def _ids_q(field: str, ids: Sequence[int]) -> Q:
    """Return the filter of the sorted `ids`: a range when they follow one another.

    An import's cases do; an IN list prepared id by id was a third of its count.
    """
    if ids and ids[-1] - ids[0] + 1 == len(ids):
        return Q(**{f"{field}__gte": ids[0], f"{field}__lte": ids[-1]})
    return Q(**{f"{field}__in": ids})


def _fetch(query: QuerySet[Any]) -> list[tuple[Any, ...]]:
    """Return the rows of a values_list query as the driver gives them (no converters).

    The days come back as the database holds them (ISO text on SQLite); every day of a
    count's marks is read this way, so the same day is the same key.
    """
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows: list[tuple[Any, ...]] = cursor.fetchall()
    return rows


def _counted_keys(query: QuerySet[KpiCounted]) -> set[Key]:
    marks: set[Key] = set()
    columns = ("unit_id", "registered_on", "replied_on", "due_on")
    for unit, registered_on, replied_on, due_on in _fetch(query.values_list(*columns)):
        marks |= _keys(unit, registered_on, replied_on, due_on)
    return marks


def _count_chunk(ids: Sequence[int]) -> set[Key]:
    """Record where the cases are counted now; return the days they were and are on."""
    # The cases locked first, as their services lock them: a handler of a case's next
    # event waits here, then reads the state and the KpiCounted row this one leaves.
    cases = Petition.objects.filter(_ids_q("pk", ids)).order_by()
    rows = _fetch(
        cases.select_for_update().values_list(
            "owner_unit_id",
            _local_date("registered_at"),  # in SQL: no moment parsed here
            _local_date("replied_at"),
            "handling_due",
            "repeat_of_id",
            "merged_into_id",
        )
    )
    marks = _counted_keys(KpiCounted.objects.filter(_ids_q("petition_id", ids)))
    originals = set()
    for unit, registered_on, replied_on, due, repeat_of, merged_into in rows:
        marks |= _keys(unit, registered_on, replied_on, due)
        # A repeat or a merge raises its original again: the original's figures change.
        originals |= {o for o in (repeat_of, merged_into) if o is not None}
    if originals - set(ids):
        marks |= _counted_keys(KpiCounted.objects.filter(petition_id__in=originals - set(ids)))
    _upsert_counted(cases)
    return marks


COUNTED_COLUMNS = ("petition_id", "unit_id", "registered_on", "route_due", "replied_on", "due_on")


def _counted_select(cases: QuerySet[Petition]) -> tuple[str, Any]:
    """Return the SELECT of the cases' KpiCounted rows, in COUNTED_COLUMNS' order."""
    return cases.values_list(
        "pk",
        "owner_unit_id",
        _day_of(REGISTERED),
        "route_due",
        _day_of(REPLIED),
        "handling_due",
    ).query.sql_with_params()


def _upsert_counted(cases: QuerySet[Petition]) -> None:
    """Insert or replace the cases' KpiCounted rows in one INSERT … SELECT (both databases)."""
    q = connection.ops.quote_name
    select, params = _counted_select(cases)
    # The SELECT has its WHERE, which SQLite needs to read ON CONFLICT as the upsert's.
    sql = "INSERT INTO {} ({}) {} ON CONFLICT ({}) DO UPDATE SET {}".format(
        q(KpiCounted._meta.db_table),
        ", ".join(q(c) for c in COUNTED_COLUMNS),
        select,
        q("petition_id"),
        ", ".join(f"{q(c)} = excluded.{q(c)}" for c in COUNTED_COLUMNS[1:]),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _mark(keys: Iterable[Key]) -> None:
    """Insert the marks with one executemany (bulk_create made a model of each)."""
    q = connection.ops.quote_name
    sql = "INSERT INTO {} ({}, {}, {}) VALUES (%s, %s, %s)".format(
        q(KpiMark._meta.db_table), q("unit_id"), q("anchor"), q("day")
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, list(keys))


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


def _selects(anchor: str, scope: Q, window: int) -> Iterator[tuple[type[Model], list[str], Any]]:
    """Yield (table, columns, query) of the summary rows of the cases `scope` selects.

    The query's columns are aliased "kpi_<column>".
    """
    anchor_parts: dict[str, Part] = {k: p for k, p in parts(window).items() if p.anchor == anchor}
    counts: dict[str, Any] = {
        f"kpi_{key}": Sum("head_count", filter=p.q, default=0)
        if p.persons
        else Count("pk", filter=p.q)
        for key, p in anchor_parts.items()
    }
    dated = Q(**{f"{ANCHOR_COLUMNS[anchor]}__isnull": False})
    cases = Petition.objects.filter(scope, dated).order_by()
    cases = cases.annotate(kpi_unit_id=F("owner_unit_id"), kpi_day=_day_of(anchor))
    extra = ["route_due"] if anchor == REGISTERED else []
    cases = cases.annotate(**{f"kpi_{c}": F(c) for c in extra})
    group = ["unit_id", "day", *extra]
    model: type[Model] = DAYS[anchor]
    yield (
        model,
        group + list(anchor_parts),
        cases.values(*(f"kpi_{c}" for c in group)).annotate(**counts),
    )
    if anchor == REGISTERED:
        sliced = ["channel", "category_id", "community_id"]
        query = (
            cases.filter(~Q(status=Status.MERGED))
            .annotate(**{f"kpi_{c}": F(c) for c in sliced})
            .values("kpi_unit_id", "kpi_day", *(f"kpi_{c}" for c in sliced))
            .annotate(kpi_n=Count("pk"))
        )
        yield RegisteredSlice, ["unit_id", "day", *sliced, "n"], query


def _insert(selects: Iterable[tuple[type[Model], list[str], Any]]) -> None:
    """Write summary rows with one INSERT … SELECT per table: no row passes through Python.

    Fetching the counts and inserting them again with executemany cost most of an
    import's count on SQLite (a model or a tuple a row, a date converted twice).
    """
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model, columns, query in selects:
            sql, params = query.query.sql_with_params()
            names = {f.attname: f.column for f in model._meta.concrete_fields}
            cursor.execute(
                "INSERT INTO {} ({}) SELECT {} FROM ({}) kpi_rows".format(
                    q(model._meta.db_table),
                    ", ".join(q(names[c]) for c in columns),
                    ", ".join(q(f"kpi_{c}") for c in columns),
                    sql,
                ),
                params,
            )


def _days_q(anchor: str, first: dt.date, last: dt.date) -> Q:
    """Return the filter of the cases whose day of `anchor` lies from `first` to `last`."""
    if anchor == DUE:
        return Q(handling_due__gte=first, handling_due__lte=last)
    return between(ANCHOR_COLUMNS[anchor], Period(first, last))


def spans(days: Iterable[dt.date]) -> list[tuple[dt.date, dt.date]]:
    """Return the runs (first, last) that cover `days`, gaps of up to SPAN_GAP days bridged.

    Counting an unmarked day again changes nothing (its rows are counted from the cases,
    as they already were); a run is counted with one range instead of an IN list of days.
    """
    runs: list[tuple[dt.date, dt.date]] = []
    for day in sorted(days):
        if runs and (day - runs[-1][1]).days <= SPAN_GAP:
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def _recount(anchor: str, unit: int, days: Iterable[dt.date], window: int) -> None:
    for first, last in spans(days):
        for model in TABLES[anchor]:
            model._default_manager.filter(unit_id=unit, day__gte=first, day__lte=last).delete()
        _insert(_selects(anchor, Q(owner_unit_id=unit) & _days_q(anchor, first, last), window))


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
            _recount(anchor, unit, listed, window)
        # Every mark there is was read: each is written under the lock this one holds.
        KpiMark.objects.filter(pk__lte=max(m[0] for m in marks)).delete()
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
        _insert(_selects(anchor, Q(), window))
    state.follow_up_days, state.built_at = window, clock.now()
    state.save()


def _insert_counted() -> None:
    """Write every case's KpiCounted row in one INSERT … SELECT."""
    sql, params = _counted_select(Petition.objects.order_by())
    table = connection.ops.quote_name(KpiCounted._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in COUNTED_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({columns}) {sql}", params)


# Set while the readers of one page run: the summary was brought up to date for them.
_brought: ContextVar[bool] = ContextVar("kpi_summary_brought_up_to_date", default=False)


@contextmanager
def brought_up_to_date() -> Iterator[None]:
    """Bring the summary up to date once for every reader inside the block."""
    bring_up_to_date()
    token = _brought.set(True)
    try:
        yield
    finally:
        _brought.reset(token)


def bring_up_to_date() -> None:
    """Make the summary count every committed change; cheap when it already does."""
    if _brought.get():
        return
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
