"""A lookup that filters by a list without letting the database drive the query from its index.

A user who sees most of the tree filters on a list of nearly every unit. Driving the
query from the unit index then reads the cases a run per unit and sorts them all
(SQLite), or ANDs a bitmap of a million rows into a text search (PostgreSQL), where
walking the newest-first index, or the other filter's index, and checking the unit of
each row finds a page at once. SQLite's way of saying "do not use an index for this
term" is a unary plus before the column; PostgreSQL's is an expression of it.
"""

from typing import Any

from django.db.models import Field, ForeignObject
from django.db.models.lookups import In


class UnindexedIn(In):  # type: ignore[type-arg]  # In is not subscriptable at run time
    lookup_name = "in_unindexed"

    def as_sqlite(self, compiler: Any, connection: Any) -> tuple[str, Any]:
        sql, params = self.as_sql(compiler, connection)
        return f"+{sql}", params

    def as_postgresql(self, compiler: Any, connection: Any) -> tuple[str, Any]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"({lhs} + 0) IN {rhs}", [*lhs_params, *rhs_params]


# Related fields keep lookups of their own, so both kinds of field learn it.
Field.register_lookup(UnindexedIn)
ForeignObject.register_lookup(UnindexedIn)
