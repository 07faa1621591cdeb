"""A lookup that filters by a list without letting the database drive the query from its index.

A user who sees most of the tree filters on a list of nearly every unit. Driving the
query from the unit index then reads the cases a run per unit and sorts them all (SQLite),
or builds a bitmap of a million rows (PostgreSQL), where walking the newest-first index,
or another filter's index, and checking the unit of each row finds a page at once.
Adding zero to the column keeps its value and hides it from the planner's index choice.
"""

from typing import Any

from django.db.models import Field, ForeignObject
from django.db.models.lookups import In


class UnindexedIn(In):  # type: ignore[type-arg]  # In is not subscriptable at run time
    lookup_name = "in_unindexed"

    def process_lhs(self, compiler: Any, connection: Any, lhs: Any = None) -> tuple[str, Any]:
        sql, params = super().process_lhs(compiler, connection, lhs)
        return f"({sql} + 0)", params


# Related fields keep lookups of their own, so both kinds of field learn it.
Field.register_lookup(UnindexedIn)
ForeignObject.register_lookup(UnindexedIn)
