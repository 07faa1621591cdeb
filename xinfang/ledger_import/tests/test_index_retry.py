"""A failed search index after a committed import: the job is done, says so, and indexes again."""

from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from xinfang.ledger_import import jobs, services
from xinfang.ledger_import.models import ImportJob
from xinfang.ledger_import.tests.helpers import mapping, row, write_csv, write_mapping
from xinfang.ledger_import.tests.test_command import command
from xinfang.ledger_import.tests.test_views import client_for, upload
from xinfang.petitions.models import Petition

pytestmark = pytest.mark.django_db


def broken(**kwargs: Any) -> None:
    raise RuntimeError("segmenter down")


def test_a_failed_index_leaves_the_job_done_with_a_button_that_indexes_again(
    street: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = client_for(street.registrar)
    upload(client, write_csv(tmp_path / "l.csv", [row("A1"), row("A2")]), mapping())
    job = ImportJob.objects.get()
    monkeypatch.setattr(jobs, "ledger_index", broken)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("ledger_import:job_run", args=[job.pk]))
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE
    assert job.result["created"] == 2 and job.result["errors"] == []
    assert job.result["index_pending"] is True
    assert set(Petition.objects.values_list("search_text", flat=True)) == {""}
    page = client.get(reverse("ledger_import:job_detail", args=[job.pk])).content.decode()
    assert "导入完成" in page and "未写入任何事项" not in page
    index = reverse("ledger_import:job_index", args=[job.pk])
    assert "检索索引未能写完" in page and f'action="{index}"' in page
    # Still broken: the job keeps its warning.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(index)
    job.refresh_from_db()
    assert job.result["index_pending"] is True
    monkeypatch.setattr(jobs, "ledger_index", services.ledger_index)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(index)
    job.refresh_from_db()
    assert "index_pending" not in job.result and job.result["created"] == 2
    assert "" not in set(Petition.objects.values_list("search_text", flat=True))
    page = client.post(index, follow=True).content.decode()
    assert "无需重建" in page


def test_the_command_says_the_index_failed_and_a_second_run_completes_it(
    street: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_csv(tmp_path / "l.csv", [row("A1"), row("A2")])
    spec = str(write_mapping(tmp_path / "m.json", mapping()))
    monkeypatch.setattr(services, "ledger_index", broken)
    last, err = command(str(path), "--mapping", spec, "--user", street.registrar.username)
    assert last == {"created": 2, "skipped": 0, "errors": []}
    assert "检索索引未能写完" in err
    assert set(Petition.objects.values_list("search_text", flat=True)) == {""}
    monkeypatch.undo()
    last, _err = command(str(path), "--mapping", spec, "--user", street.registrar.username)
    assert last == {"created": 0, "skipped": 2, "errors": []}
    assert "" not in set(Petition.objects.values_list("search_text", flat=True))
