"""Reading a ledger file: CSV in the encoding the mapping names, or Excel (.xlsx).

Both give the header row and then each data row as a tuple of cells, numbered as a
spreadsheet shows them (the header is row 1). CSV is read strictly, so a file cut off
inside a quoted cell is reported rather than read as a shorter last row; Excel is read
with openpyxl in read-only mode, formulas as their text (never computed).
"""

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Final

from django.utils.translation import gettext as _

from xinfang.ledger_import.mapping import Source

MAX_BYTES: Final = 50 * 1024 * 1024
EXCEL_SUFFIXES: Final = (".xlsx", ".xlsm")
_ZIP_MAGIC: Final = b"PK\x03\x04"


class FileRefused(ValueError):
    """The file cannot be read as a ledger; the message says why, in the user's language."""


@dataclass(frozen=True)
class Table:
    """The header of a ledger file and its data rows as (row number, cells)."""

    headers: list[str]
    rows: list[tuple[int, tuple[Any, ...]]]
    # CSV rows must have the header's width; a shorter one is a cut-off line.
    exact_width: bool = False


def check_size(size: int) -> None:
    """Refuse a file over the size limit before anything reads it."""
    if size > MAX_BYTES:
        raise FileRefused(
            _("文件大小为 %(size).1f MB，超过 %(limit)d MB 的上限；请按年度或单位拆分后分批导入。")
            % {"size": size / 1024 / 1024, "limit": MAX_BYTES // 1024 // 1024}
        )


def read_table(path: Path, source: Source, name: str = "") -> Table:
    """Return the header and rows of the file at `path` (`name`: its name as uploaded)."""
    check_size(path.stat().st_size)
    with path.open("rb") as f:
        head = f.read(4)
        f.seek(0)
        excel = (name or path.name).lower().endswith(EXCEL_SUFFIXES) or head == _ZIP_MAGIC
        return _read_excel(f, source) if excel else _read_csv(f.read(), source)


def _read_csv(data: bytes, source: Source) -> Table:
    try:
        text = data.decode(source.encoding)
    except UnicodeDecodeError as e:
        raise FileRefused(
            _(
                "文件不是 %(encoding)s 编码（第 %(at)d 字节处无法解码）；请在映射的 source.encoding 中写明文件的编码，如 gbk。"
            )
            % {"encoding": source.encoding, "at": e.start}
        ) from None
    # A BOM survives an encoding named without it ("utf-8"): never part of the first header.
    text = text.removeprefix("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=source.delimiter, strict=True)
    rows: list[tuple[int, tuple[Any, ...]]] = []
    try:
        headers = [h.strip() for h in next(reader, [])]
        for number, cells in enumerate(reader, start=2):
            if any(c.strip() for c in cells):
                rows.append((number, tuple(cells)))
    except csv.Error as e:
        raise FileRefused(
            _("第 %(row)d 行：CSV 格式错误（%(error)s），文件可能已损坏或被截断。")
            % {"row": len(rows) + 2, "error": e}
        ) from None
    return _table(headers, rows, exact_width=True)


def _read_excel(f: IO[bytes], source: Source) -> Table:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(f, read_only=True, data_only=False)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError):
        raise FileRefused(_("文件不是有效的 Excel（.xlsx）文件，或已损坏、被截断。")) from None
    try:
        if source.sheet is not None and source.sheet not in book.sheetnames:
            raise FileRefused(
                _("文件中没有名为“%(sheet)s”的工作表；有：%(sheets)s。")
                % {"sheet": source.sheet, "sheets": "、".join(book.sheetnames)}
            )
        sheet = book[source.sheet] if source.sheet is not None else book.worksheets[0]
        cells: Iterator[tuple[Any, ...]] = sheet.iter_rows(values_only=True)
        try:
            first = next(cells, ())
            headers = [str(h).strip() if h is not None else "" for h in first]
            rows = [
                (number, row)
                for number, row in enumerate(cells, start=2)
                if any(c not in (None, "") for c in row)
            ]
        except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError):
            raise FileRefused(_("Excel 文件已损坏或被截断，无法读完。")) from None
    finally:
        book.close()
    while headers and not headers[-1]:
        headers.pop()
    return _table(headers, rows)


def _table(
    headers: list[str], rows: list[tuple[int, tuple[Any, ...]]], *, exact_width: bool = False
) -> Table:
    if not any(headers):
        raise FileRefused(_("文件是空的：第一行须为表头（列名）。"))
    seen = [h for i, h in enumerate(headers) if h and h in headers[:i]]
    if seen:
        raise FileRefused(_("表头中有重复的列名：%(names)s。") % {"names": "、".join(seen)})
    return Table(headers=headers, rows=rows, exact_width=exact_width)
