"""Pagination whose count stops at a cap.

Counting every match of a broad filter over a million cases costs far more than showing
its first page; past the cap a list says "1,000+" (and the API `count_capped`), which is
all a reader of a list needs. Statistics count exactly, elsewhere. Page numbers past
MAX_PAGE are refused by the forms and schemas that read them.
"""

from functools import cached_property
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet

PAGE_SIZE = 20  # the rows of a page's list
COUNT_CAP = 1000
# The deepest page a list or the API serves: at 100 rows a page, a million cases deep;
# beyond, the row offset (page × size) would overflow the database's 64-bit integer.
MAX_PAGE = 10_000


class CappedPaginator(Paginator):  # type: ignore[type-arg]  # rows of any model
    """A paginator of a queryset that counts at most COUNT_CAP + 1 rows."""

    object_list: QuerySet[Any]

    @cached_property
    def count(self) -> int:
        """Return the number of rows, or COUNT_CAP + 1 when there are more than COUNT_CAP."""
        return self.object_list.order_by()[: self.cap + 1].count()

    @property
    def cap(self) -> int:
        return COUNT_CAP

    @property
    def count_capped(self) -> bool:
        return self.count > self.cap
