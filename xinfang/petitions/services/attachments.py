"""Scanned letters and photos: sniffed by content, limited in size, kept outside the web root."""

import datetime as dt
import hashlib
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from xinfang.common import clock
from xinfang.common.audit import audit_entry
from xinfang.common.errors import PermissionDenied, ValidationFailed
from xinfang.common.models import AuditEntry
from xinfang.petitions import access
from xinfang.petitions.models import Attachment, Petition
from xinfang.petitions.services.history import record_event

_SNIFF = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)


def _sniff(head: bytes) -> str | None:
    return next((ctype for magic, ctype in _SNIFF if head.startswith(magic)), None)


def check_upload(upload: UploadedFile) -> str:
    """Return the sniffed content type of an acceptable upload; refuse any other."""
    if upload.size and upload.size > settings.ATTACHMENT_MAX_BYTES:
        raise ValidationFailed(
            _("附件“%(name)s”超过20MB。") % {"name": upload.name}, field="attachments"
        )
    head = upload.read(16)
    upload.seek(0)
    ctype = _sniff(head)
    if ctype is None:
        raise ValidationFailed(
            _("附件“%(name)s”不是PDF、JPEG或PNG文件。") % {"name": upload.name},
            field="attachments",
        )
    return ctype


def stored_files(uploads: Sequence[UploadedFile], default_name: str) -> list[dict[str, Any]]:
    """Return each upload's stored-file fields (file, name, type, size, SHA-256).

    Every file is checked before any is used: a refusal must leave no file behind on
    disk, where the transaction's rollback cannot reach it.
    """
    types = [check_upload(u) for u in uploads]
    files = []
    for upload, ctype in zip(uploads, types, strict=True):
        digest = hashlib.sha256()
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
        files.append(
            {
                "file": upload,
                "name": (upload.name or default_name)[:200],
                "content_type": ctype,
                "size": upload.size or 0,
                "sha256": digest.hexdigest(),
            }
        )
    return files


def attach_all(
    petition: Petition,
    uploads: Sequence[UploadedFile],
    actor: Any,
    now: dt.datetime,
    *,
    audit: list[AuditEntry],
    ip: str | None = None,
) -> list[Attachment]:
    """Store the uploads on the case, adding an audit entry for each to `audit`."""
    added = [
        Attachment.objects.create(petition=petition, uploaded_by=actor, uploaded_at=now, **f)
        for f in stored_files(uploads, "attachment")
    ]
    audit += [audit_entry(actor=actor, kind="create", obj=a, summary=a.name, ip=ip) for a in added]
    return added


@transaction.atomic
def petition_attach(
    *, actor: Any, petition_id: int, files: Sequence[UploadedFile], ip: str | None = None
) -> list[Attachment]:
    """Add scanned letters or photos to a case the actor may see."""
    if actor.is_read_only:
        raise PermissionDenied(_("只读账号不能上传附件。"))
    petition = access.access_petition(actor, petition_id, for_update=True)
    now = clock.now()
    audit: list[AuditEntry] = []
    added = attach_all(petition, files, actor, now, audit=audit, ip=ip)
    AuditEntry.objects.bulk_create(audit)
    record_event(
        petition,
        actor,
        now,
        "attach",
        petition.status,
        petition.status,
        "",
        {"files": [a.name for a in added]},
    )
    return added
