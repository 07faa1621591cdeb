"""Rules of the codebase that a reviewer would otherwise have to remember."""

import re
from pathlib import Path

from django.utils import translation

from xinfang.petitions.management.commands.workflow_doc import render

ROOT = Path(__file__).resolve().parents[1]
# A write of a petition's status: an attribute assignment, an update() or bulk_update()
# naming it, or SQL that sets it. A read such as filter(status=...) is none of these.
STATUS_WRITE = re.compile(
    r"\.status\s*=(?!=)"
    r"|\b(?:update|update_or_create|get_or_create)\([^)]*\bstatus\s*="
    r"|bulk_update\([^)]*[\"']status[\"']"
    r"|\bSET\s+status\b",
    re.IGNORECASE,
)
# The one module that may, and the model whose own methods describe the status.
STATUS_WRITERS = ("xinfang/petitions/services/transitions.py",)
# Services that write the status of their own models, by the names they hold them under:
# early warnings' alerts and key persons, reception days' bookings (never a petition).
OWN_STATUS_WRITES = {
    "xinfang/early_warnings/services/alerts.py": re.compile(r"^alert\.status\s*="),
    "xinfang/early_warnings/services/registers.py": re.compile(r"^person\.status\s*="),
    "xinfang/reception/services/on_the_day.py": re.compile(r"^appointment\.status\s*="),
    "xinfang/reception/services/days.py": re.compile(
        r"^day\.appointments\.filter\(status=A\.BOOKED\)\.update\("
    ),
}


def _status_writes(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if STATUS_WRITE.search(line)]


def test_the_status_write_check_catches_writes_and_passes_reads() -> None:
    writes = [
        "petition.status = Status.CLOSED",
        "Petition.objects.filter(pk=1).update(status=Status.CLOSED)",
        "qs.filter(status=Status.HANDLING).update(status='closed')",
        "Petition.objects.bulk_update(rows, ['status'])",
        'cursor.execute("UPDATE petitions_petition SET status = %s")',
    ]
    reads = [
        "qs.filter(status=Status.HANDLING)",
        "if petition.status == Status.CLOSED:",
        "open_qs.exclude(status__in=OPEN_STATUSES)",
    ]
    assert _status_writes("\n".join(writes)) == writes
    assert _status_writes("\n".join(reads)) == []


def test_only_the_transition_service_assigns_a_status() -> None:
    offenders = []
    for path in (ROOT / "xinfang").rglob("*.py"):
        rel = path.relative_to(ROOT).as_posix()
        if "/tests/" in rel or "/migrations/" in rel or rel in STATUS_WRITERS:
            continue
        own = OWN_STATUS_WRITES.get(rel)
        offenders += [
            f"{rel}: {line}"
            for line in _status_writes(path.read_text(encoding="utf-8"))
            if own is None or not own.match(line)
        ]
    assert offenders == []


def test_the_workflow_document_matches_the_table() -> None:
    with translation.override("zh-hans"):
        assert (ROOT / "docs" / "workflow.md").read_text(encoding="utf-8") == render()
