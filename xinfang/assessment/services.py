"""Every write of the assessment app: major incidents, each recorded with an audit entry."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from xinfang.assessment.models import MajorIncident
from xinfang.common.audit import audit_record
from xinfang.common.models import AuditEntry


@transaction.atomic
def major_incident_save(
    *, actor: Any, incident: MajorIncident, changed: list[str], ip: str | None = None
) -> MajorIncident:
    """Save a new or edited major incident and audit who recorded or changed it."""
    adding = incident.pk is None
    if adding:
        incident.recorded_by = actor
    incident.full_clean()
    incident.save()
    audit_record(
        actor=actor,
        kind=AuditEntry.Kind.CREATE if adding else AuditEntry.Kind.CHANGE,
        obj=incident,
        fields=changed,
        summary=_("登记重大事件") if adding else _("修改重大事件"),
        ip=ip,
    )
    return incident


@transaction.atomic
def major_incident_delete(*, actor: Any, incident: MajorIncident, ip: str | None = None) -> None:
    """Delete a major incident, keeping in the audit log what it was."""
    audit_record(
        actor=actor,
        kind=AuditEntry.Kind.CHANGE,
        obj=incident,
        summary=_("删除重大事件：%(d)s %(u)s") % {"d": incident.occurred_on, "u": incident.unit},
        ip=ip,
    )
    incident.delete()
