"""Import jobs: a ledger uploaded on the page, its dry run, then its real run on the task queue.

The writes of the import itself are services.ledger_import's; a job keeps the file, the
mapping, the dry run's report, the progress and the result for the page to show.
"""

import logging
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from xinfang.common import clock
from xinfang.common.audit import audit_record
from xinfang.common.errors import DomainError, ValidationFailed
from xinfang.ledger_import.mapping import MappingError, parse_mapping
from xinfang.ledger_import.models import ImportJob
from xinfang.ledger_import.reading import FileRefused, check_size
from xinfang.ledger_import.rows import Problem
from xinfang.ledger_import.selectors import unindexed_case_ids
from xinfang.ledger_import.services import (
    Report,
    ledger_check,
    ledger_import,
    ledger_index,
    registered_unit_for,
)

log = logging.getLogger(__name__)


def import_job_create(
    *, actor: Any, upload: UploadedFile, mapping_text: str, ip: str | None = None
) -> ImportJob:
    """Keep the uploaded file and mapping, run the dry run on them and return the job.

    The dry run reads the whole file outside any transaction: on SQLite a transaction
    would hold the one write lock for as long as the reading takes.
    """
    try:
        check_size(upload.size or 0)
        mapping = parse_mapping(mapping_text)
    except FileRefused as e:
        raise ValidationFailed(str(e), field="file") from None
    except MappingError as e:
        raise ValidationFailed(str(e), field="mapping") from None
    unit = registered_unit_for(actor, mapping)
    name = Path(upload.name or "ledger").name[:200]
    job = ImportJob(
        owner_unit=unit,
        created_by=actor,
        created_at=clock.now(),
        file_name=name,
        mapping=mapping_text,
    )
    job.file.save(name, upload, save=False)
    report = ledger_check(actor=actor, path=Path(job.file.path), mapping=mapping, name=name)
    job.dry_run, job.total = report.details(), report.total
    with transaction.atomic():
        job.save()
        audit_record(
            actor=actor,
            kind="create",
            obj=job,
            summary=_("上传台账“%(file)s”试运行：%(n)d行") % {"file": name, "n": report.total},
            ip=ip,
        )
    return job


@transaction.atomic
def import_job_start(
    *, actor: Any, job: ImportJob, skip_invalid: bool, ip: str | None = None
) -> ImportJob:
    """Queue the real run of a checked job; refuse one already started or one that cannot run."""
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.state != ImportJob.State.CHECKED:
        raise ValidationFailed(_("该导入已经开始或已完成，不能再次导入。"))
    errors = job.dry_run.get("errors", [])
    if any(e["row"] == 0 for e in errors):
        raise ValidationFailed(_("文件或映射有误，无法导入；请修正后重新上传。"))
    if errors and not skip_invalid:
        raise ValidationFailed(
            _("试运行发现%(n)d处错误。请修正文件后重新上传，或勾选“跳过有误的行”。")
            % {"n": len(errors)}
        )
    job.state, job.skip_invalid, job.done = ImportJob.State.QUEUED, skip_invalid, 0
    job.save(update_fields=["state", "skip_invalid", "done"])
    audit_record(actor=actor, kind="change", obj=job, summary=_("开始导入"), ip=ip)

    def enqueue() -> None:
        from xinfang.ledger_import.tasks import run_import_job

        run_import_job(job.pk)

    transaction.on_commit(enqueue)
    return job


def import_job_run(*, job_id: int) -> None:
    """Run a queued job's import, its progress written as it goes; a job not queued is left alone."""
    claimed = ImportJob.objects.filter(pk=job_id, state=ImportJob.State.QUEUED).update(
        state=ImportJob.State.RUNNING
    )
    if not claimed:  # delivered twice, or already done
        return
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)

    def progress(done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job_id).update(done=done, total=total)

    try:
        report = ledger_import(
            actor=job.created_by,
            path=Path(job.file.path),
            mapping=parse_mapping(job.mapping),
            name=job.file_name,
            skip_invalid=job.skip_invalid,
            progress=progress,
        )
    except (DomainError, MappingError) as e:
        report = Report(errors=[Problem(0, "", str(e))])
    except Exception:
        log.exception("import job %s failed", job_id)
        report = Report(errors=[Problem(0, "", _("导入时发生系统错误，未写入任何事项。"))])
    failed = bool(report.errors) and not (job.skip_invalid and report.created)
    result = report.details()
    if report.case_ids and not _indexed(job_id, report.case_ids):
        result["index_pending"] = True  # the page says so and offers to index again
    ImportJob.objects.filter(pk=job_id).update(
        state=ImportJob.State.FAILED if failed else ImportJob.State.DONE,
        result=result,
        done=F("total"),
        finished_at=clock.now(),
    )


def _indexed(job_id: int, case_ids: list[int]) -> bool:
    """Write the search words of the cases, committed already; return whether it went through."""
    try:
        ledger_index(case_ids=case_ids)
    except Exception:
        log.exception("search index of import job %s failed; its cases are committed", job_id)
        return False
    return True


@transaction.atomic
def import_job_index_start(*, actor: Any, job: ImportJob, ip: str | None = None) -> ImportJob:
    """Queue the indexing again of a job whose cases were imported but not indexed."""
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.state != ImportJob.State.DONE or not job.result.get("index_pending"):
        raise ValidationFailed(_("该导入的检索索引已经写好，无需重建。"))
    audit_record(actor=actor, kind="change", obj=job, summary=_("重建检索索引"), ip=ip)

    def enqueue() -> None:
        from xinfang.ledger_import.tasks import run_index_job

        run_index_job(job.pk)

    transaction.on_commit(enqueue)
    return job


def import_job_index(*, job_id: int) -> None:
    """Index the unit's cases still without search words; clear the job's warning if it went through."""
    job = ImportJob.objects.select_related("owner_unit").get(pk=job_id)
    if not job.result.get("index_pending"):
        return
    if _indexed(job_id, unindexed_case_ids(job.owner_unit)):
        result = {k: v for k, v in job.result.items() if k != "index_pending"}
        ImportJob.objects.filter(pk=job_id).update(result=result)
