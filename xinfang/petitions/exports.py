"""A case list as a file: CSV (UTF-8 with BOM, which Excel needs to read Chinese) or Excel.

Both carry the ledger's columns (ledger.py) and stream: the response is returned at once,
and the rows are read from the database in chunks and written as it is sent, so a list
of a million cases never sits in memory. Every export is audited as a download, with the identifiers it carried in full.
"""

import csv
import datetime as dt
import tempfile
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponseBase, StreamingHttpResponse
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from xinfang.common import clock
from xinfang.common.audit import audit_record
from xinfang.petitions import access, ledger
from xinfang.petitions.models import Petition

FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Excel's own limit: one sheet holds 1,048,576 rows, the header among them. A longer list
# goes on over further sheets (台账 (2), ...), each with the header: nothing is left out.
XLSX_SHEET_ROWS = 1_048_575
SHEET_TITLE = "台账"
# Bytes handed to the server at a time once the workbook is written.
XLSX_CHUNK = 64 * 1024


class _Echo:
    """A file that hands back what is written to it, for csv.writer to build one line."""

    def write(self, value: str) -> str:
        return value


def _csv_lines(rows: Iterator[list[Any]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(ledger.HEADERS)
    for row in rows:
        yield writer.writerow(
            [v.isoformat() if isinstance(v, dt.date) else v for v in row]  # dates as 2026-12-01
        )


def _sheet(book: Workbook, number: int) -> Any:
    """Add the `number`th sheet of the ledger, its widths, frozen header and header row set."""
    sheet = book.create_sheet(SHEET_TITLE if number == 1 else f"{SHEET_TITLE} ({number})")
    for i, column in enumerate(ledger.COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = column.width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for title in ledger.HEADERS:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    return sheet


def _xlsx_chunks(rows: Iterator[list[Any]]) -> Iterator[bytes]:
    """Yield the workbook's bytes, its rows read from the database as the response is sent.

    openpyxl's write-only mode writes each row out as it is appended, so memory stays flat
    however long the list; the file's bytes follow once the last row is written (a zip's
    directory comes last).
    """
    book = Workbook(write_only=True)
    sheet = _sheet(book, 1)
    for n, row in enumerate(rows):
        if n and n % XLSX_SHEET_ROWS == 0:
            sheet = _sheet(book, n // XLSX_SHEET_ROWS + 1)
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, dt.date):
                cell.number_format = "yyyy-mm-dd"
            elif isinstance(value, str):
                # A text is a text, even one that looks like a formula (escaped already).
                cell.data_type = "s"
            cells.append(cell)
        sheet.append(cells)
    with tempfile.TemporaryFile() as out:
        book.save(out)
        out.seek(0)
        while chunk := out.read(XLSX_CHUNK):
            yield chunk


def ledger_response(
    *, user: Any, cases: QuerySet[Petition], fmt: str, name: str, ip: str | None = None
) -> HttpResponseBase:
    """Return the cases as a ledger file of format `fmt` ("csv" or "xlsx"), audited."""
    full = access.sees_personal_data(user)
    audit_record(
        actor=user,
        kind="download",
        obj=user,
        fields=["id_number", "phone"] if full else [],
        summary=f"ledger.{fmt}:{name}",
        ip=ip,
    )
    filename = f"{name}-{clock.today().isoformat()}.{fmt}"
    rows = ledger.ledger_rows(user, cases)
    if fmt == "xlsx":
        response = StreamingHttpResponse(_xlsx_chunks(rows), content_type=XLSX_TYPE)
    else:
        response = StreamingHttpResponse(_csv_lines(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, filename) or ""
    return response
