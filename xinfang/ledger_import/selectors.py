"""Reads of import jobs, scoped like cases: the office of the unit and those above it."""

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from xinfang.common.errors import NotFound
from xinfang.ledger_import.models import ImportJob
from xinfang.ledger_import.services import may_import
from xinfang.organization.models import Unit
from xinfang.petitions import access
from xinfang.petitions.models import Petition


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


def unindexed_case_ids(unit: Unit) -> list[int]:
    """Return the cases `unit` registered whose search words were never written (ledger_index).

    An import commits its cases before indexing them: an indexing that failed leaves them
    here for the next try.
    """
    return list(
        Petition.objects.filter(registered_unit=unit, search_text="").values_list("pk", flat=True)
    )
