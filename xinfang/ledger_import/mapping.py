"""The mapping file of a ledger import: which column of the file fills which case field.

A mapping is JSON (docs/import.md): a `source` (encoding, sheet, delimiter), the
`registered_unit` the cases are registered by, and `fields`, each target field mapped
to a column name or to an object with `column` or `columns` + `join`, `format`
(strptime, one or a list), `values` (a translation table, `*` for the rest), `create`
and `default`. This module only reads and checks the mapping itself; pure, no ORM.
"""

import json
from collections.abc import Mapping as MappingType
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Final

from django.utils.translation import gettext as _


class Kind(StrEnum):
    TEXT = "text"
    DATETIME = "datetime"
    DATE = "date"
    INT = "int"
    BOOL = "bool"
    CHOICE = "choice"
    UNIT = "unit"
    CATEGORY = "category"


# Every field a ledger column may fill, with its kind and, for text, its longest value.
TARGETS: Final[MappingType[str, tuple[Kind, int]]] = {
    "external_ref": (Kind.TEXT, 100),
    "registered_at": (Kind.DATETIME, 0),
    "title": (Kind.TEXT, 200),
    "content": (Kind.TEXT, 0),
    "channel": (Kind.CHOICE, 0),
    "category": (Kind.CATEGORY, 0),
    "handling_unit": (Kind.UNIT, 0),
    "community": (Kind.UNIT, 0),
    "address": (Kind.TEXT, 200),
    "petitioner_name": (Kind.TEXT, 50),
    "petitioner_phone": (Kind.TEXT, 20),
    "petitioner_id_number": (Kind.TEXT, 18),
    "head_count": (Kind.INT, 0),
    "handling_due": (Kind.DATE, 0),
    "replied_at": (Kind.DATETIME, 0),
    "reply_kind": (Kind.CHOICE, 0),
    "reply_text": (Kind.TEXT, 0),
    "satisfaction": (Kind.CHOICE, 0),
    "followed_up_at": (Kind.DATETIME, 0),
    "solved": (Kind.BOOL, 0),
    "is_first_time": (Kind.BOOL, 0),
}
# Without these a row is not a case, or could not be found again on a second run.
REQUIRED: Final = ("external_ref", "registered_at", "title", "channel")
_SPEC_KEYS: Final = frozenset(
    {"column", "columns", "join", "format", "values", "create", "default"}
)
_SOURCE_KEYS: Final = frozenset({"encoding", "sheet", "delimiter"})
_TOP_KEYS: Final = frozenset({"source", "registered_unit", "fields", "description"})


class MappingError(ValueError):
    """The mapping itself is wrong; its message says where, in the user's language."""


@dataclass(frozen=True)
class FieldSpec:
    """How one target field is read from a row."""

    target: str
    columns: tuple[str, ...] = ()
    join: str = ""
    formats: tuple[str, ...] = ()
    values: MappingType[str, Any] | None = None
    create: bool = False
    default: Any = None

    @property
    def kind(self) -> Kind:
        return TARGETS[self.target][0]


@dataclass(frozen=True)
class Source:
    encoding: str = "utf-8-sig"
    sheet: str | None = None
    delimiter: str = ","


@dataclass(frozen=True)
class LedgerMapping:
    """A checked mapping: its source, the registered unit's name and the field specs."""

    registered_unit: str
    fields: MappingType[str, FieldSpec]
    source: Source = field(default_factory=Source)

    @property
    def columns(self) -> list[str]:
        """Return every column the mapping reads, in the order first named."""
        return list(dict.fromkeys(c for spec in self.fields.values() for c in spec.columns))

    def check_columns(self, headers: Sequence[str]) -> None:
        """Refuse a mapping naming a column the file does not have."""
        known = set(headers)
        missing = [
            (spec.target, c)
            for spec in self.fields.values()
            for c in spec.columns
            if c not in known
        ]
        if missing:
            raise MappingError(
                _("映射中的列在文件中不存在：%(missing)s。文件的列为：%(headers)s。")
                % {
                    "missing": "、".join(f"“{c}”（{t}）" for t, c in missing),
                    "headers": "、".join(f"“{h}”" for h in headers),
                }
            )


def parse_mapping(text: str | bytes) -> LedgerMapping:
    """Return the mapping in the JSON `text`, or raise MappingError saying what is wrong."""
    try:
        raw = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise MappingError(_("映射不是有效的JSON：%(error)s") % {"error": e}) from None
    if not isinstance(raw, dict):
        raise MappingError(_("映射须为JSON对象。"))
    _unknown_keys(raw, _TOP_KEYS, _("映射"))
    unit = raw.get("registered_unit")
    if not isinstance(unit, str) or not unit.strip():
        raise MappingError(_("映射须写明登记单位（registered_unit）。"))
    fields = raw.get("fields")
    if not isinstance(fields, dict) or not fields:
        raise MappingError(_("映射须有字段对应表（fields）。"))
    specs = {target: _field_spec(target, value) for target, value in fields.items()}
    for target in REQUIRED:
        spec = specs.get(target)
        if spec is None or (not spec.columns and spec.default in (None, "")):
            raise MappingError(_("映射缺少必填字段“%(field)s”。") % {"field": target})
    return LedgerMapping(registered_unit=unit.strip(), fields=specs, source=_source(raw))


def _unknown_keys(raw: MappingType[str, Any], allowed: frozenset[str], where: str) -> None:
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise MappingError(
            _("%(where)s中有不认识的项：%(keys)s。") % {"where": where, "keys": "、".join(unknown)}
        )


def _source(raw: MappingType[str, Any]) -> Source:
    source = raw.get("source") or {}
    if not isinstance(source, dict):
        raise MappingError(_("source 须为JSON对象。"))
    _unknown_keys(source, _SOURCE_KEYS, "source")
    encoding = source.get("encoding") or "utf-8-sig"
    try:
        "".encode(encoding)
    except (LookupError, TypeError):
        raise MappingError(_("不认识的文件编码“%(e)s”。") % {"e": encoding}) from None
    delimiter = source.get("delimiter") or ","
    if not isinstance(delimiter, str) or len(delimiter) != 1:
        raise MappingError(_("分隔符（delimiter）须为一个字符。"))
    sheet = source.get("sheet")
    if sheet is not None and not isinstance(sheet, str):
        raise MappingError(_("工作表（sheet）须为名称或 null。"))
    return Source(encoding=encoding, sheet=sheet, delimiter=delimiter)


def _field_spec(target: str, value: Any) -> FieldSpec:
    if target not in TARGETS:
        raise MappingError(
            _("不认识的目标字段“%(field)s”；可用的字段：%(known)s。")
            % {"field": target, "known": "、".join(TARGETS)}
        )
    if isinstance(value, str):
        return FieldSpec(target=target, columns=(value,))
    if not isinstance(value, dict):
        raise MappingError(_("字段“%(field)s”须对应一个列名或一个对象。") % {"field": target})
    _unknown_keys(value, _SPEC_KEYS, _("字段“%(field)s”") % {"field": target})
    if "column" in value and "columns" in value:
        raise MappingError(_("字段“%(field)s”不能同时有 column 和 columns。") % {"field": target})
    columns = value.get("columns", [value["column"]] if "column" in value else [])
    if not isinstance(columns, list) or not all(isinstance(c, str) and c for c in columns):
        raise MappingError(_("字段“%(field)s”的列名须为文字。") % {"field": target})
    formats = value.get("format", [])
    formats = [formats] if isinstance(formats, str) else formats
    if not isinstance(formats, list) or not all(isinstance(f, str) for f in formats):
        raise MappingError(_("字段“%(field)s”的 format 须为文字或文字列表。") % {"field": target})
    if formats and TARGETS[target][0] not in (Kind.DATETIME, Kind.DATE):
        raise MappingError(_("字段“%(field)s”不是日期，不能有 format。") % {"field": target})
    values = value.get("values")
    if values is not None and not isinstance(values, dict):
        raise MappingError(_("字段“%(field)s”的 values 须为对照表对象。") % {"field": target})
    create = value.get("create", False)
    if create and TARGETS[target][0] not in (Kind.UNIT, Kind.CATEGORY):
        raise MappingError(
            _("只有单位和问题分类可以 create，字段“%(field)s”不行。") % {"field": target}
        )
    join = value.get("join", "")
    if not isinstance(join, str):
        raise MappingError(_("字段“%(field)s”的 join 须为文字。") % {"field": target})
    if not columns and "default" not in value:
        raise MappingError(
            _("字段“%(field)s”须有 column、columns 或 default。") % {"field": target}
        )
    return FieldSpec(
        target=target,
        columns=tuple(columns),
        join=join,
        formats=tuple(formats),
        values=values,
        create=bool(create),
        default=value.get("default"),
    )
