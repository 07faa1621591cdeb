"""Ledger files and mappings for the import tests, written into a test's tmp_path."""

import json
from pathlib import Path
from typing import Any

from openpyxl import Workbook

HEADERS = [
    "编号",
    "日期",
    "形式",
    "标题",
    "内容",
    "分类",
    "承办",
    "社区",
    "姓名",
    "电话",
    "答复",
    "满意",
]


def mapping(unit: str = "XX街道", **fields: Any) -> dict[str, Any]:
    """Return a mapping of the HEADERS layout, with `fields` changed."""
    base: dict[str, Any] = {
        "external_ref": "编号",
        "registered_at": {"column": "日期", "format": "%Y-%m-%d"},
        "channel": {"column": "形式", "values": {"电话": "phone", "*": "letter"}},
        "title": "标题",
        "content": {"columns": ["标题", "内容"], "join": "\n"},
        "category": "分类",
        "handling_unit": "承办",
        "community": "社区",
        "petitioner_name": "姓名",
        "petitioner_phone": "电话",
        "replied_at": {"column": "答复", "format": ["%Y-%m-%d", "%Y/%m/%d"]},
        "satisfaction": "满意",
    }
    base.update(fields)
    return {"source": {"encoding": "utf-8-sig"}, "registered_unit": unit, "fields": base}


def row(ref: str, **values: str) -> list[str]:
    """Return a data row: a registered letter about a noise problem, with `values` changed."""
    cells = {
        "编号": ref,
        "日期": "2025-03-02",
        "形式": "来信",
        "标题": "夜间施工噪声扰民",
        "内容": "工地每晚施工到凌晨",
        "分类": "噪声污染",
        "承办": "",
        "社区": "湖滨花园社区",
        "姓名": "张三",
        "电话": "13800000001",
        "答复": "",
        "满意": "",
    }
    cells.update(values)
    return [cells[h] for h in HEADERS]


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8-sig") -> Path:
    import csv

    with path.open("w", encoding=encoding, newline="") as f:
        writer = csv.writer(f)
        writer.writerow(HEADERS)
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[list[Any]], headers: list[str] = HEADERS) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for r in rows:
        sheet.append(r)
    book.save(path)
    return path


def write_mapping(path: Path, value: dict[str, Any]) -> Path:
    path.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
    return path
