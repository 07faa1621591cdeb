"""Any case list exports to CSV and Excel with the ledger's columns, masked as on the page."""

import csv
import datetime as dt
import io
from typing import Any

import openpyxl
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from xinfang.common import clock
from xinfang.common.models import AuditEntry
from xinfang.petitions import access, exports, ledger
from xinfang.petitions.inputs import PetitionerData
from xinfang.petitions.models import Category
from xinfang.petitions.tests.factories import accepted, act, register
from xinfang.petitions.validators import id_check_digit
from xinfang.petitions.workflow import Action

pytestmark = pytest.mark.django_db

ID_NUMBER = "33010619850505123" + id_check_digit("33010619850505123")
PHONE = "13911112222"


def _person() -> list[PetitionerData]:
    return [PetitionerData(name="朱根保", id_number=ID_NUMBER, phone=PHONE, address="1幢")]


def _get(user: Any, url: str = "/petitions/", **params: Any) -> Any:
    client = Client()
    client.force_login(user)
    response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    return response


def _csv(user: Any, url: str = "/petitions/", **params: Any) -> list[dict[str, str]]:
    response = _get(user, url, export="csv", **params)
    raw = b"".join(response.streaming_content)
    assert raw.startswith("\ufeff".encode())  # Excel reads UTF-8 only with its BOM
    text = raw.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def _xlsx(user: Any, url: str = "/petitions/", **params: Any) -> Any:
    response = _get(user, url, export="xlsx", **params)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active


def test_the_csv_has_the_ledger_header_and_the_lists_rows_in_its_order(street: Any) -> None:
    first = accepted(street, petitioners=_person())
    second = register(street.registrar, title="夜间施工噪声扰民")
    rows = _csv(street.registrar)
    assert list(rows[0]) == list(ledger.HEADERS)
    assert [r["事项编号"] for r in rows] == [second.number, first.number]
    row = rows[1]
    assert row["信访人"] == "朱根保" and row["身份证号"] == ID_NUMBER and row["联系电话"] == PHONE
    assert row["承办单位"] == "湖滨花园社区" and row["状态"] == "办理中"
    assert row["登记日期"] == clock.today().isoformat()
    assert row["当前期限"] == first.due_date.isoformat()


def test_the_export_follows_the_lists_filters(street: Any) -> None:
    accepted(street)
    noise = register(street.registrar, title="夜间施工噪声扰民")
    assert [r["事项编号"] for r in _csv(street.registrar, q="噪声")] == [noise.number]


def test_a_handler_gets_the_identifiers_masked_as_on_the_case_page(street: Any) -> None:
    accepted(street, petitioners=_person())
    (row,) = _csv(street.handler)
    assert row["信访人"] == "朱根保"
    assert row["身份证号"] == "330***********" + ID_NUMBER[-4:]
    assert row["联系电话"] == "139****2222"


def test_the_accused_unit_gets_no_name_and_no_identifiers(street: Any) -> None:
    category = Category.objects.filter(is_accusation=False, parent__isnull=False).first()
    assert category is not None
    accepted(
        street,
        petitioners=_person(),
        category_id=category.pk,
        accused_unit_id=street.lakeside.pk,
        accused="居委会",
    )
    for user in (street.handler, street.community_leader):
        (row,) = _csv(user)
        assert row["信访人"] == ledger.PROTECTED
        assert row["身份证号"] == ledger.PROTECTED and row["联系电话"] == ledger.PROTECTED
        sheet = _xlsx(user)
        assert "朱根保" not in {c.value for r in sheet.iter_rows() for c in r}


def test_a_cell_that_would_be_a_formula_is_escaped(street: Any) -> None:
    register(street.registrar, title='=HYPERLINK("http://evil","点我")')
    register(street.registrar, title="-2+3 是个算式")
    rows = _csv(street.registrar)
    assert {r["标题"] for r in rows} == {'\'=HYPERLINK("http://evil","点我")', "'-2+3 是个算式"}
    sheet = _xlsx(street.registrar)
    titles = [r[3].value for r in sheet.iter_rows(min_row=2)]
    assert all(t.startswith("'") for t in titles)
    assert all(r[3].data_type == "s" for r in sheet.iter_rows(min_row=2))


def test_the_excel_file_has_a_header_widths_and_dates_as_dates(street: Any) -> None:
    petition = accepted(street, petitioners=_person())
    sheet = _xlsx(street.registrar)
    assert [c.value for c in sheet[1]] == list(ledger.HEADERS)
    assert sheet[1][0].font.bold
    assert sheet.column_dimensions["D"].width == ledger.COLUMNS[3].width
    row = sheet[2]
    assert row[0].value == petition.number
    registered = row[ledger.FIELDS.index("registered_at")].value
    due = row[ledger.FIELDS.index("due_date")].value
    assert isinstance(registered, dt.datetime) and registered.date() == clock.today()
    assert due.date() == petition.due_date
    assert row[ledger.FIELDS.index("due_date")].number_format == "yyyy-mm-dd"
    assert row[ledger.FIELDS.index("id_number")].value == ID_NUMBER


def test_the_kpi_case_list_exports_the_same_columns(street: Any) -> None:
    petition = accepted(street)
    today = clock.today()
    params = {
        "kpi": "registered",
        "part": "numerator",
        "unit": street.street.pk,
        "start": today.replace(day=1).isoformat(),
        "end": today.isoformat(),
    }
    page = _get(street.leader, "/assessment/cases/", **params).content.decode()
    assert "export=csv" in page and "export=xlsx" in page
    rows = _csv(street.leader, "/assessment/cases/", **params)
    assert list(rows[0]) == list(ledger.HEADERS)
    assert [r["事项编号"] for r in rows] == [petition.number]
    sheet = _xlsx(street.leader, "/assessment/cases/", **params)
    assert [c.value for c in sheet[1]] == list(ledger.HEADERS)
    assert sheet[2][0].value == petition.number


def test_an_export_is_audited_as_a_download(street: Any) -> None:
    accepted(street, petitioners=_person())
    _csv(street.registrar)
    entry = AuditEntry.objects.get(kind="download", actor=street.registrar)
    assert entry.summary.startswith("ledger.csv") and entry.fields == ["id_number", "phone"]


def test_an_export_reads_the_rows_in_a_fixed_number_of_queries(
    street: Any, django_assert_max_num_queries: Any
) -> None:
    for _ in range(12):
        register(street.registrar)
    client = Client()
    client.force_login(street.registrar)
    with django_assert_max_num_queries(12):
        response = client.get("/petitions/", {"export": "csv"})
        lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert len(lines) == 13


def test_the_export_decides_once_what_the_user_sees_and_it_is_the_case_pages_answer(
    street: Any,
) -> None:
    category = Category.objects.filter(is_accusation=False, parent__isnull=False).first()
    assert category is not None
    plain = accepted(street, petitioners=_person())
    complaint = accepted(
        street, category_id=category.pk, accused_unit_id=street.lakeside.pk, accused="居委会"
    )
    for user in (street.registrar, street.handler, street.community_leader, street.auditor):
        rule = access.disclosure_rule(user)
        for petition in (plain, complaint):
            assert rule(petition) == access.disclosure(user, petition), (user.role, petition)
    rows = {r["事项编号"]: r for r in _csv(street.handler)}
    assert rows[plain.number]["信访人"] == "朱根保"
    assert rows[complaint.number]["信访人"] == ledger.PROTECTED


def test_the_excel_export_is_written_while_it_is_sent_not_before(street: Any) -> None:
    accepted(street, petitioners=_person())
    client = Client()
    client.force_login(street.registrar)
    response = client.get("/petitions/", {"export": "xlsx"})
    assert response.streaming
    # The cases are read as the body is taken, not before the response is handed over.
    with CaptureQueriesContext(connection) as read:
        body = b"".join(response.streaming_content)
    assert any("petitions_petition" in q["sql"] for q in read.captured_queries)
    sheet = openpyxl.load_workbook(io.BytesIO(body)).active
    assert sheet.max_row == 2


def test_a_list_longer_than_a_sheet_goes_on_over_further_sheets(
    street: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(exports, "XLSX_SHEET_ROWS", 2)
    cases = [register(street.registrar) for _ in range(5)]
    response = _get(street.registrar, export="xlsx")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.sheetnames == ["台账", "台账 (2)", "台账 (3)"]
    numbers = []
    for sheet in book.worksheets:
        assert [c.value for c in sheet[1]] == list(ledger.HEADERS)
        numbers += [r[0].value for r in sheet.iter_rows(min_row=2)]
    assert numbers == [c.number for c in reversed(cases)]


def _links_to_exports(user: Any, url: str) -> None:
    page = _get(user, url).content.decode()
    assert 'href="?export=csv"' in page and 'href="?export=xlsx"' in page


def test_the_leaders_page_exports_their_cases_and_no_others(street: Any) -> None:
    mine = act(accepted(street), street.leader, Action.TAKE_CHARGE, {"leader": street.leader.pk})
    others = act(
        accepted(street), street.leader, Action.TAKE_CHARGE, {"leader": street.community_leader.pk}
    )
    register(street.registrar)  # in the leader's street, in no leader's charge
    _links_to_exports(street.leader, "/leader/")
    assert [r["事项编号"] for r in _csv(street.leader, "/leader/")] == [mine.number]
    sheet = _xlsx(street.leader, "/leader/")
    assert [c.value for c in sheet[1]] == list(ledger.HEADERS)
    assert [r[0].value for r in sheet.iter_rows(min_row=2)] == [mine.number]
    assert [r["事项编号"] for r in _csv(street.community_leader, "/leader/")] == [others.number]
    entry = AuditEntry.objects.filter(kind="download", actor=street.leader).latest("pk")
    assert entry.summary == "ledger.xlsx:我的包案"


def test_the_petitioners_page_exports_their_cases_the_user_may_know_of(street: Any) -> None:
    here = accepted(street, petitioners=_person())
    there = accepted(street, "yashiyuan", petitioners=_person(), title="夜间施工噪声扰民")
    register(street.registrar, title="别人的事")
    url = f"/petitioners/{here.petitioner_id}/"
    assert here.petitioner_id == there.petitioner_id
    _links_to_exports(street.registrar, url)
    rows = _csv(street.registrar, url)
    assert [r["事项编号"] for r in rows] == [there.number, here.number]  # newest first
    assert rows[0]["身份证号"] == ID_NUMBER
    # A handler of Lakeside Garden knows of its own case only, the identifiers masked.
    (row,) = _csv(street.handler, url)
    assert row["事项编号"] == here.number and row["联系电话"] == "139****2222"
    sheet = _xlsx(street.handler, url)
    assert [r[0].value for r in sheet.iter_rows(min_row=2)] == [here.number]
    assert ID_NUMBER not in {c.value for r in sheet.iter_rows() for c in r}
