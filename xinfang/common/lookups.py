"""A lookup that filters by a list without letting SQLite drive the query from its index.

A user who sees most of the tree filters on a list of nearly every unit. SQLite then
reads the cases through the unit index, a run per unit, and sorts them all, where walking
the newest-first index and checking the unit of each row finds a page at once. SQLite's
way of saying "do not use an index for this term" is a unary plus before the column.
PostgreSQL plans this well from its statistics, and the same trick would blind its row
estimates, so it gets a plain IN.
"""

from typing import Any

from django.db.models import Field, ForeignObject
from django.db.models.lookups import In


class UnindexedIn(In):  # type: ignore[type-arg]  # In is not subscriptable at run time
    lookup_name = "in_unindexed"

    def as_sqlite(self, compiler: Any, connection: Any) -> tuple[str, Any]:
        sql, params = self.as_sql(compiler, connection)
        return f"+{sql}", params


# Related fields keep lookups of their own, so both kinds of field learn it.
Field.register_lookup(UnindexedIn)
ForeignObject.register_lookup(UnindexedIn)
