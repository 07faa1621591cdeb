import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from xinfang.common.errors import PermissionDenied
from xinfang.ledger_import import services
from xinfang.ledger_import.mapping import parse_mapping
from xinfang.ledger_import.reading import MAX_BYTES
from xinfang.ledger_import.tests.helpers import mapping, row, write_csv, write_xlsx
from xinfang.organization.models import Unit
from xinfang.petitions.models import Category, Petition, Petitioner, PetitionEvent
from xinfang.petitions.workflow import Status

pytestmark = pytest.mark.django_db


def run(street: Any, path: Path, dry_run: bool = False, **options: Any) -> services.Report:
    m = parse_mapping(json.dumps(options.pop("mapping", mapping())))
    if dry_run:
        return services.ledger_check(actor=street.registrar, path=path, mapping=m)
    return services.ledger_import(actor=street.registrar, path=path, mapping=m, **options)


def messages(report: services.Report) -> list[str]:
    return [str(p) for p in report.errors]


def test_a_valid_file_creates_its_cases_with_their_dates_and_an_imported_event(
    street: Any, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "l.csv",
        [
            row("A1"),
            row("A2", 答复="2025-03-20", 承办="城中村改造办", 满意="满意"),
            row("A3", 形式="电话", 承办="城中村改造办", 姓名="", 电话=""),
        ],
    )
    report = run(street, path)
    assert report.as_dict() == {"created": 3, "skipped": 0, "errors": []}
    a1, a2, a3 = (Petition.objects.get(external_ref=r) for r in ("A1", "A2", "A3"))
    assert timezone.localdate(a1.registered_at) == dt.date(2025, 3, 2)
    assert (a1.status, a1.due_date, a1.owner_unit) == (
        Status.REGISTERED,
        a1.route_due,
        street.street,
    )
    assert a1.community == street.lakeside and a1.category.name == "噪声污染"
    assert a1.content == "夜间施工噪声扰民\n工地每晚施工到凌晨" and a1.petitioner.name == "张三"
    assert (a2.status, a2.due_date, a2.satisfaction_unit) == (Status.EVALUATED, None, "satisfied")
    assert timezone.localdate(a2.replied_at) == dt.date(2025, 3, 20) and a2.reply_overdue is False
    assert a2.owner_unit == street.renovation and a2.handling_due == dt.date(2025, 5, 1)
    assert (a3.status, a3.due_date, a3.channel) == (Status.HANDLING, a3.handling_due, "phone")
    assert a3.is_anonymous and a3.petitioner is None
    event = PetitionEvent.objects.get(petition=a2)
    assert event.details["imported"] is True and event.details["row"] == 3
    assert "由台账导入" in event.note and event.at == a2.registered_at
    # The same person (name and phone) is one petitioner.
    assert Petitioner.objects.filter(name="张三").count() == 1


def test_the_same_file_imported_again_creates_nothing(street: Any, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "l.csv", [row("A1"), row("A2")])
    run(street, path)
    assert run(street, path).as_dict() == {"created": 0, "skipped": 2, "errors": []}
    assert Petition.objects.count() == 2


def test_a_dry_run_reports_and_writes_nothing(street: Any, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "l.csv", [row("A1"), row("A2", 日期="2025-02-30")])
    report = run(street, path, dry_run=True)
    assert report.created == 1 and report.preview[0]["external_ref"] == "A1"
    assert messages(report) == ["第3行“日期”：日期“2025-02-30”不存在。"]
    assert not Petition.objects.exists()


# ---------------------------------------------------------------- bad input: nothing written


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        ({"日期": "2025-02-30"}, "第3行“日期”：日期“2025-02-30”不存在。"),
        ({"日期": "03/02/2025"}, "第3行“日期”：“03/02/2025”不符合日期格式 %Y-%m-%d。"),
        ({"日期": ""}, "第3行“日期”：不能为空。"),
        ({"答复": "2025-03-01"}, "第3行“答复”：答复日期2025-03-01早于登记日期2025-03-02。"),
        ({"满意": "满意"}, "第3行“满意”：有此项但没有答复日期；请补上答复日期。"),
        ({"承办": "不存在办"}, "第3行“承办”：“XX街道”下没有名为“不存在办”的单位"),
        ({"分类": "不存在的分类"}, "第3行“分类”：没有名为“不存在的分类”的问题分类"),
        ({"编号": "A1"}, "第3行“编号”：编号“A1”与第2行重复。"),
        ({"满意": "还行"}, "第3行“满意”：“还行”不是可用的值"),
    ],
)
def test_a_bad_row_is_reported_by_row_and_column_and_nothing_is_written(
    street: Any, tmp_path: Path, cells: dict[str, str], message: str
) -> None:
    path = write_csv(tmp_path / "l.csv", [row("A1"), row("A2", **cells)])
    report = run(street, path)
    assert len(report.errors) == 1 and str(report.errors[0]).startswith(message)
    assert report.created == 0 and not Petition.objects.exists()


def test_with_skip_invalid_the_valid_rows_are_imported_and_the_rejected_written_beside(
    street: Any, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "l.csv", [row("A1"), row("A2", 日期="2025-13-01"), row("A3")])
    report = run(street, path, skip_invalid=True)
    assert (report.created, len(report.errors)) == (2, 1)
    rejected = (tmp_path / "l.rejected.csv").read_text(encoding="utf-8-sig").splitlines()
    assert rejected[0].startswith("行号,原因,编号") and rejected[1].startswith("3,")
    assert "2025-13-01" in rejected[1]
    assert set(Petition.objects.values_list("external_ref", flat=True)) == {"A1", "A3"}


def test_an_unknown_column_in_the_mapping_is_a_file_error(street: Any, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "l.csv", [row("A1")])
    report = run(street, path, mapping=mapping(address="地址"))
    assert messages(report) == [
        "文件：映射中的列在文件中不存在：“地址”（address）。文件的列为："
        "“编号”、“日期”、“形式”、“标题”、“内容”、“分类”、“承办”、“社区”、“姓名”、“电话”、“答复”、“满意”。"
    ]
    assert not Petition.objects.exists()


def test_a_truncated_csv_is_refused(street: Any, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "l.csv", [row("A1"), row("A2")])
    data = path.read_bytes()
    path.write_bytes(data[: data.index(b"A2") + 12] + b'"unfinished')
    report = run(street, path)
    assert len(report.errors) == 1 and not Petition.objects.exists()
    assert "被截断" in str(report.errors[0])


def test_a_file_that_is_not_an_excel_workbook_is_refused(street: Any, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "l.xlsx", [row("A1")])
    path.write_bytes(path.read_bytes()[:300])
    assert messages(run(street, path)) == [
        "文件：文件不是有效的 Excel（.xlsx）文件，或已损坏、被截断。"
    ]


def test_a_file_over_50_mb_is_refused_before_it_is_read(street: Any, tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    with path.open("wb") as f:
        f.truncate(MAX_BYTES + 1)
    (error,) = messages(run(street, path))
    assert "超过 50 MB 的上限" in error


def test_a_gbk_file_is_read_in_the_encoding_the_mapping_names(street: Any, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "l.csv", [row("A1")], encoding="gbk")
    m = mapping()
    assert "不是 utf-8-sig 编码" in messages(run(street, path, mapping=m))[0]
    m["source"]["encoding"] = "gbk"
    assert run(street, path, mapping=m).created == 1


def test_unknown_units_and_categories_are_created_when_the_mapping_allows(
    street: Any, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "l.csv", [row("A1", 承办="新设办", 分类="新问题")])
    m = mapping(
        handling_unit={"column": "承办", "create": True},
        category={"column": "分类", "create": True},
    )
    assert run(street, path, mapping=m).created == 1
    unit = Unit.objects.get(name="新设办")
    assert (unit.parent, unit.kind) == (street.street, Unit.Kind.DEPARTMENT)
    category = Category.objects.get(name="新问题")
    assert category.parent.name == "台账导入"
    assert Petition.objects.get().handling_unit == unit


def test_a_formula_cell_is_stored_as_its_text(street: Any, tmp_path: Path) -> None:
    formula = '=HYPERLINK("http://evil.example","点此")'
    path = write_xlsx(tmp_path / "l.xlsx", [row("A1", 标题=formula), row("A2", 标题="'=1+1")])
    assert run(street, path).created == 2
    assert Petition.objects.get(external_ref="A1").title == formula
    # What our own export escaped comes back as it was.
    assert Petition.objects.get(external_ref="A2").title == "=1+1"


def test_excel_dates_and_numbers_are_read_as_cells(street: Any, tmp_path: Path) -> None:
    cells: list[Any] = row("A1")
    cells[0], cells[1] = 1001, dt.datetime(2025, 3, 2, 9, 30)
    path = write_xlsx(tmp_path / "l.xlsx", [cells])
    assert run(street, path).created == 1
    p = Petition.objects.get()
    assert p.external_ref == "1001"
    assert timezone.localtime(p.registered_at).replace(tzinfo=None) == dt.datetime(
        2025, 3, 2, 9, 30
    )


def test_only_the_office_of_the_registered_unit_may_import(street: Any, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "l.csv", [row("A1")])
    m = parse_mapping(json.dumps(mapping()))
    for user in (street.handler, street.community_leader, street.auditor):
        with pytest.raises(PermissionDenied):
            services.ledger_check(actor=user, path=path, mapping=m)
    assert services.ledger_check(actor=street.admin, path=path, mapping=m).created == 1


def test_a_row_with_fewer_cells_than_the_header_is_reported(street: Any, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "l.csv", [row("A1")])
    with path.open("a", encoding="utf-8") as f:
        f.write("A2,2025-03-02,来信\r\n")
    assert messages(run(street, path)) == [
        "第3行：该行有3列，表头有12列；文件可能被截断或分隔符有误。"
    ]
    assert not Petition.objects.exists()
