"""Multi-row inserts of a model's rows given as plain tuples, with ids chosen up front.

bulk_create spends about 0.2 ms of Python on each 60-column petition (a compiled
placeholder and a prepared value per field, bench/petitions.py measured it), which alone
would hold an import under 5,000 rows a second. Here a row is a tuple of the values of
the columns the caller names, already as the database takes them, save what is changed
here: a JSON document, and on SQLite a moment (naive UTC text, as Django's backend
stores it) and a day (ISO text). The columns the caller leaves out take their model defaults,
worked out once. One executemany on SQLite, COPY on PostgreSQL. The ids are taken
before the insert (PostgreSQL: from the table's sequence; SQLite: past the largest
ever given, under the write lock the import's transaction holds), so the events can
name their cases without reading them back.
"""

import datetime as dt
import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Final

from django.db import connection, models
from django.db.models import Model

# Moments already changed into SQLite's text: an import's dates repeat.
_MEMO_LIMIT: Final = 100_000


class RawInsert:
    """Inserts rows of `model`, each a tuple of the values of `columns` (attnames), in order."""

    def __init__(self, model: type[Model], columns: Sequence[str]) -> None:
        fields = {f.attname: f for f in model._meta.concrete_fields if not f.primary_key}
        unknown = [c for c in columns if c not in fields]
        if unknown:
            raise ValueError(f"{model.__name__} has no columns {unknown}")
        given = [fields[c] for c in columns]
        rest = [f for a, f in fields.items() if a not in columns]
        for f in rest:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                raise ValueError(f"{model.__name__}.{f.attname} is set on save: give it")
        # Callable defaults (a query code) are called per row; the others computed once.
        self.per_row: list[Callable[[], Any]] = []
        constant_fields = []
        for f in rest:
            if f.has_default() and callable(f.default) and f.default not in (dict, list):
                self.per_row.append(f.default)
            else:
                constant_fields.append(f)
        ordered = [*given, *(f for f in rest if f not in constant_fields), *constant_fields]
        self.table = model._meta.db_table
        quote = connection.ops.quote_name
        names = ", ".join(quote(c) for c in ["id", *(f.column for f in ordered)])
        marks = ", ".join(["%s"] * (len(ordered) + 1))
        self.sql = f"INSERT INTO {quote(self.table)} ({names}) VALUES ({marks})"
        self.copy = f"COPY {quote(self.table)} ({names}) FROM STDIN"
        self.sqlite = connection.vendor == "sqlite"
        self.constants = tuple(self._value(f, f.get_default()) for f in constant_fields)
        # Only these of the given columns need their values changed: (position, change).
        self.changes: list[tuple[int, Callable[[Any], Any]]] = []
        self.memo: dict[dt.datetime, str] = {}
        for i, f in enumerate(given, start=1):
            if isinstance(f, models.JSONField):
                self.changes.append((i, _document))
            elif self.sqlite and isinstance(f, models.DateTimeField):
                self.changes.append((i, self._moment))
            elif self.sqlite and isinstance(f, models.DateField):
                self.changes.append((i, _day))

    def _value(self, field: models.Field[Any, Any], value: Any) -> Any:
        if isinstance(field, models.JSONField):
            return _document(value)
        if self.sqlite and isinstance(field, models.DateTimeField):
            return self._moment(value)
        if self.sqlite and isinstance(field, models.DateField):
            return _day(value)
        return value

    def _moment(self, value: dt.datetime | None) -> str | None:
        """Return a moment as Django's SQLite backend stores it: naive UTC, ISO with a space."""
        if value is None:
            return None
        text = self.memo.get(value)
        if text is None:
            text = value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ")
            if len(self.memo) < _MEMO_LIMIT:
                self.memo[value] = text
        return text

    def ids(self, n: int) -> list[int]:
        """Return `n` fresh ids for rows of the table, to be inserted in this transaction."""
        if not n:
            return []
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                    [self.table, n],
                )
                return [r[0] for r in cursor.fetchall()]
            # Past the largest id ever given, not only the largest there: Django's tables
            # are AUTOINCREMENT, whose deleted ids are never given again (an audit entry
            # of a deleted case would otherwise name the new one). SQLite raises the
            # table's sqlite_sequence itself when the rows go in with their ids.
            table = connection.ops.quote_name(self.table)
            cursor.execute(
                f"SELECT MAX((SELECT COALESCE(MAX(id), 0) FROM {table}),"
                " COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0))",
                [self.table],
            )
            first = cursor.fetchone()[0] + 1
            return list(range(first, first + n))

    def _params(self, ids: Sequence[int], rows: Iterable[Sequence[Any]]) -> list[Sequence[Any]]:
        constants, per_row, changes = self.constants, self.per_row, self.changes
        params: list[Sequence[Any]] = []
        for pk, row in zip(ids, rows, strict=True):
            values = [pk, *row]
            for i, change in changes:
                values[i] = change(values[i])
            if per_row:
                values += [f() for f in per_row]
            values += constants
            params.append(values)
        return params

    def insert(self, ids: Sequence[int], rows: Iterable[Sequence[Any]]) -> None:
        """Insert `rows` with the ids `ids`."""
        params = self._params(ids, rows)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(self.copy) as copy:
                    for param in params:
                        copy.write_row(param)
            else:
                cursor.executemany(self.sql, params)


def _document(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _day(value: dt.date | None) -> str | None:
    """Return a day as SQLite stores it (ISO); sqlite3's own adapter is a Python call a value."""
    return None if value is None else value.isoformat()
