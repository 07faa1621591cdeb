"""The import takes a row's petitioner as registration would, or reports the row."""

import csv
import json
from pathlib import Path
from typing import Any

import pytest

from xinfang.common.models import AuditEntry
from xinfang.ledger_import import services
from xinfang.ledger_import.mapping import parse_mapping
from xinfang.ledger_import.tests.helpers import HEADERS, mapping, row, write_xlsx
from xinfang.petitions.inputs import PetitionerData
from xinfang.petitions.models import Petition, Petitioner
from xinfang.petitions.services.petitioners import petitioner_resolve_or_create

pytestmark = pytest.mark.django_db

LI = "110101199001011237"
ZHAO = "11010119900101100X"
HEADERS_ID = [*HEADERS, "证件"]


def run(street: Any, path: Path, dry_run: bool = False, **options: Any) -> services.Report:
    m = parse_mapping(json.dumps(mapping(petitioner_id_number="证件")))
    if dry_run:
        return services.ledger_check(actor=street.registrar, path=path, mapping=m)
    return services.ledger_import(actor=street.registrar, path=path, mapping=m, **options)


def ledger(tmp_path: Path, rows: list[list[str]]) -> Path:
    path = tmp_path / "l.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(HEADERS_ID)
        writer.writerows(rows)
    return path


def person_of(ref: str) -> Petitioner:
    petitioner = Petition.objects.get(external_ref=ref).petitioner
    assert petitioner is not None
    return petitioner


def test_another_name_with_an_id_number_on_file_is_a_row_error_in_the_dry_run_and_the_run(
    street: Any, tmp_path: Path
) -> None:
    Petitioner.objects.create(name="李四", id_number=LI, phone="13700000000")
    path = ledger(tmp_path, [[*row("B1", 姓名="王二", 电话="13600000000"), LI], [*row("B2"), ""]])
    for dry_run in (True, False):
        report = run(street, path, dry_run=dry_run)
        assert [(p.row, p.column) for p in report.errors] == [(2, "姓名")]
        assert "已登记为“李四”" in report.errors[0].message and "王二" in report.errors[0].message
        assert report.preview == [] or [r["row"] for r in report.preview] == [3]
    assert not Petition.objects.exists()
    assert Petitioner.objects.count() == 1
    # With skip_invalid the valid row goes in and the refused one is in the CSV.
    report = run(street, path, skip_invalid=True)
    assert report.created == 1 and Petition.objects.get().external_ref == "B2"


def test_a_name_differing_from_an_earlier_row_of_the_file_is_reported_with_that_row(
    street: Any, tmp_path: Path
) -> None:
    path = ledger(
        tmp_path,
        [[*row("B1", 姓名="李四", 电话=""), LI], [*row("B2", 姓名="王二", 电话=""), LI.lower()]],
    )
    report = run(street, path, dry_run=True)
    assert [(p.row, p.column) for p in report.errors] == [(3, "姓名")]
    assert "第2行为“李四”" in report.errors[0].message


def test_id_numbers_and_phones_are_normalised_and_validated_as_registration_does(
    street: Any, tmp_path: Path
) -> None:
    path = ledger(
        tmp_path,
        [
            [*row("B1", 姓名="赵六", 电话="136 0000 0000"), ZHAO.lower()],
            [*row("B2", 姓名="钱七", 电话="13400000000"), "12345"],
            [*row("B3", 姓名="孙八", 电话="12345"), ""],
            [*row("B4", 姓名="周九", 电话="13400000000"), "110101199001011234"],
        ],
    )
    report = run(street, path)
    assert [(p.row, p.column) for p in report.errors] == [(3, "证件"), (4, "电话"), (5, "证件")]
    assert "18位" in report.errors[0].message
    assert "校验位" in report.errors[2].message
    assert run(street, path, skip_invalid=True).created == 1
    zhao = person_of("B1")
    assert (zhao.id_number, zhao.phone) == (ZHAO, "13600000000")
    found, new = petitioner_resolve_or_create(
        actor=street.registrar, data=PetitionerData(name="赵六", phone="", id_number=ZHAO)
    )
    assert not new and found.pk == zhao.pk


def test_the_same_name_and_phone_as_a_record_on_file_is_that_person(
    street: Any, tmp_path: Path
) -> None:
    on_file = Petitioner.objects.create(name="李四", phone="13700000000")
    other = Petitioner.objects.create(name="李四", phone="13700000001", id_number=ZHAO)
    path = ledger(
        tmp_path,
        [
            [*row("B1", 姓名="李四", 电话="13700000000"), ""],
            [*row("B2", 姓名="李四", 电话="13700000000"), LI],  # learnt by the record
            # Not 李四 of ZHAO (another ID number), nor the record that learnt LI (B2).
            [*row("B3", 姓名="李四", 电话="13700000001"), "110101198505050016"],
        ],
    )
    report = run(street, path)
    assert report.errors == [] and report.created == 3
    assert person_of("B1").pk == person_of("B2").pk == on_file.pk
    on_file.refresh_from_db()
    assert on_file.id_number == LI
    assert AuditEntry.objects.filter(
        kind="change", object_type="petitioner", object_id=str(on_file.pk)
    ).exists()
    b3 = person_of("B3")
    assert b3.pk not in (on_file.pk, other.pk)
    assert Petitioner.objects.count() == 3


def test_an_id_number_on_file_twice_is_its_oldest_record(street: Any, tmp_path: Path) -> None:
    oldest = Petitioner.objects.create(name="李四", id_number=LI)
    Petitioner.objects.create(name="李四", id_number=LI)
    report = run(street, ledger(tmp_path, [[*row("B1", 姓名="李四", 电话=""), LI]]))
    assert report.created == 1
    assert person_of("B1").pk == oldest.pk
    registered, _new = petitioner_resolve_or_create(
        actor=street.registrar, data=PetitionerData(name="李四", phone="", id_number=LI)
    )
    assert registered.pk == oldest.pk


def test_an_id_number_in_a_number_cell_is_refused_and_in_a_text_cell_read(
    street: Any, tmp_path: Path
) -> None:
    path = write_xlsx(
        tmp_path / "l.xlsx",
        [
            [*row("B1", 姓名="甲", 电话=""), float(LI[:17] + "0")],  # Excel's 15 digits
            [*row("B2", 姓名="乙", 电话=""), ZHAO],
            # openpyxl too writes it as 1.1010119850505e+17.
            [*row("B3", 姓名="丙", 电话=""), int("110101198505050016")],
            [*row("B4", 姓名="丁", 电话=13900000000.0), ""],  # a phone as a number is exact
        ],
        headers=HEADERS_ID,
    )
    report = run(street, path, skip_invalid=True)
    assert [(p.row, p.column) for p in report.errors] == [(2, "证件"), (4, "证件")]
    assert "文本格式" in report.errors[0].message
    assert person_of("B2").id_number == ZHAO
    assert person_of("B4").phone == "13900000000"
