"""The statistics reports (monthly, quarterly, yearly) and the assessment table as files.

Excel with openpyxl: a merged title row, bold headers, set column widths, numbers stored
as numbers and rates as fractions shown in per cent, a sheet per breakdown. The PDF is
the same report as a printable page through WeasyPrint. Text that Excel would read as
a formula (=, +, -, @ first) is written as text, so a unit or category name cannot run.
The figures come from the selectors; the caller checks access.
"""

import io
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from weasyprint import HTML

from xinfang.assessment import kpis, selectors
from xinfang.assessment.models import Assessment, AssessmentResult

PERCENT = "0.0%"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    """Return text Excel shows as written: a leading formula character is quoted."""
    return f"'{value}" if value.startswith(_FORMULA_START) else value


def _sheet(
    ws: Worksheet,
    title: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    widths: Sequence[int],
    percent_columns: Sequence[int] = (),
) -> None:
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append(list(headers))
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
    for row in rows:
        ws.append([safe_text(v) if isinstance(v, str) else v for v in row])
    for column in percent_columns:
        for (cell,) in ws.iter_rows(min_row=3, min_col=column, max_col=column):
            cell.number_format = PERCENT
    for n, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(n)].width = width
    ws.freeze_panes = "A3"


def _title(figures: selectors.Figures) -> str:
    p = figures.period
    return _("%(u)s信访工作统计报表（%(s)s至%(e)s）") % {
        "u": figures.unit.name,
        "s": p.start.isoformat(),
        "e": p.end.isoformat(),
    }


def _kpi_rows(figures: selectors.Figures) -> list[list[Any]]:
    rows = []
    for f in figures.figures:
        rate = f.spec.kind == kpis.Kind.RATE
        rows.append(
            [
                str(kpis.GROUP_LABELS[f.spec.group]),
                str(f.spec.label),
                f.value,
                f.numerator,
                f.denominator if rate else None,
                f.spec.target,
                None if rate else f.previous,
                None if rate else f.change,
                f.per_10k,
            ]
        )
    return rows


def statistics_xlsx(
    figures: selectors.Figures, parts: dict[str, list[selectors.Slice]], labels: dict[str, str]
) -> bytes:
    """Return the statistics report of a unit and period as an Excel workbook."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = _("指标")
    _sheet(
        ws,
        _title(figures),
        [
            _("类别"),
            _("指标"),
            _("数值"),
            _("分子（件）"),
            _("分母（件）"),
            _("目标"),
            _("上年同期"),
            _("同比"),
            _("每万人"),
        ],
        _kpi_rows(figures),
        [12, 24, 12, 12, 12, 10, 12, 10, 10],
    )
    # Rates are fractions shown in per cent; counts stay whole numbers.
    for row, f in enumerate(figures.figures, start=3):
        if f.spec.kind == kpis.Kind.RATE:
            ws.cell(row=row, column=3).number_format = PERCENT
            ws.cell(row=row, column=6).number_format = PERCENT
        ws.cell(row=row, column=8).number_format = PERCENT
        ws.cell(row=row, column=9).number_format = "0.00"
    for name, slices in parts.items():
        total = sum(s.count for s in slices)
        _sheet(
            wb.create_sheet(labels[name][:31]),
            f"{_title(figures)} · {labels[name]}",
            [labels[name], _("登记件数"), _("占比")],
            [[s.label, s.count, s.count / total if total else None] for s in slices],
            [30, 12, 10],
            percent_columns=[3],
        )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def statistics_pdf(
    figures: selectors.Figures, parts: dict[str, list[selectors.Slice]], labels: dict[str, str]
) -> bytes:
    """Return the statistics report as an A4 PDF with its CJK font embedded."""
    html = render_to_string(
        "assessment/report_document.html",
        {
            "title": _title(figures),
            "figures": figures,
            "groups": [
                (kpis.GROUP_LABELS[g], [f for f in figures.figures if f.spec.group == g])
                for g in kpis.Group
            ],
            "parts": [(labels[name], slices) for name, slices in parts.items()],
        },
    )
    pdf: bytes = HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
    return pdf


def assessment_xlsx(assessment: Assessment, rows: Sequence[AssessmentResult]) -> bytes:
    """Return an assessment's ranking table as an Excel workbook, points as numbers."""
    first = rows[0].breakdown if rows else {"items": [], "adjustments": []}
    headers = [
        _("名次"),
        _("单位"),
        *[f"{i['label']}（{i['max']}分）" for i in first["items"]],
        *[f"{a['label']}（{a['each']}）" for a in first["adjustments"]],
        _("总得分"),
    ]
    table = [
        [
            r.rank,
            r.unit.name,
            *[float(i["points"]) for i in r.breakdown["items"]],
            *[float(a["points"]) for a in r.breakdown["adjustments"]],
            float(r.score),
        ]
        for r in rows
    ]
    state = _("已定稿") if assessment.is_frozen else _("未定稿，按计算时数据")
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = _("考核得分")
    _sheet(
        ws,
        _("%(s)s 考核得分排名（%(a)s至%(b)s，%(state)s）")
        % {"s": assessment.scheme, "a": assessment.start, "b": assessment.end, "state": state},
        headers,
        table,
        [8, 20, *([14] * (len(headers) - 3)), 10],
    )
    for row in ws.iter_rows(min_row=3, min_col=3, max_col=len(headers)):
        for cell in row:
            cell.number_format = "0.00"
    details = wb.create_sheet(_("指标明细"))
    _sheet(
        details,
        _("各单位考核指标明细"),
        [_("单位"), _("指标"), _("实际值"), _("分子"), _("分母"), _("目标"), _("得分")],
        [
            [
                r.unit.name,
                i["label"],
                i["value"],
                i["numerator"],
                i["denominator"],
                float(i["target"]),
                float(i["points"]),
            ]
            for r in rows
            for i in r.breakdown["items"]
        ],
        [20, 20, 10, 10, 10, 10, 10],
        percent_columns=[3, 6],
    )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
