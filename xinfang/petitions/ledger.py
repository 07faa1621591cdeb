"""The ledger (台账) layout: the columns of every case list exported, in one place.

Each column has a stable field name and a stable header: the ledger import reads a file
back by them, so they are the file's format and not translated with the interface.
The cells hold what the reader would see of the case on its page: no name, ID number or
phone for the unit complained about (Art. 46), identifiers masked for the roles that
see them masked. A text cell a spreadsheet would take for a formula is escaped.
"""

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from xinfang.petitions import access
from xinfang.petitions.access import Disclosure
from xinfang.petitions.models import Petition

# What a spreadsheet starts a formula (or a DDE call) with: such a text gets a leading '.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Rows fetched per round trip while a long list is written out.
CHUNK = 2000
# Shown instead of the petitioner to the unit complained about.
PROTECTED = "（身份保护）"


def escape(text: str) -> str:
    """Return `text` safe to open in a spreadsheet: a would-be formula starts with '."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _day(moment: dt.datetime | None) -> dt.date | None:
    return timezone.localdate(moment) if moment else None


def _person(p: Petition, shown: Disclosure, full: str, masked: str) -> str:
    person = p.petitioner
    if person is None:
        return ""
    if not shown.identity:
        return PROTECTED
    return str(getattr(person, full if shown.personal else masked))


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("是" if value else "否")


@dataclass(frozen=True)
class Column:
    field: str
    header: str
    width: int
    value: Callable[[Petition, Disclosure], Any]


COLUMNS: tuple[Column, ...] = (
    Column("number", "事项编号", 16, lambda p, s: p.number),
    Column("registered_at", "登记日期", 12, lambda p, s: _day(p.registered_at)),
    Column("channel", "信访形式", 10, lambda p, s: p.get_channel_display()),
    Column("title", "标题", 40, lambda p, s: p.title),
    Column("category", "问题分类", 24, lambda p, s: str(p.category) if p.category else ""),
    Column(
        "petitioner",
        "信访人",
        12,
        lambda p, s: "" if p.is_anonymous else _person(p, s, "name", "name"),
    ),
    Column(
        "id_number", "身份证号", 20, lambda p, s: _person(p, s, "id_number", "masked_id_number")
    ),
    Column("phone", "联系电话", 14, lambda p, s: _person(p, s, "phone", "masked_phone")),
    Column("head_count", "人数", 6, lambda p, s: p.head_count),
    Column("community", "问题发生地", 16, lambda p, s: str(p.community) if p.community else ""),
    Column(
        "handling_unit",
        "承办单位",
        16,
        lambda p, s: str(p.handling_unit) if p.handling_unit else "",
    ),
    Column("status", "状态", 12, lambda p, s: p.get_status_display()),
    Column("due_date", "当前期限", 12, lambda p, s: p.due_date),
    Column("replied_at", "答复日期", 12, lambda p, s: _day(p.replied_at)),
    Column("reply_kind", "处理意见", 10, lambda p, s: p.get_reply_kind_display()),
    Column("is_first_time", "初信初访", 8, lambda p, s: _yes_no(p.is_first_time)),
    Column("solved", "问题实际解决", 10, lambda p, s: _yes_no(p.solved)),
)
HEADERS = tuple(c.header for c in COLUMNS)
FIELDS = tuple(c.field for c in COLUMNS)


def ledger_rows(user: Any, cases: QuerySet[Petition]) -> Iterator[list[Any]]:
    """Yield each case of `cases` as a ledger row for `user`, read in chunks, never all at once."""
    qs = cases.select_related("category__parent", "petitioner", "community", "handling_unit")
    disclosure = access.disclosure_rule(user)
    for petition in qs.iterator(chunk_size=CHUNK):
        shown = disclosure(petition)
        yield [_cell(c.value(petition, shown)) for c in COLUMNS]


def _cell(value: Any) -> Any:
    return escape(value) if isinstance(value, str) else value
