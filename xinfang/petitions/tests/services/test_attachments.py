"""Attachments: recognised by their content, limited in size, never half-saved."""

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils.functional import empty

from xinfang.common.errors import ValidationFailed
from xinfang.common.models import AuditEntry
from xinfang.petitions import services
from xinfang.petitions.models import (
    Attachment,
    Petition,
    Petitioner,
    PetitionEvent,
    _attachment_storage,
)
from xinfang.petitions.tests.factories import accepted, register, registration

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48


@pytest.fixture(autouse=True)
def attachment_root(settings: Any, tmp_path: Path) -> Iterator[Path]:
    """Store attachments under a temporary folder for each test."""
    settings.ATTACHMENT_ROOT = tmp_path
    # The storage reads ATTACHMENT_ROOT once, when first used; make it read this one.
    _attachment_storage._wrapped = empty
    yield tmp_path
    _attachment_storage._wrapped = empty


def _upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def _stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def _counts() -> tuple[int, int, int, int]:
    return (
        Petition.objects.count(),
        Petitioner.objects.count(),
        Attachment.objects.count(),
        AuditEntry.objects.count(),
    )


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("来信.pdf", PDF, "application/pdf"),
        ("现场照片.jpg", JPEG, "image/jpeg"),
        ("截图.png", PNG, "image/png"),
        ("照片.jpg", PNG, "image/png"),  # the content decides, not the name
    ],
)
def test_pdf_jpeg_and_png_are_recognised_by_their_content(
    street: Any, attachment_root: Path, name: str, content: bytes, content_type: str
) -> None:
    petition = register(street.registrar)
    (attachment,) = services.petition_attach(
        actor=street.registrar, petition_id=petition.pk, files=[_upload(name, content)]
    )
    assert attachment.content_type == content_type
    assert attachment.name == name
    assert attachment.size == len(content)
    assert attachment.sha256 == hashlib.sha256(content).hexdigest()
    assert attachment.uploaded_by == street.registrar
    (stored,) = _stored_files(attachment_root)
    assert stored.read_bytes() == content
    event = PetitionEvent.objects.get(petition=petition, action="attach")
    assert event.details == {"files": [name]}
    assert (event.from_status, event.to_status) == ("registered", "registered")


def test_attachments_registered_with_the_petition_are_kept(street: Any) -> None:
    petition = services.petition_register(
        actor=street.registrar,
        data=registration(),
        files=[_upload("来信.pdf", PDF), _upload("照片.jpg", JPEG)],
    )
    types = list(petition.attachments.values_list("content_type", flat=True))
    assert types == ["application/pdf", "image/jpeg"]


def test_handler_attaches_to_a_case_of_their_community(street: Any) -> None:
    petition = accepted(street)
    added = services.petition_attach(
        actor=street.handler, petition_id=petition.pk, files=[_upload("走访记录.pdf", PDF)]
    )
    assert [a.uploaded_by for a in added] == [street.handler]


@pytest.mark.parametrize(
    ("name", "content"),
    [("扫描件.pdf", EXE), ("空文件.pdf", b""), ("说明.pdf", b"plain text, not a PDF")],
)
def test_a_file_that_is_not_pdf_jpeg_or_png_is_refused_whatever_its_name(
    street: Any, attachment_root: Path, name: str, content: bytes
) -> None:
    petition = register(street.registrar)
    events = PetitionEvent.objects.count()
    with pytest.raises(ValidationFailed) as excinfo:
        services.petition_attach(
            actor=street.registrar, petition_id=petition.pk, files=[_upload(name, content)]
        )
    assert excinfo.value.field == "attachments"
    assert name in excinfo.value.message
    assert not Attachment.objects.exists()
    assert PetitionEvent.objects.count() == events
    assert _stored_files(attachment_root) == []


@override_settings(ATTACHMENT_MAX_BYTES=1024)
def test_a_file_over_the_size_limit_is_refused(street: Any) -> None:
    petition = register(street.registrar)
    too_big = PDF + b"0" * (1025 - len(PDF))
    with pytest.raises(ValidationFailed) as excinfo:
        services.petition_attach(
            actor=street.registrar, petition_id=petition.pk, files=[_upload("大文件.pdf", too_big)]
        )
    assert excinfo.value.field == "attachments"
    assert not Attachment.objects.exists()


@override_settings(ATTACHMENT_MAX_BYTES=1024)
def test_a_file_at_the_size_limit_is_accepted(street: Any) -> None:
    petition = register(street.registrar)
    at_limit = PDF + b"0" * (1024 - len(PDF))
    (attachment,) = services.petition_attach(
        actor=street.registrar, petition_id=petition.pk, files=[_upload("刚好.pdf", at_limit)]
    )
    assert attachment.size == 1024


def test_a_refused_attachment_at_registration_leaves_no_petition(street: Any) -> None:
    before = _counts()
    with pytest.raises(ValidationFailed):
        services.petition_register(
            actor=street.registrar,
            data=registration(),
            files=[_upload("来信.pdf", PDF), _upload("扫描件.pdf", EXE)],
        )
    assert _counts() == before


def test_a_refused_registration_leaves_no_file_on_disk(street: Any, attachment_root: Path) -> None:
    with pytest.raises(ValidationFailed):
        services.petition_register(
            actor=street.registrar,
            data=registration(),
            files=[_upload("来信.pdf", PDF), _upload("扫描件.pdf", EXE)],
        )
    assert _stored_files(attachment_root) == []
