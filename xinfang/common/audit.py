"""Write audit entries; the request, when there is one, supplies the source address."""

import ipaddress
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from xinfang.common import clock
from xinfang.common.models import AuditEntry


def client_ip(request: HttpRequest | None) -> str | None:
    """Return the caller's address: the socket's, or the one the trusted proxies saw."""
    if request is None:
        return None
    remote: str | None = request.META.get("REMOTE_ADDR") or None
    proxies: int = settings.XINFANG_TRUSTED_PROXIES
    if proxies <= 0:
        return remote
    # Each proxy appends the address it was reached from, so only the last `proxies`
    # entries were written by machines we trust; whatever lies left of them is the
    # client's own say. Too few entries means a proxy was bypassed: trust the socket.
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(hops) < proxies:
        return remote
    try:
        return str(ipaddress.ip_address(hops[-proxies]))
    except ValueError:
        return remote


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
