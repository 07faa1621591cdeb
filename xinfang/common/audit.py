"""Write audit entries; the request, when there is one, supplies the source address."""

from collections.abc import Iterable, Sequence
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


def audit_write(entries: Sequence[AuditEntry]) -> None:
    """Insert unsaved audit entries with one INSERT."""
    # A single INSERT is atomic by itself; bulk_create would wrap even one row in a
    # transaction of its own outside an atomic block: BEGIN and COMMIT, two more round trips.
    if len(entries) == 1:
        entries[0].save(force_insert=True)
    elif entries:
        AuditEntry.objects.bulk_create(entries)
