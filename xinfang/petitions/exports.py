"""A case list as a file: CSV (UTF-8 with BOM, which Excel needs to read Chinese) or Excel.

Both carry the ledger's columns (ledger.py) and stream: the rows are read from the
database in chunks and written as they come, so a list of a million cases never sits in
memory. Every export is audited as a download, with the identifiers it carried in full.
"""

import csv
import datetime as dt
import tempfile
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, HttpResponseBase, StreamingHttpResponse
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
# Excel's own limit: one sheet holds 1,048,576 rows, the header among them.
XLSX_MAX_ROWS = 1_048_575


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


def _xlsx_file(rows: Iterator[list[Any]]) -> Any:
    """Return an open temporary file holding the workbook, written a row at a time."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("台账")
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
    for n, row in enumerate(rows):
        if n >= XLSX_MAX_ROWS:
            break
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
    # Handed open to the FileResponse, which closes it once sent.
    out = tempfile.TemporaryFile()  # noqa: SIM115
    book.save(out)
    out.seek(0)
    return out


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
        return FileResponse(
            _xlsx_file(rows), as_attachment=True, filename=filename, content_type=XLSX_TYPE
        )
    response = StreamingHttpResponse(_csv_lines(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, filename) or ""
    return response
