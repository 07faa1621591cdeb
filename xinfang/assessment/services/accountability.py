"""Accountability records."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from xinfang.assessment import selectors
from xinfang.assessment.models import (
    AccountabilityRecord,
)
from xinfang.common.audit import audit_record
from xinfang.common.errors import NotFound, PermissionDenied
from xinfang.common.models import AuditEntry
from xinfang.organization.selectors import units_visible_to
from xinfang.petitions import access


@transaction.atomic
def accountability_record(
    *, actor: Any, record: AccountabilityRecord, petition_id: int, ip: str | None = None
) -> AccountabilityRecord:
    """Record an accountability finding over a case the actor sees, against a unit in scope."""
    if actor.role not in selectors.ASSESSMENT_MANAGERS:
        raise PermissionDenied(_("只有领导小组成员和系统管理员可以登记问责。"))
    record.petition = access.access_petition(actor, petition_id)
    if not units_visible_to(actor).filter(pk=record.unit_id).exists():
        raise NotFound(_("单位不存在或不在您的管辖范围内。"))
    record.recorded_by = actor
    record.full_clean()
    record.save()
    audit_record(
        actor=actor,
        kind=AuditEntry.Kind.CREATE,
        obj=record,
        summary=_("登记问责：%(u)s %(p)s") % {"u": record.unit, "p": record.person},
        ip=ip,
    )
    return record
