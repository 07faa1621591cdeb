"""The statistics reports (Excel, PDF) and the assessment table as Excel, opened and read."""

import datetime as dt
import io
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook
from pypdf import PdfReader

from xinfang.assessment import selectors, services
from xinfang.assessment.kpis import Period, quarter_of
from xinfang.assessment.reports import safe_text
from xinfang.assessment.tests.factories import scheme
from xinfang.assessment.tests.fixture import MARCH, TODAY, Cases, build
from xinfang.organization.models import Unit
from xinfang.petitions.tests.factories import travel

pytestmark = pytest.mark.django_db

MARCH_PARAMS = {"start": MARCH[0].isoformat(), "end": MARCH[1].isoformat()}


@pytest.fixture
def cases(street: Any) -> Cases:
    return build(street)


def download(user: Any, url: str, **params: Any) -> Any:
    client = Client()
    client.force_login(user)
    with travel(TODAY):
        return client.get(url, params)


def test_the_excel_report_holds_the_figures_as_numbers_with_a_sheet_per_breakdown(street, cases):
    response = download(
        street.leader, "/assessment/report.xlsx", unit=street.street.pk, **MARCH_PARAMS
    )
    assert response["Content-Disposition"].startswith("attachment;")
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == [
        "指标",
        "按信访形式",
        "按问题分类",
        "按问题发生地（社区）",
        "按责任单位",
    ]
    ws = wb["指标"]
    assert "A1:I1" in {str(r) for r in ws.merged_cells.ranges}
    assert ws["A1"].value == "XX街道信访工作统计报表（2025-03-01至2025-03-31）"
    assert ws["A2"].font.bold and ws.column_dimensions["B"].width == 24
    figures = selectors.kpi_figures(street.street, Period(*MARCH), TODAY)
    rows = {r[1].value: r for r in ws.iter_rows(min_row=3)}
    on_time = figures["on_time_rate"]
    row = rows["按期办结率"]
    assert row[2].value == pytest.approx(on_time.value)
    assert row[2].number_format == "0.0%"
    assert (row[3].value, row[4].value) == (on_time.numerator, on_time.denominator)
    letters = rows["来信（批次）"]
    assert letters[2].value == figures["letters"].value and isinstance(letters[2].value, int)
    assert letters[6].value == figures["letters"].previous
    channels = wb["按信访形式"]
    counts = {r[0].value: r[1].value for r in channels.iter_rows(min_row=3)}
    assert sum(counts.values()) == figures.lists["registered"]
    assert channels.cell(row=3, column=3).number_format == "0.0%"


def test_the_pdf_report_prints_the_figures(street, cases):
    response = download(
        street.leader, "/assessment/report.pdf", unit=street.street.pk, **MARCH_PARAMS
    )
    assert response["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    flat = text.replace(" ", "").replace("\n", "")
    figures = selectors.kpi_figures(street.street, Period(*MARCH), TODAY)
    on_time = figures["on_time_rate"]
    assert "XX街道信访工作统计报表" in flat
    assert f"按期办结率{100 * on_time.value:.1f}%{on_time.numerator}/{on_time.denominator}" in flat
    assert "按信访形式" in flat


def test_a_name_excel_would_run_as_a_formula_is_written_as_text(street, cases):
    assert safe_text('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert safe_text("湖滨") == "湖滨"
    Unit.objects.filter(pk=street.lakeside.pk).update(name='=HYPERLINK("http://evil")')
    response = download(
        street.leader, "/assessment/report.xlsx", unit=street.street.pk, **MARCH_PARAMS
    )
    wb = load_workbook(io.BytesIO(response.content))
    names = [r[0].value for r in wb["按责任单位"].iter_rows(min_row=3)]
    assert '\'=HYPERLINK("http://evil")' in names
    assert all(c.data_type != "f" for row in wb["按责任单位"].iter_rows() for c in row)


def test_the_assessment_table_downloads_with_points_as_numbers(street, cases):
    with travel(TODAY):
        assessment = services.assessment_run(
            actor=street.leader,
            scheme_id=scheme().pk,
            period=quarter_of(dt.date(2025, 1, 1)),
            today=TODAY,
        )
    response = download(street.leader, f"/assessment/runs/{assessment.pk}/xlsx/")
    wb = load_workbook(io.BytesIO(response.content))
    ws = wb["考核得分"]
    assert ws.cell(row=2, column=3).value == "及时受理率（5.00分）"
    table = {r[1].value: r for r in ws.iter_rows(min_row=3)}
    results = {r.unit.name: r for r in assessment.results.select_related("unit")}
    assert set(table) == {"湖滨花园社区", "雅仕苑社区"}
    for name, result in results.items():
        assert table[name][0].value == result.rank
        assert table[name][-1].value == pytest.approx(float(result.score))
    assert wb["指标明细"].max_row == 2 + 2 * 3
    community = download(street.community_leader, f"/assessment/runs/{assessment.pk}/xlsx/")
    own = load_workbook(io.BytesIO(community.content))["考核得分"]
    assert [r[1].value for r in own.iter_rows(min_row=3)] == ["湖滨花园社区"]
