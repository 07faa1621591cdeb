"""The leaders' dashboard in Chromium: a KPI tile opens exactly its cases, and the Excel
report downloaded from the page holds the figure the page shows."""

import re
from typing import Any

import pytest
from openpyxl import load_workbook

from tests.e2e.conftest import login
from xinfang.assessment.tests.fixture import MARCH, build

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MARCH_QUERY = f"start={MARCH[0].isoformat()}&end={MARCH[1].isoformat()}"


def test_a_leader_follows_a_tile_to_its_cases_and_finds_its_figure_in_the_excel_report(
    page: Any, street: Any, tmp_path: Any
) -> None:
    cases = build(street)
    login(page, street.leader.username)
    page.goto(f"/dashboard/?{MARCH_QUERY}")
    tile = page.locator("[data-kpi='on_time_rate']")
    shown = tile.locator(".kpi-value").inner_text()
    numerator = int(tile.locator("[data-part='numerator']").inner_text())
    denominator = int(tile.locator("[data-part='denominator']").inner_text())
    assert (shown, numerator, denominator) == ("60.0%", 3, 5)

    with page.expect_navigation():
        tile.locator(".kpi-value").click()
    assert "/assessment/cases/" in page.url and "kpi=on_time_rate" in page.url
    assert page.locator("p.count").inner_text() == f"共 {numerator} 件"
    listed = page.locator("table.list tbody td:first-child a").all_inner_texts()
    assert sorted(listed) == sorted(c.number for c in (cases.a, cases.c, cases.f))

    page.go_back()
    with page.expect_download() as download:
        page.click("[data-report='xlsx']")
    path = tmp_path / "report.xlsx"
    download.value.save_as(path)
    sheet = load_workbook(path).worksheets[0]
    assert re.search("XX街道", str(sheet["A1"].value))
    row = next(r for r in sheet.iter_rows(min_row=3, values_only=True) if r[1] == "按期办结率")
    value, num, den = row[2:5]
    assert (num, den) == (numerator, denominator)
    assert f"{100 * value:.1f}%" == shown
