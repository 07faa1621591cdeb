"""The import's background run, on the task queue (`manage.py run_huey`)."""

from huey.contrib.djhuey import db_task

from xinfang.ledger_import import jobs


# huey ships no type information, so its decorators are untyped.
@db_task()  # type: ignore[untyped-decorator]
def run_import_job(job_id: int) -> None:
    """Import the file of job `job_id` as its dry run checked it."""
    jobs.import_job_run(job_id=job_id)


@db_task()  # type: ignore[untyped-decorator]
def run_index_job(job_id: int) -> None:
    """Write the search words an import job's cases still lack."""
    jobs.import_job_index(job_id=job_id)
