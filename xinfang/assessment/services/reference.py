"""Writes of the assessment's reference data: major incidents, schemes, commendations."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from xinfang.assessment.models import (
    Commendation,
    MajorIncident,
    Scheme,
)
from xinfang.assessment.services.schemes import refuse_if_frozen
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


@transaction.atomic
def scheme_save(*, actor: Any, scheme: Scheme, changed: list[str], ip: str | None = None) -> Scheme:
    """Save a scheme's header and audit it (its items are checked where they are edited)."""
    adding = scheme.pk is None
    if not adding:
        refuse_if_frozen(scheme)
    scheme.full_clean()
    scheme.save()
    audit_record(
        actor=actor,
        kind=AuditEntry.Kind.CREATE if adding else AuditEntry.Kind.CHANGE,
        obj=scheme,
        fields=changed,
        summary=_("保存考核办法：%(s)s") % {"s": scheme},
        ip=ip,
    )
    return scheme


@transaction.atomic
def commendation_save(
    *, actor: Any, commendation: Commendation, changed: list[str], ip: str | None = None
) -> Commendation:
    """Save a commendation (a scheme's bonus) and audit who recorded it."""
    adding = commendation.pk is None
    commendation.full_clean()
    commendation.save()
    audit_record(
        actor=actor,
        kind=AuditEntry.Kind.CREATE if adding else AuditEntry.Kind.CHANGE,
        obj=commendation,
        fields=changed,
        summary=_("登记表彰：%(c)s") % {"c": commendation},
        ip=ip,
    )
    return commendation
