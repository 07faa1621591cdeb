"""The import's writes in batches, and the shortcuts that make them fast keep its behaviour."""

import csv
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from xinfang.ledger_import import services, writing
from xinfang.ledger_import.inserts import RawInsert
from xinfang.ledger_import.mapping import parse_mapping
from xinfang.ledger_import.tests.helpers import HEADERS, mapping, row, write_csv
from xinfang.petitions.models import QUERY_CODE_ALPHABET, Petition, Petitioner, PetitionEvent
from xinfang.petitions.workflow import Status

pytestmark = pytest.mark.django_db


def run(street: Any, path: Path, **options: Any) -> services.Report:
    m = parse_mapping(json.dumps(options.pop("mapping", mapping())))
    return services.ledger_import(actor=street.registrar, path=path, mapping=m, **options)


def test_petitioners_are_matched_across_batches_and_by_an_id_number_on_file(
    street: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services, "BATCH", 2)
    on_file = Petitioner.objects.create(name="李四", id_number="110101199001011237")
    m = mapping(petitioner_id_number="证件")
    headers = [*HEADERS, "证件"]
    rows = [
        [*row("A1"), ""],
        [*row("A2", 姓名="李四", 电话=""), "110101199001011237"],
        [*row("A3", 姓名="王五", 电话=""), "11010119800101111X"],
        [*row("A4"), ""],  # 张三 with the same phone as A1, in another batch
        [*row("A5", 姓名="王五", 电话="13900000000"), "11010119800101111X"],
        [*row("A6", 姓名="", 电话=""), ""],
    ]
    path = tmp_path / "l.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(headers)
        writer.writerows(rows)
    started = timezone.now()
    assert run(street, path, mapping=m).as_dict() == {"created": 6, "skipped": 0, "errors": []}
    cases = {p.external_ref: p for p in Petition.objects.select_related("petitioner")}
    assert cases["A1"].petitioner_id == cases["A4"].petitioner_id
    assert cases["A2"].petitioner_id == on_file.pk
    assert cases["A3"].petitioner_id == cases["A5"].petitioner_id
    assert cases["A6"].petitioner is None and cases["A6"].is_anonymous
    assert Petitioner.objects.count() == 3  # on file, 张三, 王五
    zhang = cases["A1"].petitioner
    assert (zhang.name, zhang.phone, zhang.community) == ("张三", "13800000001", street.lakeside)
    assert zhang.created_at >= started - dt.timedelta(seconds=1)
    # One event a case, each naming its own case and row.
    events = {e.petition_id: e for e in PetitionEvent.objects.all()}
    assert len(events) == 6
    assert events[cases["A5"].pk].details["row"] == 6
    assert events[cases["A5"].pk].note == "由台账导入：l.csv 第6行"
    assert len({p.query_code for p in cases.values()}) == 6


def test_rows_sharing_a_date_text_or_a_bad_value_are_each_read_or_reported(
    street: Any, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "l.csv",
        [
            row("A1", 日期="2025-03-02"),
            row("A2", 日期="2025-02-30"),
            row("A3", 日期="2025-03-02", 答复="2025-03-01"),
            row("A4", 日期="2025-02-30", 承办="不存在办"),
            row("A5", 承办="不存在办"),
            row("A6", 承办="不存在办"),
        ],
    )
    report = run(street, path)
    assert [(p.row, p.column) for p in report.errors] == [
        (3, "日期"),
        (4, "答复"),
        (5, "日期"),
        (6, "承办"),
        (7, "承办"),
    ]
    assert report.errors[-1].message == report.errors[-2].message
    assert "不存在办" in report.errors[-1].message
    assert not Petition.objects.exists()
    path = write_csv(tmp_path / "m.csv", [row("B1"), row("B2", 答复="2025-03-04")])
    assert run(street, path).created == 2
    b1, b2 = Petition.objects.order_by("external_ref")
    assert timezone.localdate(b1.registered_at) == timezone.localdate(b2.registered_at)
    assert b1.registered_at == b2.registered_at and b1.route_due == b2.route_due
    assert (b1.status, b2.status) == (Status.REGISTERED, Status.REPLIED)
    assert b1.handling_due is None and b2.handling_due == dt.date(2025, 5, 1)


def test_a_query_code_reads_its_60_bits_five_at_a_time_as_the_model_alphabet(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bits = 0x0123_4567_89AB_CDEF & ((1 << 60) - 1)
    monkeypatch.setattr(writing.secrets, "randbits", lambda n: bits)
    expected = "".join(QUERY_CODE_ALPHABET[(bits >> (5 * i)) & 31] for i in range(12))
    assert writing.query_code() == expected
    monkeypatch.undo()
    codes = {writing.query_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(len(c) == 12 and set(c) <= set(QUERY_CODE_ALPHABET) for c in codes)


def test_a_raw_insert_refuses_a_column_it_does_not_know_or_one_set_on_save() -> None:
    with pytest.raises(ValueError, match="no columns"):
        RawInsert(Petitioner, ["name", "colour"])
    with pytest.raises(ValueError, match="created_at"):
        RawInsert(Petitioner, ["name"])


def test_the_ids_of_deleted_rows_are_never_given_again(street: Any, tmp_path: Path) -> None:
    """An audit entry of a deleted case must not come to name an imported one."""
    from django.db import connection

    from xinfang.petitions.tests.factories import register

    deleted = register(street.registrar)
    petitioner, event = deleted.petitioner_id, PetitionEvent.objects.get(petition=deleted).pk
    Petition.objects.filter(pk=deleted.pk).delete()
    Petitioner.objects.filter(pk=petitioner).delete()
    assert run(street, write_csv(tmp_path / "l.csv", [row("A1"), row("A2")])).created == 2
    imported = list(Petition.objects.order_by("pk"))
    assert imported[0].pk > deleted.pk
    assert imported[0].petitioner_id > petitioner
    assert min(PetitionEvent.objects.values_list("pk", flat=True)) > event
    if connection.vendor == "sqlite":  # the next id Django's own insert takes is past them
        with connection.cursor() as cursor:
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = 'petitions_petition'")
            assert cursor.fetchone()[0] == imported[-1].pk
    assert register(street.registrar).pk > imported[-1].pk
