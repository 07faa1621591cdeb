"""Bulk writers and their subscribers: cases written raw reach the apps that count them."""

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from xinfang.assessment.models import KpiCounted, RepliedDay
from xinfang.ledger_import import services
from xinfang.ledger_import.mapping import parse_mapping
from xinfang.ledger_import.tests.helpers import mapping, row, write_csv

pytestmark = pytest.mark.django_db


def test_imported_cases_are_counted_by_the_kpi_summary_once_committed(
    street: Any, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    path = write_csv(tmp_path / "l.csv", [row("A1"), row("A2", 答复="2025-03-20")])
    with django_capture_on_commit_callbacks(execute=True):
        report = services.ledger_import(
            actor=street.registrar, path=path, mapping=parse_mapping(json.dumps(mapping()))
        )
    assert set(KpiCounted.objects.values_list("petition_id", flat=True)) == set(report.case_ids)
    assert RepliedDay.objects.get(day=dt.date(2025, 3, 20)).replied == 1
