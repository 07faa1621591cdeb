"""Write audit entries; the request, when there is one, supplies the source address."""

from collections.abc import Iterable
from typing import Any

from django.http import HttpRequest

from xinfang.common import clock
from xinfang.common.models import AuditEntry


def client_ip(request: HttpRequest | None) -> str | None:
    """Return the caller's address as the proxy or the socket reports it."""
    if request is None:
        return None
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    return forwarded.split(",")[0].strip() or request.META.get("REMOTE_ADDR") or None


def audit_entry(
    *,
    actor: Any,
    kind: str,
    obj: Any,
    fields: Iterable[str] = (),
    summary: str = "",
    ip: str | None = None,
) -> AuditEntry:
    """Return an unsaved audit entry about `obj`, for a caller that writes several at once."""
    return AuditEntry(
        at=clock.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        kind=kind,
        object_type=obj._meta.model_name,
        object_id=str(obj.pk),
        fields=list(fields),
        summary=summary[:200],
        ip=ip,
    )


def audit_record(
    *,
    actor: Any,
    kind: str,
    obj: Any,
    fields: Iterable[str] = (),
    summary: str = "",
    ip: str | None = None,
) -> AuditEntry:
    """Insert one audit entry about `obj`."""
    entry = audit_entry(actor=actor, kind=kind, obj=obj, fields=fields, summary=summary, ip=ip)
    entry.save()
    return entry
