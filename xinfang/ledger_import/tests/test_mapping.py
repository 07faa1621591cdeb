import datetime as dt
import json

import pytest

from xinfang.ledger_import.mapping import MappingError, parse_mapping
from xinfang.ledger_import.rows import Case, status_of, unescape
from xinfang.ledger_import.tests.helpers import HEADERS, mapping
from xinfang.petitions.workflow import Status


def test_a_field_may_be_a_column_name_or_an_object() -> None:
    m = parse_mapping(json.dumps(mapping()))
    assert m.fields["title"].columns == ("标题",)
    assert m.fields["content"].columns == ("标题", "内容") and m.fields["content"].join == "\n"
    assert m.fields["replied_at"].formats == ("%Y-%m-%d", "%Y/%m/%d")
    assert m.fields["channel"].values == {"电话": "phone", "*": "letter"}
    m.check_columns(HEADERS)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"colour": "颜色"}, "不认识的目标字段“colour”"),
        ({"title": {"column": "标题", "colour": 1}}, "字段“title”中有不认识的项：colour。"),
        ({"title": {"column": "标题", "format": "%Y"}}, "字段“title”不是日期，不能有 format。"),
        ({"title": {"column": "标题", "create": True}}, "只有单位和问题分类可以 create"),
        ({"external_ref": {"join": ","}}, "字段“external_ref”须有 column、columns 或 default。"),
        ({"registered_at": {"default": ""}}, "映射缺少必填字段“registered_at”。"),
    ],
)
def test_a_wrong_mapping_is_refused_with_where_it_is_wrong(
    change: dict[str, object], message: str
) -> None:
    with pytest.raises(MappingError, match=message):
        parse_mapping(json.dumps(mapping(**change)))


def test_a_mapping_that_is_not_json_or_names_no_unit_is_refused() -> None:
    with pytest.raises(MappingError, match="映射不是有效的JSON"):
        parse_mapping("{")
    with pytest.raises(MappingError, match="登记单位"):
        parse_mapping(json.dumps({**mapping(), "registered_unit": ""}))
    with pytest.raises(MappingError, match="不认识的文件编码"):
        parse_mapping(json.dumps({**mapping(), "source": {"encoding": "klingon"}}))


def test_only_our_exports_escape_is_taken_off_a_formula_text() -> None:
    assert unescape("'=HYPERLINK(1)") == "=HYPERLINK(1)"
    assert unescape("=HYPERLINK(1)") == "=HYPERLINK(1)"
    assert unescape("'引号开头") == "'引号开头"


def test_status_follows_from_the_dates() -> None:
    at = dt.datetime(2025, 3, 2, tzinfo=dt.UTC)
    case = Case(row=2, external_ref="A", registered_at=at, title="t", content="c", channel="letter")
    assert status_of(case) == Status.REGISTERED
    case.handling_unit = "城建办"
    assert status_of(case) == Status.HANDLING
    case.replied_at = at
    assert status_of(case) == Status.REPLIED
    case.satisfaction = "satisfied"
    assert status_of(case) == Status.EVALUATED
    case.followed_up_at = at
    assert status_of(case) == Status.CLOSED
