import json
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from xinfang.ledger_import.models import ImportJob
from xinfang.ledger_import.tests.helpers import mapping, row, write_csv
from xinfang.petitions.models import Petition

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def upload(client: Client, path: Path, spec: Any) -> Any:
    text = spec if isinstance(spec, str) else json.dumps(spec, ensure_ascii=False)
    file = SimpleUploadedFile(path.name, path.read_bytes(), content_type="text/csv")
    return client.post(reverse("ledger_import:upload"), {"file": file, "mapping": text})


def test_the_page_offers_the_shipped_mappings_and_loads_one_into_the_editor(street: Any) -> None:
    client = client_for(street.registrar)
    page = client.get(reverse("ledger_import:upload")).content.decode()
    assert 'value="shangluo"' in page and 'value="xinfang-export"' in page
    loaded = client.get(reverse("ledger_import:upload"), {"example": "shangluo"}).content.decode()
    assert "商洛市市长信箱" in loaded and "reply_agency" in loaded


def test_an_upload_shows_the_dry_run_with_its_errors_and_a_preview_and_writes_nothing(
    street: Any, tmp_path: Path
) -> None:
    client = client_for(street.registrar)
    path = write_csv(tmp_path / "l.csv", [row("A1"), row("A2", 答复="2025-03-01")])
    response = upload(client, path, mapping())
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    page = client.get(job.get_absolute_url()).content.decode()
    assert "答复日期2025-03-01早于登记日期2025-03-02" in page
    assert 'id="import-preview"' in page and "A1" in page
    assert not Petition.objects.exists()


def test_a_mapping_that_is_not_valid_json_is_shown_on_the_form(street: Any, tmp_path: Path) -> None:
    client = client_for(street.registrar)
    path = write_csv(tmp_path / "l.csv", [row("A1")])
    response = upload(client, path, '{"fields": ')
    assert response.status_code == 400 and "映射不是有效的JSON" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_run_with_errors_is_refused_unless_the_invalid_rows_are_skipped(
    street: Any, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(street.registrar)
    path = write_csv(tmp_path / "l.csv", [row("A1"), row("A2", 日期="2025-02-30")])
    upload(client, path, mapping())
    job = ImportJob.objects.get()
    run = reverse("ledger_import:job_run", args=[job.pk])
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(run, follow=True).content.decode()
    assert "试运行发现1处错误" in page and not Petition.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(run, {"skip_invalid": "on"})
    job.refresh_from_db()
    assert (job.state, job.result["created"]) == (ImportJob.State.DONE, 1)
    assert Petition.objects.get().external_ref == "A1"


def test_the_real_run_is_a_background_task_whose_progress_the_page_polls(
    street: Any, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(street.registrar)
    path = write_csv(tmp_path / "l.csv", [row(f"A{i}") for i in range(5)])
    upload(client, path, mapping())
    job = ImportJob.objects.get()
    progress = reverse("ledger_import:job_progress", args=[job.pk])
    with django_capture_on_commit_callbacks(execute=False) as queued:
        client.post(reverse("ledger_import:job_run", args=[job.pk]))
    polling = client.get(progress).content.decode()
    assert f'hx-get="{progress}"' in polling and 'hx-trigger="every 1s"' in polling
    for callback in queued:  # the task queue picks the job up after the commit
        callback()
    done = client.get(progress).content.decode()
    assert "hx-trigger" not in done and "导入完成" in done and "新建 5 件" in done
    assert Petition.objects.count() == 5
    # A second run of the same job is refused; the file's cases stay as they are.
    page = client.post(reverse("ledger_import:job_run", args=[job.pk]), follow=True)
    assert "不能再次导入" in page.content.decode() and Petition.objects.count() == 5


def test_a_registrar_may_not_import_for_another_unit(street: Any, tmp_path: Path) -> None:
    client = client_for(street.registrar)
    path = write_csv(tmp_path / "l.csv", [row("A1")])
    response = upload(client, path, mapping(unit="西湖区"))
    assert response.status_code == 400
    assert "只有“西湖区”的信访办" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_handler_has_no_import_page(street: Any) -> None:
    assert client_for(street.handler).get(reverse("ledger_import:upload")).status_code == 404
