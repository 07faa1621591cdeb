"""Multi-row inserts of a model's rows given as plain values, with ids chosen up front.

bulk_create spends about 0.2 ms of Python on each 60-column petition (a compiled
placeholder and a prepared value per field, bench/petitions.py measured it), which alone
would hold an import under 5,000 rows a second. Here a row is a tuple of the columns'
values already as the database takes them: one executemany on SQLite, COPY on
PostgreSQL. The ids are taken before the insert (PostgreSQL: from the table's sequence;
SQLite: past the largest, under the write lock the import's transaction holds), so the
events can name their cases without reading them back.
"""

import datetime as dt
import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.db import connection, models
from django.db.models import Model


class RawInsert:
    """Inserts rows of `model`, each given as {attname: value}; the rest take their defaults."""

    def __init__(self, model: type[Model]) -> None:
        self.fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        self.table = model._meta.db_table
        quote = connection.ops.quote_name
        names = ", ".join(quote(c) for c in ["id", *(f.column for f in self.fields)])
        marks = ", ".join(["%s"] * (len(self.fields) + 1))
        self.sql = f"INSERT INTO {quote(self.table)} ({names}) VALUES ({marks})"
        self.copy = f"COPY {quote(self.table)} ({names}) FROM STDIN"
        # Callable defaults (a query code) are called per row; the others computed once.
        self.defaults: dict[str, Any] = {}
        self.per_row: dict[str, Callable[[], Any]] = {}
        for f in self.fields:
            if f.has_default() and callable(f.default) and f.default not in (dict, list):
                self.per_row[f.attname] = f.default
            else:
                self.defaults[f.attname] = f.get_default()
        # Only these columns need their values changed into what the database takes.
        self.moments = [
            i for i, f in enumerate(self.fields, start=1) if isinstance(f, models.DateTimeField)
        ]
        self.documents = [
            i for i, f in enumerate(self.fields, start=1) if isinstance(f, models.JSONField)
        ]
        self.sqlite = connection.vendor == "sqlite"

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
            table = connection.ops.quote_name(self.table)
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
            first = cursor.fetchone()[0] + 1
            return list(range(first, first + n))

    def _values(self, pk: int, row: Mapping[str, Any]) -> list[Any]:
        values: list[Any] = [pk]
        for f in self.fields:
            a = f.attname
            if a in row:
                values.append(row[a])
            elif a in self.per_row:
                values.append(self.per_row[a]())
            else:
                values.append(self.defaults[a])
        for i in self.documents:
            values[i] = json.dumps(values[i], ensure_ascii=False)
        if self.sqlite:
            for i in self.moments:
                if values[i] is not None:
                    # What Django's SQLite backend stores: naive UTC, ISO with a space.
                    values[i] = values[i].astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ")
        return values

    def insert(self, ids: Sequence[int], rows: Sequence[Mapping[str, Any]]) -> None:
        """Insert `rows` with the ids `ids`."""
        params = [self._values(pk, row) for pk, row in zip(ids, rows, strict=True)]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(self.copy) as copy:
                    for param in params:
                        copy.write_row(param)
            else:
                cursor.executemany(self.sql, params)
