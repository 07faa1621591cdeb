"""One ledger row into one case: values read, checked and typed; pure, no ORM.

`RowReader.read` returns the row as a `Case` (units and categories still as names, the
service resolves them) or the problems that keep it out, each with its row number and
column, in the user's language. A date is taken only as the file gives it: a missing
or impossible date, or one that comes before the date it follows, is a problem, never
guessed. `status_of` says where an imported case stands from its dates.
"""

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from xinfang.ledger_import.mapping import REQUIRED, TARGETS, FieldSpec, Kind, LedgerMapping
from xinfang.petitions.validators import (
    normalize_id_number,
    normalize_phone,
    validate_id_number,
    validate_phone,
)
from xinfang.petitions.workflow import Status

# What our own export puts before a text a spreadsheet would take for a formula
# (petitions/ledger.py): read back, the case gets its text as it was.
_FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")
# Tried in turn when the mapping gives no format: what spreadsheets and our export write.
DEFAULT_FORMATS: Final = (
    "%Y-%m-%d",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y年%m月%d日",
)
_TRUE: Final = frozenset({"是", "true", "yes", "y", "1", "已解决", "解决"})
_FALSE: Final = frozenset({"否", "false", "no", "n", "0", "未解决"})

LABELS: Final[Mapping[str, str]] = {
    "external_ref": "原台账编号",
    "registered_at": "登记时间",
    "title": "标题",
    "content": "信访内容",
    "channel": "信访形式",
    "category": "问题分类",
    "handling_unit": "承办单位",
    "community": "问题发生地（社区）",
    "address": "问题发生地址",
    "petitioner_name": "信访人姓名",
    "petitioner_phone": "联系电话",
    "petitioner_id_number": "身份证号",
    "head_count": "人数",
    "handling_due": "办结期限",
    "replied_at": "答复时间",
    "reply_kind": "处理意见",
    "reply_text": "答复内容",
    "satisfaction": "满意度",
    "followed_up_at": "回访时间",
    "solved": "问题实际解决",
    "is_first_time": "初信初访",
}


@dataclass(frozen=True, slots=True)
class Problem:
    """Why a row (or the file, row 0) cannot be imported."""

    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}

    def __str__(self) -> str:
        where = _("第%(row)d行") % {"row": self.row} if self.row else _("文件")
        column = f"“{self.column}”" if self.column else ""
        return f"{where}{column}：{self.message}"


@dataclass(slots=True)
class Case:
    """A row as the case it becomes; units and the category still by name."""

    row: int
    external_ref: str
    registered_at: dt.datetime
    title: str
    content: str
    channel: str
    category: str = ""
    handling_unit: str = ""
    community: str = ""
    address: str = ""
    petitioner_name: str = ""
    petitioner_phone: str = ""
    petitioner_id_number: str = ""
    head_count: int = 1
    handling_due: dt.date | None = None
    replied_at: dt.datetime | None = None
    reply_kind: str = ""
    reply_text: str = ""
    satisfaction: str = ""
    followed_up_at: dt.datetime | None = None
    solved: bool | None = None
    is_first_time: bool = True


def status_of(case: Case) -> Status:
    """Return the status an imported case stands in, following from its dates."""
    if case.replied_at is None:
        return Status.HANDLING if case.handling_unit else Status.REGISTERED
    if case.followed_up_at is not None:
        return Status.CLOSED
    return Status.EVALUATED if case.satisfaction else Status.REPLIED


def unescape(text: str) -> str:
    """Return a text as it was before a spreadsheet export escaped it as a would-be formula."""
    if text.startswith("'") and text[1:].startswith(_FORMULA_STARTS):
        return text[1:]
    return text


class _Bad(ValueError):
    pass


# A parsed date memo per field stops growing here: a ledger's dates repeat (a few
# thousand days), its times of day much less.
_MEMO_LIMIT: Final = 200_000


class RowReader:
    """Reads rows of one file by one mapping.

    Everything a row's reading needs that does not depend on the row is worked out once
    here: each field's cell positions, its kind's reader, its column label, its
    translation table; a date's text, once parsed, is not parsed again.
    """

    def __init__(
        self,
        mapping: LedgerMapping,
        headers: Sequence[str],
        *,
        tz: dt.tzinfo,
        today: dt.date,
        choices: Mapping[str, Mapping[str, str]],
        exact_width: bool = False,
    ) -> None:
        """Prepare for rows of a file with `headers`; `choices`: value → label per choice field."""
        mapping.check_columns(headers)
        self.mapping, self.tz, self.today = mapping, tz, today
        self.width = len(headers) if exact_width else 0
        index = {h: i for i, h in enumerate(headers)}
        # A choice may be given by its value or by its label (the export writes labels).
        self.choices = {
            target: {
                **{str(label): value for value, label in table.items()},
                **{v: v for v in table},
            }
            for target, table in choices.items()
        }
        self.columns = {t: self._column(spec) for t, spec in mapping.fields.items()}
        self.specs = [
            (spec, tuple(index[c] for c in spec.columns), self._reader(spec))
            for spec in mapping.fields.values()
        ]
        self.required = [t for t in REQUIRED if t in mapping.fields]

    def read(self, number: int, cells: Sequence[Any]) -> tuple[Case | None, list[Problem]]:
        """Return row `number` as a case, or None and its problems."""
        problems: list[Problem] = []
        if self.width and len(cells) != self.width:
            message = _("该行有%(n)d列，表头有%(m)d列；文件可能被截断或分隔符有误。") % {
                "n": len(cells),
                "m": self.width,
            }
            return None, [Problem(number, "", message)]
        width = len(cells)
        values: dict[str, Any] = {}
        for spec, idx, reader in self.specs:
            if len(idx) == 1:
                i = idx[0]
                raw = _raw(spec, cells[i] if i < width else None)
            else:
                raw = _raw(spec, _joined(spec, [cells[i] if i < width else None for i in idx]))
            if raw is None or raw == "":
                values[spec.target] = None
                continue
            try:
                values[spec.target] = reader(raw)
            except _Bad as e:
                problems.append(Problem(number, self.columns[spec.target], str(e)))
        for target in self.required:
            if target in values and values[target] in (None, ""):
                problems.append(Problem(number, self.columns[target], _("不能为空。")))
        if problems:
            return None, problems
        if not values.get("content"):
            values["content"] = values["title"]
        case = Case(row=number, **{k: v for k, v in values.items() if v is not None})
        problems = self._check(case)
        return (None, problems) if problems else (case, [])

    def _column(self, spec: FieldSpec) -> str:
        return "+".join(spec.columns) or LABELS[spec.target]

    def _reader(self, spec: FieldSpec) -> Callable[[Any], Any]:
        """Return the function that types a field's raw value (never None or "")."""
        kind, longest = TARGETS[spec.target]
        if spec.target == "petitioner_id_number":
            return _id_number
        if spec.target == "petitioner_phone":
            return _phone
        if kind is Kind.TEXT:

            def text(raw: Any) -> str:
                value = unescape(_text(raw))
                if longest and len(value) > longest:
                    raise _Bad(_("超过%(n)d字（%(m)d字）。") % {"n": longest, "m": len(value)})
                return value

            return text
        if kind is Kind.DATETIME:
            return self._moments(spec.formats)
        if kind is Kind.DATE:
            moment = self._moments(spec.formats)
            return lambda raw: moment(raw).date()
        if kind is Kind.INT:
            return _count
        if kind is Kind.BOOL:
            return _yes_no
        if kind is Kind.CHOICE:
            table = self.choices[spec.target]

            def choice(raw: Any) -> str:
                value = table.get(_text(raw))
                if value is None:
                    raise _Bad(
                        _("“%(v)s”不是可用的值；可用：%(known)s。")
                        % {"v": raw, "known": "、".join(dict.fromkeys(table.values()))}
                    )
                return value

            return choice
        return _text  # a unit or category by name, resolved by the service

    def _moments(self, formats: Sequence[str]) -> Callable[[Any], dt.datetime]:
        """Return a reader of moments by `formats`, each text parsed once."""
        formats = formats or DEFAULT_FORMATS
        memo: dict[str, dt.datetime] = {}
        tz = self.tz

        def moment(raw: Any) -> dt.datetime:
            if isinstance(raw, dt.datetime):
                value = raw
            elif isinstance(raw, dt.date):
                value = dt.datetime(raw.year, raw.month, raw.day)
            else:
                text = _text(raw)
                found = memo.get(text)
                if found is not None:
                    return found
                value = _parse_date(text, formats)
                value = value.replace(tzinfo=tz) if value.tzinfo is None else value
                if len(memo) < _MEMO_LIMIT:
                    memo[text] = value
                return value
            return value.replace(tzinfo=tz) if value.tzinfo is None else value

        return moment

    def _check(self, case: Case) -> list[Problem]:
        """Return what is wrong between the fields of a row: dates out of order, counts."""
        problems: list[Problem] = []

        def bad(target: str, message: str) -> None:
            problems.append(Problem(case.row, self.columns[target], message))

        registered = case.registered_at.date()
        if registered > self.today:
            bad("registered_at", _("登记日期%(d)s晚于今天。") % {"d": registered})
        if case.replied_at is not None and case.replied_at.date() < registered:
            bad(
                "replied_at",
                _("答复日期%(r)s早于登记日期%(d)s。")
                % {"r": case.replied_at.date(), "d": registered},
            )
        if case.replied_at is not None and case.replied_at.date() > self.today:
            bad("replied_at", _("答复日期%(d)s晚于今天。") % {"d": case.replied_at.date()})
        if case.handling_due is not None and case.handling_due < registered:
            bad(
                "handling_due",
                _("办结期限%(r)s早于登记日期%(d)s。") % {"r": case.handling_due, "d": registered},
            )
        if case.replied_at is None:
            for target in ("reply_text", "reply_kind", "satisfaction", "followed_up_at", "solved"):
                if getattr(case, target) not in (None, ""):
                    bad(target, _("有此项但没有答复日期；请补上答复日期。"))
        followed, replied = case.followed_up_at, case.replied_at
        if followed is not None and replied is not None and followed < replied:
            bad(
                "followed_up_at",
                _("回访日期%(f)s早于答复日期%(r)s。") % {"f": followed.date(), "r": replied.date()},
            )
        if case.head_count < 1:
            bad("head_count", _("人数至少为1。"))
        return problems


def _joined(spec: FieldSpec, cells: list[Any]) -> str:
    return spec.join.join(p for p in (_text(c) for c in cells) if p)


def _raw(spec: FieldSpec, raw: Any) -> Any:
    """Return a cell's value stripped, its default if empty, translated by the field's table."""
    if isinstance(raw, str):
        raw = raw.strip()
    if raw is None or raw == "":
        return spec.default
    if spec.values is not None:
        key = _text(raw)
        if key in spec.values:
            return spec.values[key]
        if "*" in spec.values:
            return spec.values["*"]
    return raw


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel gives every number as a float: 2001.0 is "2001"
    return "" if value is None else str(value).strip()


def _parse_date(text: str, formats: Sequence[str]) -> dt.datetime:
    impossible = None
    for fmt in formats:
        try:
            return dt.datetime.strptime(text, fmt)
        except ValueError as e:
            if "does not match" not in str(e) and "unconverted data" not in str(e):
                impossible = e
    if impossible is not None:
        raise _Bad(_("日期“%(d)s”不存在。") % {"d": text})
    raise _Bad(_("“%(d)s”不符合日期格式 %(f)s。") % {"d": text, "f": "、".join(formats)})


def _id_number(raw: Any) -> str:
    """Return an ID number as registration takes it (petitions/validators.py), or refuse it.

    A spreadsheet keeps a number cell as a float of 15 significant digits: an 18-digit
    ID number typed into one has already lost its last digits (even as the integer some
    readers give), so it is refused, not guessed.
    """
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        raise _Bad(
            _(
                "身份证号单元格是数字格式，表格软件只保留15位有效数字，末几位可能已经改变；"
                "请把该列设为文本格式并重新录入。"
            )
        )
    value = normalize_id_number(unescape(_text(raw)))
    _validated(validate_id_number, value)
    return value


def _phone(raw: Any) -> str:
    """Return a phone number as registration takes it (petitions/validators.py), or refuse it."""
    value = normalize_phone(unescape(_text(raw)))
    _validated(validate_phone, value)
    return value


def _validated(check: Callable[[str], None], value: str) -> None:
    try:
        check(value)
    except ValidationError as e:
        raise _Bad(e.messages[0]) from None


def _count(raw: Any) -> int:
    if isinstance(raw, bool):
        raise _Bad(_("“%(v)s”不是人数。") % {"v": raw})
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    try:
        return int(_text(raw))
    except ValueError:
        raise _Bad(_("“%(v)s”不是整数。") % {"v": raw}) from None


def _yes_no(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = _text(raw).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise _Bad(_("“%(v)s”不是“是”或“否”。") % {"v": raw})
