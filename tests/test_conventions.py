"""Rules of the codebase that a reviewer would otherwise have to remember."""

import re
from pathlib import Path

from django.utils import translation

from xinfang.petitions.management.commands.workflow_doc import render

ROOT = Path(__file__).resolve().parents[1]
STATUS_WRITE = re.compile(r"\.status\s*=(?!=)|status\s*=\s*Status\.|update\(\s*status\s*=")


def test_only_the_petition_services_assign_a_status() -> None:
    offenders = []
    for path in (ROOT / "xinfang").rglob("*.py"):
        rel = path.relative_to(ROOT).as_posix()
        if (
            "/tests/" in rel
            or "/migrations/" in rel
            or rel.endswith(("petitions/services.py", "petitions/models.py"))
        ):
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if STATUS_WRITE.search(line) and "filter(" not in line and "self.status" not in line:
                offenders.append(f"{rel}:{n}: {line.strip()}")
    assert offenders == []


def test_the_workflow_document_matches_the_table() -> None:
    with translation.override("zh-hans"):
        assert (ROOT / "docs" / "workflow.md").read_text(encoding="utf-8") == render()
