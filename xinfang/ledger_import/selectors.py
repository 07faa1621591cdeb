"""Reads of import jobs, scoped like cases: the office of the unit and those above it."""

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from xinfang.common.errors import NotFound
from xinfang.ledger_import.models import ImportJob
from xinfang.ledger_import.services import may_import
from xinfang.petitions import access


def import_jobs_for_user(user: Any) -> QuerySet[ImportJob]:
    """Return the import jobs `user` may see: of units in their scope, for the office roles."""
    if not access.may_register(user):
        return ImportJob.objects.none()
    return ImportJob.objects.filter(access.unit_q(user.unit)).select_related(
        "owner_unit", "created_by"
    )


def access_import_job(user: Any, pk: int) -> ImportJob:
    """Return job `pk` if `user` may import for its unit; NotFound alike for missing and foreign."""
    job = import_jobs_for_user(user).filter(pk=pk).first()
    if job is None or not may_import(user, job.owner_unit):
        raise NotFound(_("导入记录不存在。"))
    return job
